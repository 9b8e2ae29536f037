//! The scanner's plan for one picture: which passes to try (scales, binarizations,
//! inverted, row threshold) in what order, and how each pass's finds become [`FoundCode`]s
//! within the time budget. The entry points and input checks are in `lib.rs`; the first
//! look, zxing's detector over a pyramid, in `zxing_pass.rs`.

use std::borrow::Cow;

use super::*;
use zxing_pass::Finder;

/// One attempt: which picture of the frame, binarized how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    Hybrid {
        scale: Scale,
        rule: FlatRule,
    },
    /// Full scale, threshold over 9x9 blocks.
    WideWindow,
    Inverted,
    RowThreshold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scale {
    Half,
    Full,
    Double,
}

impl Pass {
    /// Pixels this pass works on, against the frame's.
    fn pixels_weight(self) -> f64 {
        match self {
            Pass::Hybrid {
                scale: Scale::Half, ..
            } => 0.25,
            Pass::Hybrid {
                scale: Scale::Double,
                ..
            } => 4.0,
            _ => 1.0,
        }
    }
}

pub(super) fn plan(width: usize, height: usize) -> Vec<Pass> {
    use FlatRule::*;
    let pixels = width * height;
    let mut passes = Vec::with_capacity(7);
    if pixels >= 1_500_000 {
        // Big frames: codes are usually big too; look at half resolution first.
        passes.push(Pass::Hybrid {
            scale: Scale::Half,
            rule: HalfMin,
        });
        passes.push(Pass::Hybrid {
            scale: Scale::Full,
            rule: HalfMin,
        });
    } else {
        passes.push(Pass::Hybrid {
            scale: Scale::Full,
            rule: HalfMin,
        });
        if pixels >= 200_000 {
            passes.push(Pass::Hybrid {
                scale: Scale::Half,
                rule: HalfMin,
            });
        }
    }
    passes.push(Pass::Hybrid {
        scale: Scale::Full,
        rule: BelowMin,
    });
    passes.push(Pass::Inverted);
    passes.push(Pass::WideWindow);
    if pixels <= 2_100_000 {
        passes.push(Pass::Hybrid {
            scale: Scale::Double,
            rule: HalfMin,
        });
    }
    passes.push(Pass::RowThreshold);
    passes
}

/// Finds the codes in a luma image: zxing's detector over a pyramid first
/// (`zxing_pass.rs`), then, when it read nothing or left finder patterns unexplained (more
/// codes, or codes it could not read), our own passes over the picture with what was read
/// painted out.
pub fn scan_gray(gray: &Gray, opts: ScanOptions) -> Vec<FoundCode> {
    let started = Instant::now();
    // Work starts only within the first four fifths of the budget: the last fifth is for
    // what is in flight then (a pass, rqrr's region search), so that the budget holds as a
    // ceiling.
    let opts = ScanOptions {
        budget: opts.budget.mul_f64(0.8),
        ..opts
    };
    let deadline = started + opts.budget;
    let mut look = zxing_pass::look(gray, opts.first_only, deadline);
    if opts.first_only && !look.codes.is_empty() {
        return look.codes;
    }
    // Codes read are painted out of one copy of the picture, for every later look.
    let mut painted: Option<Gray> = None;
    if !look.codes.is_empty() && look.stray_finders() >= STRAY_FINDERS {
        let mut picture = gray.clone();
        paint_out(&mut picture, &look.codes);
        let again = zxing_pass::look_again(&picture, deadline);
        let before = look.codes.len();
        let more = look.add(again.codes);
        paint_out(&mut picture, &look.codes[before..]);
        look.finders = again.finders;
        painted = Some(picture);
        tracing::trace!(more, "zxing look again");
    }
    let stray: Vec<Finder> = look.stray().copied().collect();
    tracing::trace!(
        ms = started.elapsed().as_millis() as u64,
        codes = look.codes.len(),
        stray = stray.len(),
        "zxing look done"
    );
    let mut found = look.codes;
    if !found.is_empty() && stray.len() < STRAY_FINDERS {
        return found;
    }
    // Nothing read and not one finder pattern seen: our passes, which look for finder
    // patterns too, read a code in 1 of 32 such BoofCV photos, for 3 s of work in all.
    if found.is_empty() && look.finders.is_empty() {
        return found;
    }
    let unit = started.elapsed();
    let (picture, seen) = match painted {
        Some(picture) => (Cow::Owned(picture), Seen::Painted),
        None => (Cow::Borrowed(gray), Seen::Nothing),
    };
    let area = Area::around(&stray, gray.width, gray.height)
        .unwrap_or(Area::whole(gray.width, gray.height));
    let share = area.pixels() as f64 / (gray.width * gray.height) as f64;
    let finders: Vec<(f64, f64)> = stray.iter().map(|f| area.in_area(f.at)).collect();
    tracing::trace!(share, "our passes");
    let rest = our_passes(
        &area.cut(&picture),
        opts,
        started,
        seen,
        unit.mul_f64(share),
        &finders,
    );
    merge(&mut found, rest.into_iter().map(|c| area.out_of_area(c)));
    found
}

/// How far (in finder-pattern widths, each 7 modules) a code reaches from any of its finder
/// patterns' centres: 84 modules, a version-17 code whichever finder was seen, and much of
/// any larger one.
const REACH_IN_FINDER_WIDTHS: f64 = 12.0;

/// Above this share of the picture, our passes take the whole picture rather than a cut.
const MOST_OF_THE_PICTURE: f64 = 0.6;

/// The part of a picture where codes the zxing look saw but could not read can be: around
/// the finder patterns it found and no read code explains. Our passes look there only, so
/// that their cost follows what was seen, not the picture's size.
#[derive(Debug, Clone, Copy)]
pub(super) struct Area {
    x0: usize,
    y0: usize,
    width: usize,
    height: usize,
}

impl Area {
    /// `None` when there are no finders or they spread over most of the picture.
    pub(super) fn around(finders: &[Finder], width: usize, height: usize) -> Option<Area> {
        if finders.is_empty() {
            return None;
        }
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for f in finders {
            let reach = (f.size * REACH_IN_FINDER_WIDTHS).max(64.0);
            x0 = x0.min(f.at.0 - reach);
            y0 = y0.min(f.at.1 - reach);
            x1 = x1.max(f.at.0 + reach);
            y1 = y1.max(f.at.1 + reach);
        }
        let clamp = |v: f64, max: usize| v.clamp(0.0, max as f64) as usize;
        let (x0, y0, x1, y1) = (
            clamp(x0, width),
            clamp(y0, height),
            clamp(x1, width),
            clamp(y1, height),
        );
        let area = Area {
            x0,
            y0,
            width: x1.saturating_sub(x0),
            height: y1.saturating_sub(y0),
        };
        let share = area.pixels() as f64 / (width * height) as f64;
        (area.width >= 21 && area.height >= 21 && share <= MOST_OF_THE_PICTURE).then_some(area)
    }

    /// The whole of a `width`x`height` picture.
    fn whole(width: usize, height: usize) -> Area {
        Area {
            x0: 0,
            y0: 0,
            width,
            height,
        }
    }

    pub(super) fn pixels(&self) -> usize {
        self.width * self.height
    }

    /// This area of `gray` (`gray` itself when the area is all of it: no copy).
    pub(super) fn cut<'a>(&self, gray: &'a Gray) -> Cow<'a, Gray> {
        if (self.x0, self.y0, self.width, self.height) == (0, 0, gray.width, gray.height) {
            return Cow::Borrowed(gray);
        }
        let rows = gray
            .data
            .chunks_exact(gray.width)
            .skip(self.y0)
            .take(self.height);
        Cow::Owned(Gray {
            width: self.width,
            height: self.height,
            data: rows
                .flat_map(|row| &row[self.x0..self.x0 + self.width])
                .copied()
                .collect(),
        })
    }

    pub(super) fn in_area(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x - self.x0 as f64, y - self.y0 as f64)
    }

    pub(super) fn out_of_area(&self, mut code: FoundCode) -> FoundCode {
        for c in &mut code.corners {
            c.x += self.x0 as i32;
            c.y += self.y0 as i32;
        }
        code
    }
}

/// What our passes start from: nothing read yet, or a picture with the read codes painted
/// out, where they look for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Nothing,
    Painted,
}

/// Adds to `found` each code not already there (one code seen again, by another pass or at
/// another scale, is where it was; two that say the same thing in two places are two codes, a
/// sheet of one shop's codes). Returns how many were new.
pub(super) fn merge(
    found: &mut Vec<FoundCode>,
    codes: impl IntoIterator<Item = FoundCode>,
) -> usize {
    let before = found.len();
    for c in codes {
        if !found.iter().any(|f| same_place(f, &c)) {
            found.push(c);
        }
    }
    found.len() - before
}

/// Unexplained finder patterns (after zxing's look read something) worth a slower look: one
/// is often a stray square in the scene; two may be a code whose third finder is lost.
const STRAY_FINDERS: usize = 2;

/// Paints every code in `codes` (and a margin, its quiet zone) white, so that another pass
/// groups only the finders that are left.
pub(super) fn paint_out(picture: &mut Gray, codes: &[FoundCode]) {
    let (w, h) = (picture.width, picture.height);
    for code in codes {
        let (cx, cy) = centre(&code.corners);
        let grown = code.corners.map(|c| Corner {
            x: (cx + (f64::from(c.x) - cx) * 1.15).round() as i32,
            y: (cy + (f64::from(c.y) - cy) * 1.15).round() as i32,
        });
        let span = |v: [i32; 4], max: usize| {
            let clamp = |v: i32| v.clamp(0, max as i32 - 1) as usize;
            (
                clamp(v.into_iter().min().unwrap_or(0)),
                clamp(v.into_iter().max().unwrap_or(0)),
            )
        };
        let (x0, x1) = span(grown.map(|c| c.x), w);
        let (y0, y1) = span(grown.map(|c| c.y), h);
        for y in y0..=y1 {
            for x in x0..=x1 {
                if inside((x as f64, y as f64), &grown) {
                    picture.data[y * w + x] = 255;
                }
            }
        }
    }
}

/// Our passes (scales, binarizations, inverted, row threshold) over a luma image. With
/// `Seen::Painted` codes were read already, so these passes look for more. The budget is a
/// ceiling: a pass starts only when it is expected to end within it, its cost estimated from
/// the slowest work per full-scale picture seen so far in this scan (`unit`, first the
/// zxing look's) times its pixels.
fn our_passes(
    gray: &Gray,
    opts: ScanOptions,
    started: Instant,
    seen: Seen,
    mut unit: Duration,
    look_finders: &[(f64, f64)],
) -> Vec<FoundCode> {
    let mut found: Vec<FoundCode> = Vec::new();
    let mut half: Option<Gray> = None;
    let painted = seen == Seen::Painted;
    let mut full_bits: Option<Bits> = None;
    let mut extra_passes = 0;
    for pass in plan(gray.width, gray.height) {
        // Once a code is read, what is left to find is codes of another size: only the other
        // scales are worth a pass.
        if (painted || !found.is_empty())
            && !matches!(
                pass,
                Pass::Hybrid {
                    rule: FlatRule::HalfMin,
                    ..
                }
            )
        {
            continue;
        }
        let weight = pass.pixels_weight();
        if started.elapsed() + unit.mul_f64(weight) > opts.budget {
            break;
        }
        let pass_started = Instant::now();
        let (bits, factor) = match pass {
            Pass::Hybrid {
                scale: Scale::Full,
                rule: FlatRule::HalfMin,
            } => (
                full_bits
                    .get_or_insert_with(|| binarize::hybrid(gray, FlatRule::HalfMin))
                    .clone(),
                1.0,
            ),
            Pass::Hybrid {
                scale: Scale::Full,
                rule,
            } => (binarize::hybrid(gray, rule), 1.0),
            Pass::Hybrid {
                scale: Scale::Half,
                rule,
            } => {
                if gray.width < 64 || gray.height < 64 {
                    continue;
                }
                let h = half.get_or_insert_with(|| binarize::downscale::<2>(gray));
                (binarize::hybrid(h, rule), 2.0)
            }
            Pass::Hybrid {
                scale: Scale::Double,
                rule,
            } => (binarize::hybrid(&binarize::upscale2(gray), rule), 0.5),
            Pass::Inverted => {
                let b = full_bits.get_or_insert_with(|| binarize::hybrid(gray, FlatRule::HalfMin));
                (binarize::invert(b), 1.0)
            }
            Pass::WideWindow => (binarize::hybrid_window(gray, FlatRule::HalfMin, 4), 1.0),
            Pass::RowThreshold => (row_threshold(gray), 1.0),
        };
        let (mut codes, mut undecoded, finders) =
            detect_and_decode(&bits, factor, !opts.first_only);
        // rqrr's own detector as a second opinion, unless the picture is noise (many finder
        // candidates make its grouping step slow).
        // Nor on confetti (a screen's moire, noise: see `edge_density`), where its region
        // search has no bound we can set: real photos took it 5 s and 27 s there. Nor on a
        // large picture with codes painted out (see `MAX_PIXELS_FOR_RQRR`).
        if codes.is_empty()
            && (!painted || bits.width * bits.height <= MAX_PIXELS_FOR_RQRR)
            && finders < 40
            && started.elapsed() + unit.mul_f64(weight) < opts.budget
            && edge_density(&bits) < MAX_EDGES_FOR_RQRR
        {
            let rq = Instant::now();
            let (theirs, unread) = decode_bits(bits, factor);
            tracing::trace!(
                us = rq.elapsed().as_micros() as u64,
                codes = theirs.len(),
                "rqrr"
            );
            codes = theirs;
            // What our detector saw but could not read still counts.
            undecoded = undecoded.max(unread);
        }
        tracing::trace!(
            ?pass,
            ms = started.elapsed().as_millis() as u64,
            codes = codes.len(),
            "pass done"
        );
        merge(&mut found, codes);
        unit = unit.max(pass_started.elapsed().div_f64(weight));
        if !found.is_empty() {
            // More passes only for codes that were seen but not read, and only two; none
            // once every finder pattern the zxing look saw belongs to a code read (what our
            // detector saw besides is then the read codes seen again, at another scale).
            let explained = !look_finders.is_empty()
                && look_finders
                    .iter()
                    .all(|&p| found.iter().any(|c| inside(p, &c.corners)));
            if opts.first_only || undecoded == 0 || extra_passes == 2 || explained {
                break;
            }
            extra_passes += 1;
        }
    }
    found
}

/// Above this many pixels rqrr's detector is not asked about a picture with read codes
/// painted out: its alignment-pattern search spirals out one flood fill a pixel, over an
/// area that grows with the distance between the finders it groups, and on a 5 MP cut of a
/// sheet of codes (finders of far-apart codes grouped) it took 1.25 s.
const MAX_PIXELS_FOR_RQRR: usize = 4_000_000;

/// Above this many changes per pixel rqrr's detector is not asked. Photos with codes in them
/// measure 0.01-0.09; those that cost rqrr seconds to minutes, 0.198 (152 s), 0.27 and
/// 0.46-0.49.
const MAX_EDGES_FOR_RQRR: f64 = 0.12;

/// Changes between light and dark per pixel, along rows: a photographed screen's moire or
/// sensor noise binarizes into a confetti of regions, which rqrr's region search pays for
/// one by one (a second per ~100k regions).
pub(super) fn edge_density(bits: &Bits) -> f64 {
    let w = bits.width;
    let mut changes = 0usize;
    for row in bits.data.chunks(w.max(1)) {
        changes += row.windows(2).filter(|p| p[0] != p[1]).count();
    }
    changes as f64 / bits.data.len().max(1) as f64
}

/// Whether two finds are one code: each one's centre inside the other's quadrilateral.
pub(super) fn same_place(a: &FoundCode, b: &FoundCode) -> bool {
    inside(centre(&a.corners), &b.corners) || inside(centre(&b.corners), &a.corners)
}

pub(super) fn centre(q: &[Corner; 4]) -> (f64, f64) {
    let sum = q.iter().fold((0.0, 0.0), |(x, y), c| {
        (x + f64::from(c.x), y + f64::from(c.y))
    });
    (sum.0 / 4.0, sum.1 / 4.0)
}

/// Ray casting: whether `p` is inside the quadrilateral `q`.
pub(super) fn inside(p: (f64, f64), q: &[Corner; 4]) -> bool {
    let mut hit = false;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let (x1, y1, x2, y2) = (
            f64::from(a.x),
            f64::from(a.y),
            f64::from(b.x),
            f64::from(b.y),
        );
        if (y1 > p.1) != (y2 > p.1) && p.0 < x1 + (p.1 - y1) * (x2 - x1) / (y2 - y1) {
            hit = !hit;
        }
    }
    hit
}

/// quirc's own row-wise moving-average threshold, as rqrr implements it.
pub(super) fn row_threshold(gray: &Gray) -> Bits {
    let mut data = vec![0u8; gray.width * gray.height];
    let s = (gray.width / 8).max(1);
    let mut row_average = vec![0usize; gray.width];
    for y in 0..gray.height {
        let row = &gray.data[y * gray.width..(y + 1) * gray.width];
        let mut avg_v = 0usize;
        let mut avg_u = 0usize;
        row_average.fill(0);
        for x in 0..gray.width {
            let (v, u) = if y % 2 == 0 {
                (gray.width - 1 - x, x)
            } else {
                (x, gray.width - 1 - x)
            };
            avg_v = avg_v * (s - 1) / s + row[v] as usize;
            avg_u = avg_u * (s - 1) / s + row[u] as usize;
            row_average[v] += avg_v;
            row_average[u] += avg_u;
        }
        for x in 0..gray.width {
            data[y * gray.width + x] =
                u8::from((row[x] as usize) < row_average[x] * 95 / (200 * s));
        }
    }
    Bits {
        width: gray.width,
        height: gray.height,
        data,
    }
}

/// Finder candidates grouped when a camera frame wants one code, and when a photo may hold
/// many (a sheet of 60 codes has 180 finders).
const FEW_CANDIDATES: usize = 24;
const MANY_CANDIDATES: usize = 240;

/// Our detector: finder patterns, triples, sampled grids, decoded by rqrr. Returns the codes,
/// how many triples could not be read, and how many finder candidates there were. `many`:
/// look for every code, not the first few.
pub(super) fn detect_and_decode(
    bits: &Bits,
    factor: f64,
    many: bool,
) -> (Vec<FoundCode>, usize, usize) {
    let run = || {
        let skip = (bits.height / 360).clamp(1, 3);
        let finders = detect::find_finders(bits, skip, if many { 900 } else { 300 });
        let max = if many {
            MANY_CANDIDATES
        } else {
            FEW_CANDIDATES
        };
        let cands = detect::best_candidates(&finders, max);
        // Each code takes three candidates; failed groupings are tried too, up to a bound
        // that grows with what was seen.
        let tries = 40.max(cands.len() * 2);
        let mut used = vec![false; cands.len()];
        let mut codes = Vec::new();
        let mut failed = 0;
        let groupings = detect::triples(&cands);
        if tracing::enabled!(tracing::Level::TRACE) {
            tracing::trace!(
                w = bits.width,
                h = bits.height,
                factor,
                finders = finders.len(),
                groupings = groupings.len(),
                "pass"
            );
            for f in &cands {
                tracing::trace!(
                    "finder {:.1},{:.1} module {:.2} seen {}",
                    f.x,
                    f.y,
                    f.module,
                    f.count
                );
            }
        }
        for t in groupings.iter().take(tries) {
            if t.ids.iter().any(|&i| used[i]) {
                continue;
            }
            let decoded = read_triple(bits, t);
            match decoded {
                Some((raw, meta, corners)) => {
                    for i in t.ids {
                        used[i] = true;
                    }
                    let corners = corners.map(|p| (f64::from(p.x), f64::from(p.y)));
                    codes.push(found_code(raw, meta.version.0 as u8, corners, factor));
                }
                None => failed += 1,
            }
        }
        // Only groupings whose finders are all unused by a decoded code count as missed codes.
        // Another code may be here: a grouping nobody decoded, or a well-confirmed finder
        // left over (its partners not seen at this scale).
        let stray = cands
            .iter()
            .zip(&used)
            .filter(|(f, u)| !**u && f.count >= 4)
            .count();
        let missed = groupings
            .iter()
            .take(tries)
            .filter(|t| t.ids.iter().all(|&i| !used[i]))
            .count()
            .min(failed)
            + stray;
        (codes, missed, finders.len())
    };
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
        tracing::warn!("QR detector panicked on a frame; skipped");
        (Vec::new(), 0, 0)
    })
}

/// A decoded grid as the caller sees it: corners (in the picture that was decoded) scaled by
/// `factor` back to frame pixels; a payload that is not UTF-8 is kept, lossily.
pub(super) fn found_code(
    raw: Vec<u8>,
    version: u8,
    corners: [(f64, f64); 4],
    factor: f64,
) -> FoundCode {
    let corner = |(x, y): (f64, f64)| Corner {
        x: (x * factor).round() as i32,
        y: (y * factor).round() as i32,
    };
    FoundCode {
        payload: String::from_utf8(raw)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        corners: corners.map(corner),
        version,
    }
}

/// Decodes one grouping of finders: sizes ranked by how well their timing patterns read,
/// each tried with the alignment pattern, then the parallelogram guess, then nudges of the
/// bottom-right point (perspective).
pub(super) fn read_triple(
    bits: &Bits,
    t: &detect::Triple,
) -> Option<(Vec<u8>, rqrr::MetaData, [detect::Pt; 4])> {
    let read = |s: detect::Sampled| {
        let grid = rqrr::Grid::new(rqrr::SimpleGrid::from_func(s.dim, |x, y| {
            s.cells[y * s.dim + x]
        }));
        let mut raw = Vec::new();
        grid.decode_to(&mut raw)
            .ok()
            .map(|meta| (raw, meta, s.corners))
    };
    let decode = |f: &detect::Frame4| read(detect::sample(bits, t, f)?);
    let mut dims: Vec<(f32, detect::Frame4)> = detect::dimensions(t)
        .into_iter()
        .map(|dim| {
            let f = detect::parallelogram(t, dim);
            (detect::timing_score(bits, t, &f), f)
        })
        .filter(|(score, _)| *score >= 0.68)
        .collect();
    dims.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (i, (_, f)) in dims.iter().enumerate() {
        let aligned = detect::with_alignment(bits, t, f);
        if let Some(a) = &aligned
            && let Some(r) = decode(a)
        {
            return Some(r);
        }
        if let Some(r) = decode(f) {
            return Some(r);
        }
        // A curved surface: piecewise between the alignment patterns.
        if let Some(s) = aligned
            .and_then(|a| detect::sample_piecewise(bits, t, &a))
            .or_else(|| detect::sample_piecewise(bits, t, f))
            && let Some(r) = read(s)
        {
            return Some(r);
        }
        // Perspective: search the bottom-right point, for the best-reading size only.
        if i == 0 {
            for nudged in detect::nudges(t, f, 3) {
                if let Some(r) = decode(&nudged) {
                    return Some(r);
                }
            }
        }
    }
    None
}

/// rqrr's detector and decoder on one binarized picture; also says how many grids were
/// found but could not be read. `factor` maps its coordinates back to the frame's.
pub(super) fn decode_bits(bits: Bits, factor: f64) -> (Vec<FoundCode>, usize) {
    let run = || {
        let w = bits.width;
        let mut img = rqrr::PreparedImage::prepare_from_bitmap(w, bits.height, |x, y| {
            bits.data[y * w + x] == 1
        });
        let grids = img.detect_grids();
        let mut codes = Vec::new();
        let mut failed = 0;
        for g in grids {
            let mut raw = Vec::new();
            match g.decode_to(&mut raw) {
                Ok(meta) => {
                    let corners = g.bounds.map(|p| (f64::from(p.x), f64::from(p.y)));
                    codes.push(found_code(raw, meta.version.0 as u8, corners, factor));
                }
                Err(_) => failed += 1,
            }
        }
        (codes, failed)
    };
    // rqrr is not ours: whatever it does with a hostile picture, no panic leaves here.
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
        tracing::warn!("QR decoder panicked on a frame; skipped");
        (Vec::new(), 0)
    })
}
