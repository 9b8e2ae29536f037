//! Generates the scanner's benchmark corpus: real payment payloads rendered as QR codes
//! (versions 1-20, every error-correction level), placed in phone-sized frames (640x480 to
//! 1920x1080) and degraded the ways cameras degrade them. Seeded: the same seed gives the
//! same files.
//!
//! `cargo run --release -p purse-scan --example scan_corpus -- OUT_DIR [PER_CATEGORY] [SEED]`
//!
//! Writes the images and `manifest.jsonl`: one `{"file", "category", "payloads", "width",
//! "height", "version", "ec"}` per image.

use std::io::Write;
use std::path::Path;

use purse_core::money::{Currency, Money};
use purse_core::paycode::{Initiation, MerchantCodeSpec, PURSE_GUID, emvco};
use qrcode::{Color, EcLevel, QrCode, Version};

/// xorshift64*: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn gauss(&mut self) -> f64 {
        let (u, v) = (self.f().max(1e-12), self.f());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.int(0, xs.len() - 1)]
    }
}

const CATEGORIES: &[&str] = &[
    "clean",
    "rotation",
    "perspective",
    "blur",
    "motion",
    "noise",
    "low_contrast",
    "glare_shadow",
    "jpeg",
    "far",
    "screen",
    "curved",
    "damage",
    "inverted",
    "multi",
    "large",
];

/// A real-looking payment payload, of a size that spans QR versions 1-20.
fn payload(rng: &mut Rng, i: usize) -> String {
    let cny = Currency::from_code("CNY").unwrap();
    let names = [
        "Tea House",
        "Noodle Bar 面馆",
        "Kopi Kedai",
        "Fresh Mart",
        "Book Nook",
        "Taxi 4471",
    ];
    let cities = [
        "Hangzhou", "Beijing", "Penang", "Zurich", "Mumbai", "Berlin",
    ];
    match rng.int(0, 7) {
        0 | 1 => {
            let amount = (rng.int(1, 500_000)) as i64;
            let dynamic = rng.int(0, 1) == 1;
            emvco::encode(&MerchantCodeSpec {
                initiation: if dynamic {
                    Initiation::Dynamic
                } else {
                    Initiation::Static
                },
                account_tag: 26,
                guid: PURSE_GUID.into(),
                account_fields: {
                    let mut f = vec![(
                        "01".into(),
                        format!("m_{:012x}", rng.next() & 0xffff_ffff_ffff),
                    )];
                    if dynamic {
                        f.push(("02".into(), format!("ord_{:016x}", rng.next())));
                    }
                    f
                },
                mcc: format!("{:04}", rng.int(5000, 5999)),
                amount: dynamic.then(|| Money::new(amount, cny)),
                currency: cny,
                country: "CN".into(),
                merchant_name: rng.pick(&names).to_string(),
                merchant_city: rng.pick(&cities).to_string(),
                bill_number: (rng.int(0, 1) == 1).then(|| format!("B{}", rng.int(1000, 99999))),
                reference_label: (rng.int(0, 2) == 0)
                    .then(|| format!("REF{:010}", rng.next() % 10_000_000_000)),
                terminal_label: (rng.int(0, 2) == 0).then(|| format!("T{}", rng.int(1, 99))),
            })
            .unwrap()
        }
        2 => format!(
            "upi://pay?pa={}@okaxis&pn={}&am={}.{:02}&cu=INR&tn=Order%20{}",
            ["tea", "kirana.store", "auto.4471"][i % 3],
            ["Tea%20Stall", "Kirana", "Auto"][i % 3],
            rng.int(1, 5000),
            rng.int(0, 99),
            rng.int(1, 9999)
        ),
        3 => format!(
            "BCD\n002\n1\nSCT\nBFSWDE33BER\n{}\nDE33100205000001194700\nEUR{}.{:02}\n\n\nInvoice {}",
            rng.pick(&[
                "Wikimedia Foerdergesellschaft",
                "Stadtwerke Berlin",
                "Max Mustermann"
            ]),
            rng.int(1, 2000),
            rng.int(0, 99),
            rng.int(1000, 99999)
        ),
        4 => [
            "SPC",
            "0200",
            "1",
            "CH4431999123000889012",
            "S",
            "Robert Schneider AG",
            "Rue du Lac",
            "1268",
            "2501",
            "Biel",
            "CH",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &format!("{}.{:02}", rng.int(1, 9999), rng.int(0, 99)),
            "CHF",
            "S",
            "Pia-Maria Rutschmann-Schnyder",
            "Grosse Marktgasse",
            "28",
            "9400",
            "Rorschach",
            "CH",
            "QRR",
            "210000000003139471430009017",
            "Order of 15 June 2020",
            "EPD",
        ]
        .join("\n"),
        // Short codes, for the small versions.
        5 => format!("purse:{:x}", rng.next() % 0xffff),
        6 => format!("wxp://f2f0{:x}", rng.next() % 0xff_ffff),
        _ => format!("upi://pay?pa=a{}@upi", rng.int(1, 99)),
    }
}

struct Frame {
    w: usize,
    h: usize,
    px: Vec<f64>,
}

/// A QR code as a module matrix (true = dark) with its version and level.
fn make_code(rng: &mut Rng, text: &str) -> Option<(Vec<bool>, usize, usize, char)> {
    let levels = [
        (EcLevel::L, 'L'),
        (EcLevel::M, 'M'),
        (EcLevel::Q, 'Q'),
        (EcLevel::H, 'H'),
    ];
    let (level, name) = *rng.pick(&levels);
    let min = QrCode::with_error_correction_level(text.as_bytes(), level).ok()?;
    let Version::Normal(v0) = min.version() else {
        return None;
    };
    if v0 > 20 {
        return None;
    }
    let v = rng.int(v0 as usize, (v0 as usize + 3).min(20)) as i16;
    let code = QrCode::with_version(text.as_bytes(), Version::Normal(v), level).unwrap_or(min);
    let Version::Normal(version) = code.version() else {
        return None;
    };
    let n = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Some((dark, n, version as usize, name))
}

/// 3x3 homography mapping the unit square's corners to `quad`.
fn homography(quad: [(f64, f64); 4]) -> [f64; 9] {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = quad;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    [
        x1 - x0 + g * x1,
        x3 - x0 + h * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + h * y3,
        y0,
        g,
        h,
        1.0,
    ]
}

fn invert3(m: [f64; 9]) -> [f64; 9] {
    let [a, b, c, d, e, f, g, h, i] = m;
    let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    [
        (e * i - f * h) / det,
        (c * h - b * i) / det,
        (b * f - c * e) / det,
        (f * g - d * i) / det,
        (a * i - c * g) / det,
        (c * d - a * f) / det,
        (d * h - e * g) / det,
        (b * g - a * h) / det,
        (a * e - b * d) / det,
    ]
}

struct Placement {
    center: (f64, f64),
    /// Side of the code including its 4-module quiet zone, in pixels.
    side: f64,
    angle: f64,
    /// Corner jitter as a fraction of the side (perspective).
    jitter: f64,
    /// Cylinder bend: 0 = flat.
    bend: f64,
}

/// Draws the code into the frame: dark modules at `dark`, the paper at `light`.
fn draw_code(
    rng: &mut Rng,
    f: &mut Frame,
    modules: &[bool],
    n: usize,
    p: &Placement,
    dark: f64,
    light: f64,
) {
    let s = p.side / 2.0;
    let (ca, sa) = (p.angle.cos(), p.angle.sin());
    let mut quad = [(-s, -s), (s, -s), (s, s), (-s, s)];
    for q in &mut quad {
        let (x, y) = (
            q.0 + rng.range(-p.jitter, p.jitter) * p.side,
            q.1 + rng.range(-p.jitter, p.jitter) * p.side,
        );
        *q = (p.center.0 + x * ca - y * sa, p.center.1 + x * sa + y * ca);
    }
    let inv = invert3(homography(quad));
    let total = n + 8;
    let (minx, maxx) = quad
        .iter()
        .fold((f64::MAX, f64::MIN), |a, q| (a.0.min(q.0), a.1.max(q.0)));
    let (miny, maxy) = quad
        .iter()
        .fold((f64::MAX, f64::MIN), |a, q| (a.0.min(q.1), a.1.max(q.1)));
    let sample = |u: f64, v: f64| -> Option<f64> {
        if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
            return None;
        }
        // Bend: modules near the middle look wider, near the edges narrower (a cylinder).
        let u = if p.bend > 0.0 {
            let t = (u - 0.5) * 2.0;
            0.5 + (t * p.bend).asin().clamp(-1.5, 1.5) / (p.bend.asin()) / 2.0
        } else {
            u
        };
        let (mx, my) = (
            (u * total as f64) as isize - 4,
            (v * total as f64) as isize - 4,
        );
        let inside = mx >= 0 && my >= 0 && (mx as usize) < n && (my as usize) < n;
        Some(if inside && modules[my as usize * n + mx as usize] {
            dark
        } else {
            light
        })
    };
    for y in (miny.floor().max(0.0) as usize)..(maxy.ceil().min(f.h as f64 - 1.0) as usize) {
        for x in (minx.floor().max(0.0) as usize)..(maxx.ceil().min(f.w as f64 - 1.0) as usize) {
            // 3x3 supersampling: edges anti-aliased as a lens would.
            let (mut acc, mut hits) = (0.0, 0);
            for sy in 0..3 {
                for sx in 0..3 {
                    let (fx, fy) = (
                        x as f64 + (sx as f64 + 0.5) / 3.0,
                        y as f64 + (sy as f64 + 0.5) / 3.0,
                    );
                    let w = inv[6] * fx + inv[7] * fy + inv[8];
                    let (u, v) = (
                        (inv[0] * fx + inv[1] * fy + inv[2]) / w,
                        (inv[3] * fx + inv[4] * fy + inv[5]) / w,
                    );
                    if let Some(val) = sample(u, v) {
                        acc += val;
                        hits += 1;
                    }
                }
            }
            if hits > 0 {
                let i = y * f.w + x;
                f.px[i] = (f.px[i] * (9 - hits) as f64 + acc) / 9.0;
            }
        }
    }
}

/// Gaussian blur: a separable kernel of radius 3 sigma.
fn gaussian(f: &mut Frame, sigma: f64) {
    let r = (3.0 * sigma).ceil().max(1.0) as isize;
    let kernel: Vec<f64> = (-r..=r)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let norm: f64 = kernel.iter().sum();
    let (w, h) = (f.w as isize, f.h as isize);
    let mut tmp = vec![0.0; f.px.len()];
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (k, kv) in kernel.iter().enumerate() {
                let sx = (x + k as isize - r).clamp(0, w - 1);
                acc += kv * f.px[(y * w + sx) as usize];
            }
            tmp[(y * w + x) as usize] = acc / norm;
        }
    }
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (k, kv) in kernel.iter().enumerate() {
                let sy = (y + k as isize - r).clamp(0, h - 1);
                acc += kv * tmp[(sy * w + x) as usize];
            }
            f.px[(y * w + x) as usize] = acc / norm;
        }
    }
}

fn motion_blur(f: &mut Frame, len: usize, angle: f64) {
    let (dx, dy) = (angle.cos(), angle.sin());
    let src = f.px.clone();
    for y in 0..f.h {
        for x in 0..f.w {
            let mut acc = 0.0;
            for k in 0..len {
                let t = k as f64 - len as f64 / 2.0;
                let sx = (x as f64 + t * dx).round().clamp(0.0, f.w as f64 - 1.0) as usize;
                let sy = (y as f64 + t * dy).round().clamp(0.0, f.h as f64 - 1.0) as usize;
                acc += src[sy * f.w + sx];
            }
            f.px[y * f.w + x] = acc / len as f64;
        }
    }
}

fn background(rng: &mut Rng, w: usize, h: usize) -> Frame {
    let base = rng.range(120.0, 210.0);
    let (gx, gy) = (rng.range(-0.04, 0.04), rng.range(-0.04, 0.04));
    let mut px = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let texture = ((x as f64 * 0.11).sin() * (y as f64 * 0.07).cos()) * 6.0;
            px.push(
                base + gx * (x as f64 - w as f64 / 2.0)
                    + gy * (y as f64 - h as f64 / 2.0)
                    + texture,
            );
        }
    }
    Frame { w, h, px }
}

struct Sample {
    frame: Frame,
    payloads: Vec<String>,
    version: usize,
    ec: char,
}

fn make(rng: &mut Rng, category: &str, i: usize) -> Option<Sample> {
    let sizes = [(640, 480), (1280, 720), (1920, 1080)];
    let (w, h) = match category {
        "large" => (1920, 1080),
        "far" => *rng.pick(&[(1280, 720), (1920, 1080)]),
        _ => *rng.pick(&sizes),
    };
    let mut f = background(rng, w, h);
    // Inverted codes sit on a dark surface (a black sticker, a screen in dark mode).
    if category == "inverted" {
        for p in &mut f.px {
            *p *= 0.3;
        }
    }
    let count = if category == "multi" {
        rng.int(2, 3)
    } else {
        1
    };
    let mut payloads = Vec::new();
    let (mut version, mut ec) = (0, 'L');
    for k in 0..count {
        let text = payload(rng, i + k);
        let (modules, n, v, level) = make_code(rng, &text)?;
        version = version.max(v);
        ec = level;
        let total = (n + 8) as f64;
        let module = match category {
            "far" => rng.range(1.8, 2.6),
            "large" => rng.range(5.0, 12.0),
            "multi" => rng.range(2.5, 5.0),
            _ => rng.range(2.6, 7.0),
        };
        let side = (module * total).min(h as f64 * 0.9 / if count > 1 { 1.6 } else { 1.0 });
        let slot_w = w as f64 / count as f64;
        let cx = slot_w * k as f64 + slot_w / 2.0 + rng.range(-0.1, 0.1) * slot_w * 0.5;
        let cy = h as f64 / 2.0 + rng.range(-0.2, 0.2) * (h as f64 - side).max(0.0);
        let placement = Placement {
            center: (cx, cy),
            side,
            angle: match category {
                "rotation" => rng.range(0.0, std::f64::consts::TAU),
                "perspective" | "curved" => rng.range(-0.3, 0.3),
                _ => rng.range(-0.08, 0.08),
            },
            jitter: match category {
                "perspective" => rng.range(0.08, 0.18),
                _ => rng.range(0.0, 0.015),
            },
            bend: if category == "curved" {
                rng.range(0.5, 0.85)
            } else {
                0.0
            },
        };
        let light = rng.range(205.0, 245.0);
        let (dark, light) = match category {
            "low_contrast" => {
                let l = rng.range(150.0, 190.0);
                (l - rng.range(35.0, 55.0), l)
            }
            "inverted" => (light, rng.range(20.0, 50.0)),
            _ => (rng.range(10.0, 50.0), light),
        };
        let mut modules = modules;
        if category == "damage" {
            // Blots within the error-correction budget: up to a fifth of the level's capacity.
            let budget = match level {
                'L' => 0.03,
                'M' => 0.06,
                'Q' => 0.09,
                _ => 0.12,
            };
            let blots = rng.int(1, 3);
            let area = budget * (n * n) as f64 / blots as f64;
            for _ in 0..blots {
                let r = (area / std::f64::consts::PI).sqrt();
                let (bx, by) = (
                    rng.range(9.0, n as f64 - 9.0),
                    rng.range(9.0, n as f64 - 9.0),
                );
                let ink = rng.int(0, 1) == 1;
                for my in 0..n {
                    for mx in 0..n {
                        if (mx as f64 - bx).hypot(my as f64 - by) < r {
                            modules[my * n + mx] = ink;
                        }
                    }
                }
            }
        }
        draw_code(rng, &mut f, &modules, n, &placement, dark, light);
        payloads.push(text);
    }
    match category {
        "blur" => gaussian(&mut f, rng.range(1.0, 2.2)),
        "motion" => motion_blur(&mut f, rng.int(4, 9), rng.range(0.0, std::f64::consts::PI)),
        "noise" => {
            let sigma = rng.range(10.0, 28.0);
            for p in &mut f.px {
                *p += rng.gauss() * sigma;
            }
        }
        "glare_shadow" => {
            let (sx, sy) = (rng.range(0.0, w as f64), rng.range(0.0, h as f64));
            let ang = rng.range(0.0, std::f64::consts::TAU);
            let (gx, gy, r) = (
                rng.range(0.0, w as f64),
                rng.range(0.0, h as f64),
                rng.range(0.08, 0.2) * w as f64,
            );
            for y in 0..h {
                for x in 0..w {
                    let side = (x as f64 - sx) * ang.cos() + (y as f64 - sy) * ang.sin();
                    let shade = if side > 0.0 {
                        0.45 + 0.55 * (-side / 60.0).exp()
                    } else {
                        1.0
                    };
                    let d = (x as f64 - gx).hypot(y as f64 - gy) / r;
                    let glare = 90.0 * (-d * d).exp();
                    let i = y * w + x;
                    f.px[i] = f.px[i] * shade + glare;
                }
            }
        }
        "screen" => {
            // A phone screen: an emissive pixel grid (moire against the camera), slight blur.
            let pitch = rng.range(2.2, 3.4);
            for y in 0..h {
                for x in 0..w {
                    let grid = 0.85
                        + 0.15
                            * ((x as f64 / pitch * std::f64::consts::TAU).cos()
                                * (y as f64 / pitch * std::f64::consts::TAU).cos());
                    f.px[y * w + x] *= grid;
                }
            }
            gaussian(&mut f, 0.8);
        }
        "far" => gaussian(&mut f, rng.range(0.25, 0.4)),
        "large" | "curved" | "perspective" | "rotation" | "multi" | "damage" => {
            gaussian(&mut f, rng.range(0.3, 0.8));
            for p in &mut f.px {
                *p += rng.gauss() * 3.0;
            }
        }
        _ => {
            for p in &mut f.px {
                *p += rng.gauss() * 2.0;
            }
        }
    }
    Some(Sample {
        frame: f,
        payloads,
        version,
        ec,
    })
}

fn to_gray(f: &Frame) -> image::GrayImage {
    image::GrayImage::from_raw(
        f.w as u32,
        f.h as u32,
        f.px.iter()
            .map(|p| p.round().clamp(0.0, 255.0) as u8)
            .collect(),
    )
    .unwrap()
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let out = Path::new(
        args.get(1)
            .map(String::as_str)
            .unwrap_or("target/scan-corpus"),
    );
    let per: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(30);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20261125);
    std::fs::create_dir_all(out)?;
    let mut manifest = std::fs::File::create(out.join("manifest.jsonl"))?;
    let mut rng = Rng(seed | 1);
    for category in CATEGORIES {
        let mut made = 0;
        let mut i = 0;
        while made < per {
            i += 1;
            let Some(sample) = make(&mut rng, category, i) else {
                continue;
            };
            let img = to_gray(&sample.frame);
            let name = if *category == "jpeg" {
                let q = rng.int(15, 40) as u8;
                let name = format!("{category}-{made:03}.jpg");
                let mut buf = Vec::new();
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, q)
                    .encode_image(&img)
                    .map_err(std::io::Error::other)?;
                std::fs::write(out.join(&name), buf)?;
                name
            } else {
                let name = format!("{category}-{made:03}.png");
                img.save(out.join(&name)).map_err(std::io::Error::other)?;
                name
            };
            writeln!(
                manifest,
                "{}",
                serde_json::json!({
                    "file": name, "category": category, "payloads": sample.payloads,
                    "width": sample.frame.w, "height": sample.frame.h,
                    "version": sample.version, "ec": sample.ec.to_string(),
                })
            )?;
            made += 1;
        }
        eprintln!("{category}: {made}");
    }
    Ok(())
}
