//! The first look at a picture: zxing-cpp's QR detector (rxing's port of it) over an image
//! pyramid. On BoofCV's real photos that detector reads the ordinary cases (sheets of many
//! codes, dense versions, large sharp photos, plain rotations) that our own passes missed,
//! in a few milliseconds; our passes (`pipeline.rs`) then look for what it did not read.
//!
//! Only the detector is borrowed: it finds finder-pattern triples and samples the module
//! grid; rqrr decodes the grid, as for every other pass, so payload bytes, versions and error
//! correction come out the same way whichever pass saw the code.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use rxing::common::{BitArray, BitMatrix, DetectorRXingResult};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{FindFinderPatterns, GenerateFinderPatternSets, SampleQR};

use super::FoundCode;
use super::binarize::{self, Bits, Gray};
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

/// What one look saw.
#[derive(Debug, Default)]
pub(super) struct Look {
    pub codes: Vec<FoundCode>,
    /// The finder patterns seen at full scale.
    pub finders: Vec<Finder>,
    /// The full-scale picture as binarized for this look: the same as our first pass's, so
    /// that pass takes it instead of binarizing again.
    pub full_bits: Option<Bits>,
}

impl Look {
    /// Finder patterns that no read code explains: more codes may be there (or codes this
    /// look could not read), for a slower pass.
    pub fn stray_finders(&self) -> usize {
        self.finders
            .iter()
            .filter(|f| !self.codes.iter().any(|c| inside(f.at, &c.corners)))
            .count()
    }

    /// Adds the codes not already found; returns how many were new (now at the end).
    pub fn add(&mut self, codes: Vec<FoundCode>) -> usize {
        merge(&mut self.codes, codes)
    }
}

/// Looks at every layer of the pyramid (full scale, then thirds), or until the first code
/// when `first_only`, or until `deadline`. A picture where no layer reads anything is tried
/// once more inverted (light modules on a dark ground).
pub(super) fn look(gray: &Gray, first_only: bool, deadline: Instant) -> Look {
    let mut look = Look::default();
    let mut scaled: Option<Gray> = None;
    let mut factor = 1.0;
    loop {
        let layer = scaled.as_ref().unwrap_or(gray);
        let t = Instant::now();
        let bits = binarize::hybrid(layer, binarize::FlatRule::HalfMin);
        let (codes, finders) = read_layer(&bits, factor, &look.codes, first_only, deadline);
        tracing::trace!(
            factor,
            us = t.elapsed().as_micros() as u64,
            codes = codes.len(),
            "zxing layer"
        );
        if scaled.is_none() {
            look.finders = finders;
            look.full_bits = Some(bits);
        }
        look.add(codes);
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
    // A small picture with small codes (2 px modules, blurred) reads better doubled.
    if first_only && !look.codes.is_empty() {
        return look;
    }
    if gray.width * gray.height <= MAX_PIXELS_TO_DOUBLE
        && (look.codes.is_empty() || look.stray_finders() >= 2)
        && Instant::now() < deadline
    {
        let t = Instant::now();
        let doubled = binarize::hybrid(&binarize::upscale2(gray), binarize::FlatRule::HalfMin);
        let codes = read_layer(&doubled, 0.5, &look.codes, first_only, deadline).0;
        let n = look.add(codes);
        tracing::trace!(
            us = t.elapsed().as_micros() as u64,
            codes = n,
            "zxing doubled"
        );
    }
    // Low contrast: where a block's light and dark modules are within a few levels, the
    // block counts as flat, and HalfMin paints it white; BelowMin keeps such modules dark.
    if look.codes.is_empty() && Instant::now() < deadline {
        let t = Instant::now();
        let bits = binarize::hybrid(gray, binarize::FlatRule::BelowMin);
        let (codes, finders) = read_layer(&bits, 1.0, &[], first_only, deadline);
        let n = look.add(codes);
        if look.finders.is_empty() {
            look.finders = finders;
        }
        tracing::trace!(
            us = t.elapsed().as_micros() as u64,
            codes = n,
            "zxing low contrast"
        );
    }
    if look.codes.is_empty() && Instant::now() < deadline {
        let inverted = Gray {
            data: gray.data.iter().map(|v| 255 - v).collect(),
            ..*gray
        };
        let t = Instant::now();
        let bits = binarize::hybrid(&inverted, binarize::FlatRule::HalfMin);
        let n = look.add(read_layer(&bits, 1.0, &[], first_only, deadline).0);
        tracing::trace!(
            us = t.elapsed().as_micros() as u64,
            codes = n,
            "zxing inverted"
        );
    }
    look
}

/// The full scale once more, on a picture whose read codes were painted out: in a sheet of
/// codes each finder has more neighbours than the detector pairs it with, and without the
/// read ones the rest find their partners.
pub(super) fn look_again(painted: &Gray, deadline: Instant) -> Look {
    let bits = binarize::hybrid(painted, binarize::FlatRule::HalfMin);
    let (codes, finders) = read_layer(&bits, 1.0, &[], false, deadline);
    Look {
        codes,
        finders,
        full_bits: None,
    }
}

/// One layer, binarized by our block-adaptive hybrid (zxing's HybridBinarizer idea, and
/// faster here than the port's own): finder patterns found and grouped, each group's grid
/// sampled and decoded. A group whose finders belong to a decoded code (or lie inside a
/// `known` one) is skipped, and none is tried after `deadline` or, when `first_only`, after
/// the first code. Returns the codes and the finder patterns' centres, both in frame pixels.
fn read_layer(
    bits: &Bits,
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

/// The port's packed form of a binarized picture: each row a machine word per
/// `usize::BITS` pixels, the first pixel in the lowest bit.
fn bit_matrix(bits: &Bits) -> Option<BitMatrix> {
    const WORD: usize = usize::BITS as usize;
    let mut matrix = BitMatrix::new(bits.width as u32, bits.height as u32).ok()?;
    let mut row = BitArray::with_size(bits.width);
    for (y, pixels) in bits.data.chunks_exact(bits.width).enumerate() {
        for (i, chunk) in pixels.chunks(WORD).enumerate() {
            let word = chunk
                .iter()
                .enumerate()
                .fold(0usize, |word, (k, &b)| word | (usize::from(b & 1) << k));
            row.setBulk(i * WORD, word);
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
