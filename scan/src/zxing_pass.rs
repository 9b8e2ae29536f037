//! The first look at a picture: zxing-cpp's QR detector (rxing's port of it) over an image
//! pyramid. On BoofCV's real photos that detector reads the ordinary cases (sheets of many
//! codes, dense versions, large sharp photos, plain rotations) that our own passes missed,
//! in a few milliseconds; our passes (`pipeline.rs`) then look for what it did not read.
//!
//! The look is cheap where it can be: each layer is binarized straight into the port's packed
//! rows; a picture where nothing was read is looked at again with zxing-cpp's own
//! local-average thresholds (a code whose quiet zone is a pixel wide on a dark page), doubled
//! when its codes may be small, with low contrast kept dark, and inverted. The port's
//! decoder reads the grids its detector samples; our passes' grids are read by rqrr. Both
//! give the payload's bytes as the code holds them.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use rxing::common::{BitArray, BitMatrix, DetectorRXingResult};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{FindFinderPatterns, GenerateFinderPatternSets, SampleQR};

use super::FoundCode;
use super::binarize::{self, Gray, Packed};
use super::pipeline::{found_code, inside, merge};

/// zxing-cpp's own pyramid: each layer a third of the one above, made while the longer side
/// is above 500 pixels (a 12 MP photo: 4032, 1344, 448) and the shorter one leaves a layer
/// a code fits in.
const LAYER_LONG_SIDE: usize = 500;
const LAYER_MIN_SIDE: usize = 64;

/// Pictures up to this size are also looked at doubled.
const MAX_PIXELS_TO_DOUBLE: usize = 1_000_000;

/// A finder pattern the detector saw: its centre and width (7 modules), in frame pixels.
#[derive(Debug, Clone, Copy)]
pub(super) struct Finder {
    pub at: (f64, f64),
    pub size: f64,
}

/// Unexplained finder patterns wider than this (modules over 6 px) need no doubled picture:
/// it is for codes whose finders were not seen, or seen small. On BoofCV's photos the
/// doubled look read nothing where every one was wider, in 27 photos.
const LARGEST_FINDER_TO_DOUBLE: f64 = 42.0;

/// What one look saw.
#[derive(Debug, Default)]
pub(super) struct Look {
    pub codes: Vec<FoundCode>,
    /// The finder patterns seen at full scale.
    pub finders: Vec<Finder>,
}

impl Look {
    /// Finder patterns that no read code explains: more codes may be there (or codes this
    /// look could not read), for a slower pass.
    pub fn stray_finders(&self) -> usize {
        self.stray().count()
    }

    pub fn stray(&self) -> impl Iterator<Item = &Finder> {
        self.finders
            .iter()
            .filter(|f| !self.codes.iter().any(|c| inside(f.at, &c.corners)))
    }

    /// Whether a doubled picture may show more: no unexplained finder pattern was seen, or
    /// one was seen small (see [`LARGEST_FINDER_TO_DOUBLE`]).
    fn worth_doubling(&self) -> bool {
        let mut stray = self.stray().peekable();
        stray.peek().is_none() || stray.any(|f| f.size <= LARGEST_FINDER_TO_DOUBLE)
    }

    /// Reads one more binarized picture (`factor` frame pixels a pixel), past the codes
    /// already read; its codes are added and its finder patterns returned. `what` names the
    /// step in the trace, with its time.
    fn read_more(
        &mut self,
        bits: &Packed,
        factor: f64,
        first_only: bool,
        deadline: Instant,
        what: &'static str,
    ) -> Vec<Finder> {
        let t = Instant::now();
        let (codes, finders) = read_layer(bits, factor, &self.codes, first_only, deadline);
        let n = self.add(codes);
        tracing::trace!(
            what,
            factor,
            us = t.elapsed().as_micros() as u64,
            codes = n,
            "zxing look"
        );
        finders
    }

    /// The full scale once more, binarized another way; its finder patterns are kept when
    /// the first binarization showed none.
    fn full_scale_again(&mut self, bits: Packed, first_only: bool, deadline: Instant) {
        let finders = self.read_more(&bits, 1.0, first_only, deadline, "full scale again");
        if self.finders.is_empty() {
            self.finders = finders;
        }
    }

    /// Adds the codes not already found; returns how many were new (now at the end).
    pub fn add(&mut self, codes: Vec<FoundCode>) -> usize {
        merge(&mut self.codes, codes)
    }
}

/// Looks at every layer of the pyramid (full scale, then thirds), or until the first code
/// when `first_only`, or until `deadline`. A small picture is then looked at doubled where
/// small codes may be; one where nothing was read, with zxing-cpp's local-average
/// thresholds, then with low contrast kept dark, then inverted (light modules on a dark
/// ground).
pub(super) fn look(gray: &Gray, first_only: bool, deadline: Instant) -> Look {
    let mut look = Look::default();
    let mut full_packed = None;
    let mut scaled: Option<Gray> = None;
    let mut factor = 1.0;
    loop {
        let layer = scaled.as_ref().unwrap_or(gray);
        let packed = binarize::hybrid_packed(layer, binarize::FlatRule::HalfMin);
        let finders = look.read_more(&packed, factor, first_only, deadline, "layer");
        if scaled.is_none() {
            look.finders = finders;
            full_packed = Some(packed);
        }
        if (first_only && !look.codes.is_empty())
            || Instant::now() >= deadline
            || layer.width.max(layer.height) <= LAYER_LONG_SIDE
            || layer.width.min(layer.height) < 3 * LAYER_MIN_SIDE
        {
            break;
        }
        scaled = Some(binarize::downscale::<3>(layer));
        factor *= 3.0;
    }
    if first_only && !look.codes.is_empty() {
        return look;
    }
    // A small picture with small codes (2 px modules, blurred) reads better doubled, with
    // zxing-cpp's local-average thresholds: a code whose quiet zone is a pixel wide on a dark
    // page keeps the outer ring of its finders, which the block rule merges with the page.
    if gray.width * gray.height <= MAX_PIXELS_TO_DOUBLE
        && (look.codes.is_empty() || look.stray_finders() >= 2)
        && look.worth_doubling()
        && Instant::now() < deadline
    {
        let doubled = binarize::midrange_doubled(gray);
        look.read_more(&doubled, 0.5, first_only, deadline, "doubled");
    }
    // Nothing read: zxing-cpp's thresholds at full scale (glare, uneven light, low contrast
    // a flat block's rule would paint white).
    if look.codes.is_empty() && Instant::now() < deadline {
        look.full_scale_again(binarize::midrange_packed(gray), first_only, deadline);
    }
    // Low contrast: a block whose light and dark are within a few levels counts as flat,
    // and HalfMin paints it white; BelowMin keeps such modules dark.
    if look.codes.is_empty() && Instant::now() < deadline {
        let bits = binarize::hybrid_packed(gray, binarize::FlatRule::BelowMin);
        look.full_scale_again(bits, first_only, deadline);
    }
    // Light on dark: the full scale's black and white swapped (its thresholds, not those of
    // the inverted picture: the same but where a flat block met its rule).
    if let Some(bits) = full_packed.filter(|_| look.codes.is_empty() && Instant::now() < deadline) {
        look.read_more(&bits.inverted(), 1.0, first_only, deadline, "inverted");
    }
    look
}

/// The full scale once more, on a picture whose read codes were painted out: in a sheet of
/// codes each finder has more neighbours than the detector pairs it with, and without the
/// read ones the rest find their partners.
pub(super) fn look_again(painted: &Gray, deadline: Instant) -> Look {
    let bits = binarize::hybrid_packed(painted, binarize::FlatRule::HalfMin);
    let (codes, finders) = read_layer(&bits, 1.0, &[], false, deadline);
    Look { codes, finders }
}

/// One binarized picture (a layer, or the picture binarized another way): finder patterns
/// found and grouped, each group's grid sampled and decoded. A group whose finders belong to
/// a decoded code (or lie inside a `known` one) is skipped, and none is tried after
/// `deadline` or, when `first_only`, after the first code. Returns the codes and the finder
/// patterns, both in frame pixels.
fn read_layer(
    bits: &Packed,
    factor: f64,
    known: &[FoundCode],
    first_only: bool,
    deadline: Instant,
) -> (Vec<FoundCode>, Vec<Finder>) {
    let run = || {
        let matrix = &bit_matrix(bits)?;
        let at_frame = |p: rxing::Point| (f64::from(p.x) * factor, f64::from(p.y) * factor);
        let mut finders = FindFinderPatterns(matrix, true, 0);
        let seen = finders
            .iter()
            .map(|f| Finder {
                at: at_frame(f.p),
                size: f64::from(f.size) * factor,
            })
            .collect();
        // Finders of codes another layer read belong to no new code: without them a sheet's
        // lower layers group a few finders, not thousands of triples.
        finders.retain(|f| !known.iter().any(|c| inside(at_frame(f.p), &c.corners)));
        let mut used = Vec::new();
        let mut codes = Vec::new();
        for (n, set) in GenerateFinderPatternSets(&mut finders)
            .into_iter()
            .enumerate()
        {
            if n % 64 == 63 && Instant::now() >= deadline {
                break;
            }
            if [set.bl, set.tl, set.tr].iter().any(|f| used.contains(f)) {
                continue;
            }
            let Ok(sampled) = SampleQR(matrix, &set) else {
                continue;
            };
            let points = sampled.getPoints();
            if points.len() < 4 {
                continue;
            }
            if let Some((raw, version)) = decode_grid(sampled.getBits()) {
                used.extend([set.bl, set.tl, set.tr]);
                // The sampler hands back the grid's corners row by row (top-left, top-right,
                // bottom-left, bottom-right); ours go round.
                let corners =
                    [0, 1, 3, 2].map(|i| (f64::from(points[i].x), f64::from(points[i].y)));
                codes.push(found_code(raw, version, corners, factor));
                if first_only {
                    break;
                }
            }
        }
        Some((codes, seen))
    };
    // The port is not ours and says its finder search can panic: no panic leaves here.
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Some(r)) => r,
        Ok(None) => (Vec::new(), Vec::new()),
        Err(_) => {
            tracing::warn!("zxing detector panicked on a picture; skipped");
            (Vec::new(), Vec::new())
        }
    }
}

/// The port's own matrix of a packed picture, row by row.
fn bit_matrix(bits: &Packed) -> Option<BitMatrix> {
    let mut matrix = BitMatrix::new(bits.width as u32, bits.height as u32).ok()?;
    let mut row = BitArray::with_size(bits.width);
    for y in 0..bits.height {
        for (i, &word) in bits.row(y).iter().enumerate() {
            row.setBulk(i * usize::BITS as usize, word);
        }
        matrix.setRow(y as u32, &row);
    }
    Some(matrix)
}

/// zxing-cpp's decoder (the port's) reads a sampled module grid, a mirrored one too: the
/// payload's bytes as the code holds them (text modes as ASCII, byte segments as they are)
/// and the version. It is the one that decided whether the grid is a code, in
/// microseconds for the thousands of wrong groupings of a sheet, and its error correction is
/// table-driven, where rqrr's recomputes a power of the generator for every term (two
/// thirds of a dense code's scan time when rqrr decoded every grid a second time).
fn decode_grid(bits: &BitMatrix) -> Option<(Vec<u8>, u8)> {
    let dim = bits.width() as usize;
    if dim < 21 || bits.height() as usize != dim {
        return None;
    }
    let result = Decode(bits).ok().filter(|r| r.isValid())?;
    let version = u8::try_from(result.versionNumber()).ok()?;
    Some((result.content().bytes().to_vec(), version))
}
