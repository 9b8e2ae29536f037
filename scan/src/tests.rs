use super::*;

/// Renders `payload` as a QR code: `module` pixels per module, a 4-module quiet zone, placed
/// at (`x`, `y`) on a `w`x`h` light frame.
pub(crate) fn render(payload: &str, module: usize, w: usize, h: usize, x: usize, y: usize) -> Gray {
    let mut g = Gray {
        width: w,
        height: h,
        data: vec![235u8; w * h],
    };
    draw_modules(
        &mut g,
        payload,
        module,
        (x + 4 * module, y + 4 * module),
        25,
    );
    g
}

/// Paints `payload`'s dark modules in grey `dark`, `module` pixels each, the grid's top-left
/// corner at `at`; what falls outside the picture is left out.
fn draw_modules(g: &mut Gray, payload: &str, module: usize, at: (usize, usize), dark: u8) {
    let code = qrcode::QrCode::new(payload.as_bytes()).unwrap();
    let n = code.width();
    let colors = code.to_colors();
    for my in 0..n {
        for mx in 0..n {
            if colors[my * n + mx] == qrcode::Color::Dark {
                for py in 0..module {
                    for px in 0..module {
                        let (fx, fy) = (at.0 + mx * module + px, at.1 + my * module + py);
                        if fx < g.width && fy < g.height {
                            g.data[fy * g.width + fx] = dark;
                        }
                    }
                }
            }
        }
    }
}

/// Functional tests must not depend on the machine's speed: an unoptimised build on a busy
/// machine would run out of the camera budget. (The budget itself is tested below.)
fn opts() -> ScanOptions {
    ScanOptions {
        budget: std::time::Duration::from_secs(60),
        first_only: false,
    }
}

const PAYLOAD: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING";

#[test]
fn finds_a_clean_code_in_a_camera_sized_frame() {
    let g = render(PAYLOAD, 6, 1280, 720, 400, 150);
    let found = scan_gray(&g, opts());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].payload, PAYLOAD);
    let c = found[0].corners;
    assert!(
        (c[0].x - (400 + 4 * 6)).abs() <= 8 && (c[0].y - (150 + 4 * 6)).abs() <= 8,
        "{c:?}"
    );
}

#[test]
fn frames_with_a_row_stride_are_read_without_copying_padding() {
    let g = render(PAYLOAD, 5, 640, 480, 100, 60);
    let stride = 704;
    let mut buf = vec![0u8; stride * 480];
    for y in 0..480 {
        buf[y * stride..y * stride + 640].copy_from_slice(&g.data[y * 640..(y + 1) * 640]);
        // Garbage in the padding must not matter.
        for b in &mut buf[y * stride + 640..(y + 1) * stride] {
            *b = 0;
        }
    }
    let frame = LumaFrame {
        data: &buf,
        width: 640,
        height: 480,
        row_stride: stride,
        rotation: Rotation::Upright,
    };
    assert_eq!(scan_frame(frame, opts()).unwrap()[0].payload, PAYLOAD);
}

/// A portrait phone's camera delivers landscape frames with `rotationDegrees` 90: the
/// corners must come back where the code is on the upright preview, not on the sensor.
#[test]
fn corners_follow_the_frames_rotation() {
    let (w, h, module, x, y) = (640usize, 480usize, 5usize, 100usize, 60usize);
    let g = render(PAYLOAD, module, w, h, x, y);
    let scan = |degrees| {
        let frame = LumaFrame {
            data: &g.data,
            width: w,
            height: h,
            row_stride: w,
            rotation: Rotation::from_degrees(degrees).unwrap(),
        };
        let found = scan_frame(frame, opts()).unwrap();
        assert_eq!(found[0].payload, PAYLOAD);
        found[0].corners
    };
    let sensor = scan(0);
    let (wi, hi) = (w as i32, h as i32);
    // The code's top-left corner on the sensor, turned with the frame.
    let tl = sensor[0];
    assert!((tl.x - (x + 4 * module) as i32).abs() <= 8, "{sensor:?}");
    let at = |x, y| Corner { x, y };
    assert_eq!(scan(90)[0], at(hi - 1 - tl.y, tl.x));
    assert_eq!(scan(180)[0], at(wi - 1 - tl.x, hi - 1 - tl.y));
    assert_eq!(scan(270)[0], at(tl.y, wi - 1 - tl.x));
    // Upright on a portrait screen (90): the code sat in the sensor's top-left quarter, so
    // it is in the top-right quarter of the 480x640 preview.
    let turned = scan(90);
    for c in turned {
        assert!((0..hi).contains(&c.x) && (0..wi).contains(&c.y), "{c:?}");
    }
    let centre_x = turned.iter().map(|c| c.x).sum::<i32>() / 4;
    let centre_y = turned.iter().map(|c| c.y).sum::<i32>() / 4;
    assert!(centre_x > hi / 2 && centre_y < wi / 2, "{turned:?}");
    assert_eq!(Rotation::from_degrees(45), Err(ScanError::BadRotation(45)));
}

#[test]
fn light_on_dark_codes_are_read() {
    let mut g = render("upi://pay?pa=tea@okaxis&am=10.00", 6, 640, 480, 150, 100);
    for p in &mut g.data {
        *p = 255 - *p;
    }
    let found = scan_gray(&g, opts());
    assert_eq!(found.len(), 1);
}

#[test]
fn several_codes_in_one_frame() {
    let a = render("first code", 5, 1280, 720, 40, 40);
    let b = render("second code", 5, 1280, 720, 700, 300);
    let data = a
        .data
        .iter()
        .zip(&b.data)
        .map(|(x, y)| (*x).min(*y))
        .collect();
    let g = Gray {
        width: 1280,
        height: 720,
        data,
    };
    let mut payloads: Vec<_> = scan_gray(&g, opts())
        .into_iter()
        .map(|f| f.payload)
        .collect();
    payloads.sort();
    assert_eq!(payloads, vec!["first code", "second code"]);
}

/// A sheet of `cols` x `rows` codes (a shop's printed codes: some say the same thing), each
/// `module` px per module, laid edge to edge with their quiet zones.
fn sheet(cols: usize, rows: usize, module: usize) -> (Gray, Vec<String>) {
    let cell = (21 + 8) * module;
    let (w, h) = (cols * cell + 40, rows * cell + 40);
    let mut data = vec![235u8; w * h];
    let mut payloads = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let p = format!("table {}", (r * cols + c) % 7);
            let one = render(&p, module, w, h, 20 + c * cell, 20 + r * cell);
            for (d, o) in data.iter_mut().zip(&one.data) {
                *d = (*d).min(*o);
            }
            payloads.push(p);
        }
    }
    (
        Gray {
            width: w,
            height: h,
            data,
        },
        payloads,
    )
}

#[test]
fn every_code_on_a_sheet_is_found_even_when_several_say_the_same() {
    let (g, payloads) = sheet(8, 5, 4);
    let found = scan_gray(&g, opts());
    assert_eq!(
        found.len(),
        payloads.len(),
        "{} of {}",
        found.len(),
        payloads.len()
    );
    // Each where it is: no two finds at one place.
    for (i, a) in found.iter().enumerate() {
        for b in &found[i + 1..] {
            assert!(!pipeline::same_place(a, b), "{a:?} and {b:?}");
        }
    }
    let mut got: Vec<_> = found.iter().map(|f| f.payload.clone()).collect();
    let mut want = payloads;
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // The camera's first-only mode stops at the first code it reads.
    let first = scan_gray(
        &g,
        ScanOptions {
            first_only: true,
            ..opts()
        },
    );
    assert!(!first.is_empty() && first.len() < 40, "{}", first.len());
}

#[test]
fn png_bytes_round_trip() {
    let g = render(PAYLOAD, 4, 400, 400, 20, 20);
    let mut png = Vec::new();
    image::GrayImage::from_raw(400, 400, g.data)
        .unwrap()
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert_eq!(scan_image(&png, opts()).unwrap()[0].payload, PAYLOAD);
}

#[test]
fn hostile_frames_are_errors() {
    let buf = vec![0u8; 100];
    let f = |w, h, s| LumaFrame {
        rotation: Rotation::Upright,
        data: &buf,
        width: w,
        height: h,
        row_stride: s,
    };
    assert!(matches!(
        scan_frame(f(0, 10, 10), opts()),
        Err(ScanError::Empty { .. })
    ));
    assert!(matches!(
        scan_frame(f(10, 0, 10), opts()),
        Err(ScanError::Empty { .. })
    ));
    assert!(matches!(
        scan_frame(f(10, 10, 5), opts()),
        Err(ScanError::BadStride { .. })
    ));
    assert!(matches!(
        scan_frame(f(10, 11, 10), opts()),
        Err(ScanError::ShortBuffer { .. })
    ));
    assert!(matches!(
        scan_frame(f(100_000, 10, 100_000), opts()),
        Err(ScanError::TooLarge { .. })
    ));
    assert!(matches!(
        scan_frame(f(usize::MAX, 2, usize::MAX), opts()),
        Err(ScanError::TooLarge { .. })
    ));
    assert!(scan_frame(f(10, 10, 10), opts()).unwrap().is_empty());
}

#[test]
fn hostile_images_are_errors() {
    assert!(matches!(scan_image(b"", opts()), Err(ScanError::Image(_))));
    assert!(matches!(
        scan_image(b"not an image at all", opts()),
        Err(ScanError::Image(_))
    ));
    // A truncated PNG.
    let g = render("x", 4, 200, 200, 0, 0);
    let mut png = Vec::new();
    image::GrayImage::from_raw(200, 200, g.data)
        .unwrap()
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert!(matches!(
        scan_image(&png[..png.len() / 2], opts()),
        Err(ScanError::Image(_))
    ));
    // A PNG header that claims 100000 x 100000 pixels: refused before allocating.
    let mut bomb = png[..33].to_vec();
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let e = scan_image(&bomb, opts()).unwrap_err();
    assert!(
        matches!(e, ScanError::Image(_) | ScanError::TooLarge { .. }),
        "{e:?}"
    );
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Rotates a frame by `deg` degrees about its centre (nearest neighbour), light outside.
fn rotate(g: &Gray, deg: f64) -> Gray {
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (g.width as f64 / 2.0, g.height as f64 / 2.0);
    let mut data = vec![235u8; g.data.len()];
    for y in 0..g.height {
        for x in 0..g.width {
            let (dx, dy) = (x as f64 - cx, y as f64 - cy);
            let (sx, sy) = (cx + dx * c + dy * s, cy - dx * s + dy * c);
            if sx >= 0.0 && sy >= 0.0 && (sx as usize) < g.width && (sy as usize) < g.height {
                data[y * g.width + x] = g.data[sy as usize * g.width + sx as usize];
            }
        }
    }
    Gray {
        width: g.width,
        height: g.height,
        data,
    }
}

#[test]
fn our_detector_reads_codes_at_any_angle_without_rqrrs_detector() {
    let g = render(PAYLOAD, 5, 640, 640, 120, 120);
    for deg in [0.0, 17.0, 45.0, 90.0, 133.0, 180.0, 271.0] {
        let bits = binarize::hybrid(&rotate(&g, deg), FlatRule::HalfMin);
        let (codes, failed, finders) = detect_and_decode(&bits, 1.0, false);
        assert_eq!(
            codes.len(),
            1,
            "at {deg} degrees: {failed} failed, {finders} finders"
        );
        assert_eq!(codes[0].payload, PAYLOAD);
    }
}

#[test]
fn zxings_look_reads_a_rotated_code_with_its_corners_in_order() {
    let g = rotate(&render(PAYLOAD, 5, 640, 640, 120, 120), 33.0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let look = zxing_pass::look(&g, false, deadline);
    assert_eq!(look.codes.len(), 1);
    assert_eq!(look.codes[0].payload, PAYLOAD);
    // Corners go round (the sampler hands them over row by row): every turn is the same way.
    let c = look.codes[0].corners;
    let turns: Vec<i64> = (0..4)
        .map(|i| {
            let (a, b, d) = (c[i], c[(i + 1) % 4], c[(i + 2) % 4]);
            i64::from(b.x - a.x) * i64::from(d.y - b.y)
                - i64::from(b.y - a.y) * i64::from(d.x - b.x)
        })
        .collect();
    assert!(
        turns.iter().all(|t| *t > 0) || turns.iter().all(|t| *t < 0),
        "{c:?}"
    );
    // Its three finders are explained by the code it read.
    assert_eq!(look.stray_finders(), 0, "{:?}", look.finders);
}

#[test]
fn a_painted_out_code_is_not_read_again_and_the_rest_are() {
    let (g, payloads) = sheet(3, 2, 4);
    let all = scan_gray(&g, opts());
    assert_eq!(all.len(), payloads.len());
    let mut painted = g.clone();
    pipeline::paint_out(&mut painted, &all[..4]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let again = zxing_pass::look_again(&painted, deadline);
    let mut got: Vec<_> = again.codes.iter().map(|c| c.payload.clone()).collect();
    let mut want: Vec<_> = all[4..].iter().map(|c| c.payload.clone()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn the_budget_stops_new_passes() {
    // Nothing to find: every pass would run; a zero budget allows only the first look.
    let g = Gray {
        width: 640,
        height: 480,
        data: vec![128; 640 * 480],
    };
    let t = std::time::Instant::now();
    assert!(
        scan_gray(
            &g,
            ScanOptions {
                budget: std::time::Duration::ZERO,
                first_only: false
            }
        )
        .is_empty()
    );
    let one_pass = t.elapsed();
    let t = std::time::Instant::now();
    scan_gray(&g, opts());
    assert!(t.elapsed() > one_pass, "all passes take longer than one");
}

#[test]
fn confetti_is_told_from_a_picture_with_codes() {
    // A photo of a code binarizes into few light/dark changes per pixel; a screen's moire or
    // noise into many, where rqrr's detector is not asked (it took minutes on such photos).
    let code = render(PAYLOAD, 4, 640, 480, 100, 60);
    let bits = binarize::hybrid(&code, FlatRule::HalfMin);
    assert!(pipeline::edge_density(&bits) < 0.12);
    let checker = Bits {
        width: 64,
        height: 64,
        data: (0..64 * 64)
            .map(|i| ((i % 64 + i / 64) % 2) as u8)
            .collect(),
    };
    assert!(pipeline::edge_density(&checker) > 0.9);
    assert!(
        scan_gray(
            &Gray {
                width: 64,
                height: 64,
                data: checker.data.iter().map(|b| b * 255).collect()
            },
            opts()
        )
        .is_empty()
    );
}

// Regressions for the kinds of photo BoofCV's dataset showed us failing (issue 16), made
// here so that CI guards them without the dataset.

/// Blurs by averaging 3x3 neighbourhoods: a camera's softness, so codes are not pixel-sharp.
fn soften(g: &Gray) -> Gray {
    let (w, h) = (g.width, g.height);
    let mut data = g.data.clone();
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let mut sum = 0u32;
            for dy in 0..3 {
                for dx in 0..3 {
                    sum += u32::from(g.data[(y + dy - 1) * w + x + dx - 1]);
                }
            }
            data[y * w + x] = (sum / 9) as u8;
        }
    }
    Gray {
        width: w,
        height: h,
        data,
    }
}

#[test]
fn a_dense_code_of_version_25_or_more_at_3_px_a_module_is_read() {
    let payload: String = (0..1000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let g = soften(&render(&payload, 3, 640, 480, 40, 30));
    let found = scan_gray(&g, opts());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].payload, payload);
    assert!(found[0].version >= 25, "version {}", found[0].version);
}

#[test]
fn a_close_up_filling_a_4000x3000_photo_is_read() {
    let g = soften(&render(PAYLOAD, 70, 4000, 3000, 300, 0));
    let found = scan_gray(&g, opts());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].payload, PAYLOAD);
}

#[test]
fn codes_turned_30_45_and_60_degrees_are_read() {
    let g = soften(&render(PAYLOAD, 5, 640, 640, 120, 120));
    for deg in [30.0, 45.0, 60.0] {
        let found = scan_gray(&rotate(&g, deg), opts());
        assert_eq!(found.len(), 1, "at {deg} degrees");
        assert_eq!(found[0].payload, PAYLOAD, "at {deg} degrees");
    }
}

#[test]
fn a_low_contrast_code_is_read() {
    // Modules 25 levels apart on a grey page, softened: each block's light and dark are
    // barely over the binarizer's flat-block range, and the look's first binarization
    // (flat blocks at half their minimum) reads nothing.
    let g = render(PAYLOAD, 4, 640, 480, 100, 60);
    let g = soften(&Gray {
        data: g
            .data
            .iter()
            .map(|&v| if v < 128 { 145 } else { 170 })
            .collect(),
        ..g
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    assert!(zxing_pass::look_again(&g, deadline).codes.is_empty());
    let found = scan_gray(&g, opts());
    assert_eq!(
        found.iter().map(|f| f.payload.as_str()).collect::<Vec<_>>(),
        [PAYLOAD]
    );
}

#[test]
fn byte_payloads_come_out_as_the_code_holds_them() {
    let text = "Café 北京 ✓ 12,50 € — Grüße";
    let found = scan_gray(&render(text, 4, 800, 600, 100, 60), opts());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].payload, text);
}

#[test]
fn codes_read_in_an_area_are_placed_in_the_frame() {
    let g = render("read in an area", 4, 2400, 1600, 1500, 900);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let finders = zxing_pass::look(&g, false, deadline).finders;
    assert_eq!(finders.len(), 3, "{finders:?}");
    let area = Area::around(&finders, g.width, g.height).expect("three close finders");
    assert!(area.pixels() * 3 < g.width * g.height);
    let whole = detect_and_decode(&binarize::hybrid(&g, FlatRule::HalfMin), 1.0, true).0;
    let cut = detect_and_decode(
        &binarize::hybrid(&area.cut(&g), FlatRule::HalfMin),
        1.0,
        true,
    )
    .0;
    assert_eq!(whole.len(), 1);
    assert_eq!(cut.len(), 1);
    let placed = area.out_of_area(cut[0].clone());
    assert_eq!(placed.payload, "read in an area");
    for (a, b) in placed.corners.iter().zip(&whole[0].corners) {
        assert!(
            (a.x - b.x).abs() <= 1 && (a.y - b.y).abs() <= 1,
            "{placed:?} {whole:?}"
        );
    }
    // Finders spread over the picture: the whole picture, not a cut.
    let spread = [(100.0, 100.0), (2300.0, 1500.0)].map(|at| zxing_pass::Finder { at, size: 28.0 });
    assert!(Area::around(&spread, g.width, g.height).is_none());
}

/// A code printed with a quiet zone of `margin` pixels (in fifths of a pixel) on a page of
/// grey `page`: modules 2.4 px (drawn at 12 px, then shrunk five times), softened as a
/// phone's lens does.
fn on_a_dark_page(payload: &str, margin: usize, page: u8) -> Gray {
    let n = qrcode::QrCode::new(payload.as_bytes()).unwrap().width();
    let (w, h) = (2750, 1540);
    let (x0, y0) = (w / 3, h / 4);
    let mut g = Gray {
        width: w,
        height: h,
        data: vec![page; w * h],
    };
    let side = n * 12 + 2 * margin;
    for row in g.data.chunks_exact_mut(w).skip(y0).take(side) {
        row[x0..x0 + side].fill(225);
    }
    draw_modules(&mut g, payload, 12, (x0 + margin, y0 + margin), 40);
    soften(&binarize::downscale::<5>(&g))
}

#[test]
fn a_small_code_with_a_thin_quiet_zone_on_a_dark_page_is_read() {
    // As BoofCV's nominal/image001: 2.4 px modules, a quiet zone under a module wide, a page
    // nearly as dark as the modules. The block rule merges the finders' outer rings with the
    // page: zxing-cpp's local-average thresholds on the doubled picture keep them (the
    // first), the below-minimum rule at full scale the others.
    for (margin, page) in [(8, 45), (5, 60), (3, 80)] {
        let g = on_a_dark_page("https://www.instagram.com/lethmik/", margin, page);
        let found = scan_gray(&g, opts());
        assert_eq!(
            found.iter().map(|f| f.payload.as_str()).collect::<Vec<_>>(),
            ["https://www.instagram.com/lethmik/"],
            "quiet zone {margin}/5 px on a page of {page}"
        );
    }
}
