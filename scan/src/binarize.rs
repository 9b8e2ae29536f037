//! Turning a luma frame into black and white, the step that decides most of what a QR
//! decoder can find in a camera image.
//!
//! [`hybrid`] follows the idea of zxing's HybridBinarizer: the frame is cut into 8x8 blocks;
//! each block gets a black point from its own mean, or, when the block is flat (no edge in
//! it), a value that keeps it white unless its neighbours are dark (see [`FlatRule`]); every pixel is then
//! compared with the average black point of the 5x5 blocks around its block. That adapts to
//! uneven light (shadow, glare, vignetting) without turning flat noise into speckle.
//! [`midrange`] is zxing-cpp's current binarizer, for pictures the first did not read. The
//! `_packed` forms write zxing's port's packed rows directly, without the byte picture.

/// A luma image owned by the scanner: `data.len() == width * height`.
#[derive(Debug, Clone)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

/// A black-and-white image in rqrr's convention: 1 = black, 0 = white.
#[derive(Debug, Clone)]
pub struct Bits {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

const BLOCK: usize = 8;
const MIN_DYNAMIC_RANGE: u8 = 24;

/// What black point a flat (edgeless) block gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatRule {
    /// Half its minimum, as zxing does: flat areas pull nearby thresholds down, which keeps a
    /// quiet zone white next to a brighter surface.
    HalfMin,
    /// Just below its minimum: keeps low-contrast dark modules next to a quiet zone black.
    BelowMin,
}

pub fn hybrid(img: &Gray, rule: FlatRule) -> Bits {
    hybrid_window(img, rule, 2)
}

/// [`hybrid`] with the threshold averaged over `(2 * radius + 1)^2` blocks: a wider window
/// lets a code's own modules outvote a bright or dark surface right next to it.
pub fn hybrid_window(img: &Gray, rule: FlatRule, radius: usize) -> Bits {
    threshold_blocks(img, hybrid_thresholds(img, rule, radius))
}

/// [`hybrid`], packed as zxing's port reads a picture.
pub fn hybrid_packed(img: &Gray, rule: FlatRule) -> Packed {
    threshold_blocks_packed(img, hybrid_thresholds(img, rule, 2))
}

/// Each block's [`hybrid_window`] threshold: the mean black point of the blocks around it.
fn hybrid_thresholds(img: &Gray, rule: FlatRule, radius: usize) -> impl Fn(usize, usize) -> u8 {
    let bw = img.width.div_ceil(BLOCK);
    let bh = img.height.div_ceil(BLOCK);
    let black = black_points(img, rule);
    // Sum of black points over block neighbourhoods, through a summed-area table.
    let mut sat = vec![0u32; (bw + 1) * (bh + 1)];
    for by in 0..bh {
        let mut row = 0u32;
        for bx in 0..bw {
            row += u32::from(black[by * bw + bx]);
            sat[(by + 1) * (bw + 1) + bx + 1] = sat[by * (bw + 1) + bx + 1] + row;
        }
    }
    move |bx, by| {
        let (cy0, cy1) = (by.saturating_sub(radius), (by + radius + 1).min(bh));
        let (cx0, cx1) = (bx.saturating_sub(radius), (bx + radius + 1).min(bw));
        let total = sat[cy1 * (bw + 1) + cx1] + sat[cy0 * (bw + 1) + cx0]
            - sat[cy0 * (bw + 1) + cx1]
            - sat[cy1 * (bw + 1) + cx0];
        let n = ((cy1 - cy0) * (cx1 - cx0)) as u32;
        (total / n) as u8
    }
}

/// zxing-cpp's current local-average binarizer: a block with contrast gets the middle of its
/// darkest and lightest pixel, a flat one none; each block's threshold is then the mean of
/// those around it (5x5 blocks, its own counted twice), and blocks with none around take the
/// last one before them. Unlike [`hybrid`], a flat block never decides alone that it is
/// white: a code whose quiet zone is a pixel wide on a dark page keeps its outer ring.
pub fn midrange(img: &Gray) -> Bits {
    let bw = img.width.div_ceil(BLOCK);
    match midrange_thresholds(img) {
        Some(t) => threshold_blocks(img, |bx, by| t[by * bw + bx]),
        None => hybrid(img, FlatRule::HalfMin),
    }
}

/// [`midrange`], packed as zxing's port reads a picture.
pub fn midrange_packed(img: &Gray) -> Packed {
    let bw = img.width.div_ceil(BLOCK);
    match midrange_thresholds(img) {
        Some(t) => threshold_blocks_packed(img, |bx, by| t[by * bw + bx]),
        None => hybrid_packed(img, FlatRule::HalfMin),
    }
}

/// [`midrange`] of [`upscale2`] of `img`, packed, without making either picture: the
/// thresholds come from the picture's own blocks (each 16x16 pixels of the doubled one),
/// and each doubled row is interpolated, compared and packed as it is made. Four times the
/// pixels cost what the picture itself does, not four times that.
pub fn midrange_doubled(img: &Gray) -> Packed {
    let Some(thresholds) = midrange_thresholds(img) else {
        return Packed::from_bits(&midrange(&upscale2(img)));
    };
    let bw = img.width.div_ceil(BLOCK);
    let (w, h) = (img.width * 2, img.height * 2);
    let words = w.div_ceil(WORD);
    let mut data = vec![0usize; words * h];
    let mut spread = vec![0u8; w];
    let mut spread_for = usize::MAX;
    let mut black = vec![0u8; w];
    for_each_doubled_row(img, |y, row| {
        let by = y / (2 * BLOCK);
        if by != spread_for {
            for (bx, t) in spread.chunks_mut(2 * BLOCK).enumerate() {
                t.fill(thresholds[by * bw + bx]);
            }
            spread_for = by;
        }
        for ((b, &p), &t) in black.iter_mut().zip(row).zip(&spread) {
            *b = u8::from(p <= t);
        }
        let out = &mut data[y * words..(y + 1) * words];
        for (word, pixels) in out.iter_mut().zip(black.chunks(WORD)) {
            *word = pack_ones(pixels);
        }
    });
    Packed {
        width: w,
        height: h,
        words,
        data,
    }
}

/// Each block's [`midrange`] threshold, smoothed and gap-filled; `None` when no block has
/// contrast.
fn midrange_thresholds(img: &Gray) -> Option<Vec<u8>> {
    let bw = img.width.div_ceil(BLOCK);
    let bh = img.height.div_ceil(BLOCK);
    let mut mid = vec![0u8; bw * bh];
    block_stats(img, |bx, by, stats| {
        if stats.max - stats.min > MIN_DYNAMIC_RANGE {
            mid[by * bw + bx] = ((u16::from(stats.max) + u16::from(stats.min)) / 2) as u8;
        }
    });
    // The 5 blocks around `i` of `n`, moved inwards at the edges (zxing-cpp's clamp).
    let window = |i: usize, n: usize| {
        let start = i.saturating_sub(2).min(n.saturating_sub(5));
        start..(start + 5).min(n)
    };
    let mut smooth = vec![0u8; bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let own = u32::from(mid[by * bw + bx]);
            let (mut sum, mut n) = (2 * own, 2 * u32::from(own > 0));
            let columns = window(bx, bw);
            for y in window(by, bh) {
                for &t in &mid[y * bw + columns.start..y * bw + columns.end] {
                    sum += u32::from(t);
                    n += u32::from(t > 0);
                }
            }
            smooth[by * bw + bx] = sum.checked_div(n).unwrap_or(0) as u8;
        }
    }
    // Blocks with no contrast anywhere near take the last threshold before them.
    let mut last = smooth.iter().copied().find(|&t| t > 0)?;
    for t in &mut smooth {
        if *t == 0 {
            *t = last;
        } else {
            last = *t;
        }
    }
    Some(smooth)
}

/// Pixels per packed word.
const WORD: usize = usize::BITS as usize;

/// A black-and-white picture packed as zxing's port keeps one: each row `words` machine
/// words, a word's first pixel in its lowest bit, 1 = black.
#[derive(Debug, Clone)]
pub struct Packed {
    pub width: usize,
    pub height: usize,
    pub words: usize,
    pub data: Vec<usize>,
}

impl Packed {
    pub fn from_bits(bits: &Bits) -> Packed {
        let words = bits.width.div_ceil(WORD);
        let mut data = Vec::with_capacity(words * bits.height);
        for row in bits.data.chunks_exact(bits.width.max(1)) {
            data.extend(row.chunks(WORD).map(pack_ones));
        }
        Packed {
            width: bits.width,
            height: bits.height,
            words,
            data,
        }
    }

    /// Black and white swapped (the padding past the last pixel stays white).
    pub fn inverted(mut self) -> Packed {
        let tail = self.width % WORD;
        for row in self.data.chunks_exact_mut(self.words.max(1)) {
            for w in row.iter_mut() {
                *w = !*w;
            }
            if let (Some(last), true) = (row.last_mut(), tail > 0) {
                *last &= (1usize << tail) - 1;
            }
        }
        self
    }

    pub fn row(&self, y: usize) -> &[usize] {
        &self.data[y * self.words..(y + 1) * self.words]
    }
}

/// Up to [`WORD`] pixels of 0 or 1 into one word, the first in the lowest bit: eight at a
/// time, a multiplication gathering the low bit of each byte into the top byte.
fn pack_ones(pixels: &[u8]) -> usize {
    let mut word = 0usize;
    let mut eights = pixels.chunks_exact(8);
    for (i, eight) in eights.by_ref().enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(eight);
        let x = u64::from_le_bytes(bytes) & 0x0101_0101_0101_0101;
        let byte = x.wrapping_mul(0x0102_0408_1020_4080) >> 56;
        word |= (byte as usize) << (8 * i);
    }
    let done = pixels.len() / 8 * 8;
    for (k, &p) in eights.remainder().iter().enumerate() {
        word |= usize::from(p & 1) << (done + k);
    }
    word
}

/// Each pixel black when at most its block's threshold.
fn threshold_blocks(img: &Gray, threshold: impl Fn(usize, usize) -> u8) -> Bits {
    let mut data = Vec::with_capacity(img.width * img.height);
    threshold_rows(img, threshold, |black| data.extend_from_slice(black));
    Bits {
        width: img.width,
        height: img.height,
        data,
    }
}

/// [`threshold_blocks`], packed row by row as it is made.
fn threshold_blocks_packed(img: &Gray, threshold: impl Fn(usize, usize) -> u8) -> Packed {
    let words = img.width.div_ceil(WORD);
    let mut data = Vec::with_capacity(words * img.height);
    threshold_rows(img, threshold, |black| {
        data.extend(black.chunks(WORD).map(pack_ones));
    });
    Packed {
        width: img.width,
        height: img.height,
        words,
        data,
    }
}

/// Hands each row, thresholded (1 = black), to `each`, top to bottom. Each block's
/// threshold is spread over its columns first: every row of a band of blocks is then one
/// straight comparison, which the compiler turns into vector code.
fn threshold_rows(img: &Gray, threshold: impl Fn(usize, usize) -> u8, mut each: impl FnMut(&[u8])) {
    let (w, h) = (img.width, img.height);
    let mut row_thresholds = vec![0u8; w];
    let mut black = vec![0u8; w];
    for by in 0..h.div_ceil(BLOCK) {
        for (bx, t) in row_thresholds.chunks_mut(BLOCK).enumerate() {
            t.fill(threshold(bx, by));
        }
        let y0 = by * BLOCK;
        for src in img.data[y0 * w..((y0 + BLOCK).min(h)) * w].chunks_exact(w) {
            for ((d, &p), &t) in black.iter_mut().zip(src).zip(&row_thresholds) {
                *d = u8::from(p <= t);
            }
            each(&black);
        }
    }
}

/// One 8x8 block's pixels (fewer at the right and bottom edges).
struct BlockStats {
    sum: u32,
    min: u8,
    max: u8,
    count: u32,
}

/// Hands each block's statistics to `each`, row of blocks by row of blocks, left to right.
/// A band of 8 rows is first folded column by column (minimum, maximum, sum: vector work),
/// then each block takes its 8 columns.
fn block_stats(img: &Gray, mut each: impl FnMut(usize, usize, BlockStats)) {
    let w = img.width;
    let (mut col_min, mut col_max, mut col_sum) = (vec![0u8; w], vec![0u8; w], vec![0u16; w]);
    for by in 0..img.height.div_ceil(BLOCK) {
        let y0 = by * BLOCK;
        let y1 = (y0 + BLOCK).min(img.height);
        col_min.fill(255);
        col_max.fill(0);
        col_sum.fill(0);
        for row in img.data[y0 * w..y1 * w].chunks_exact(w) {
            for (((lo, hi), sum), &p) in col_min
                .iter_mut()
                .zip(col_max.iter_mut())
                .zip(col_sum.iter_mut())
                .zip(row)
            {
                *lo = (*lo).min(p);
                *hi = (*hi).max(p);
                *sum += u16::from(p);
            }
        }
        for bx in 0..w.div_ceil(BLOCK) {
            let x0 = bx * BLOCK;
            let x1 = (x0 + BLOCK).min(w);
            let stats = BlockStats {
                sum: col_sum[x0..x1].iter().map(|&v| u32::from(v)).sum(),
                min: col_min[x0..x1].iter().copied().min().unwrap_or(0),
                max: col_max[x0..x1].iter().copied().max().unwrap_or(0),
                count: ((y1 - y0) * (x1 - x0)) as u32,
            };
            each(bx, by, stats);
        }
    }
}

/// Each 8x8 block's black point (see [`hybrid`]), row by row of blocks.
fn black_points(img: &Gray, rule: FlatRule) -> Vec<u8> {
    let bw = img.width.div_ceil(BLOCK);
    let mut black = vec![0u8; bw * img.height.div_ceil(BLOCK)];
    block_stats(
        img,
        |bx,
         by,
         BlockStats {
             sum,
             min,
             max,
             count,
         }| {
            let mut avg = (sum / count) as u8;
            if max - min <= MIN_DYNAMIC_RANGE {
                // A flat block: assume it is background (white).
                avg = match rule {
                    FlatRule::HalfMin => min / 2,
                    FlatRule::BelowMin => min.saturating_sub(MIN_DYNAMIC_RANGE),
                };
                // ... unless the blocks already seen around it say it sits in a dark area.
                if by > 0 && bx > 0 {
                    let neighbours = (u32::from(black[(by - 1) * bw + bx])
                        + 2 * u32::from(black[by * bw + bx - 1])
                        + u32::from(black[(by - 1) * bw + bx - 1]))
                        / 4;
                    if u32::from(min) < neighbours {
                        avg = neighbours as u8;
                    }
                }
            }
            black[by * bw + bx] = avg;
        },
    );
    black
}

/// Swaps black and white: light-on-dark codes read as dark-on-light.
pub fn invert(bits: &Bits) -> Bits {
    Bits {
        width: bits.width,
        height: bits.height,
        data: bits.data.iter().map(|b| b ^ 1).collect(),
    }
}

/// Shrinks each side `N` times, each pixel the mean of `N`x`N`: less noise and blur, `N`^2
/// times less work. Halves for our passes, thirds for zxing-cpp's pyramid.
pub fn downscale<const N: usize>(img: &Gray) -> Gray {
    let (w, h) = (img.width / N, img.height / N);
    let mut data = Vec::with_capacity(w * h);
    for y in 0..h {
        let rows = &img.data[N * y * img.width..(N * y + N) * img.width];
        for x in 0..w {
            let mut sum = (N * N / 2) as u32;
            for row in rows.chunks_exact(img.width) {
                sum += row[N * x..N * x + N]
                    .iter()
                    .map(|&p| u32::from(p))
                    .sum::<u32>();
            }
            data.push((sum / (N * N) as u32) as u8);
        }
    }
    Gray {
        width: w,
        height: h,
        data,
    }
}

/// Doubles each side with bilinear interpolation: gives far-away codes (1-2 px modules)
/// enough pixels for the finder patterns to show. Each output pixel sits a quarter of a
/// source pixel from its nearest source pixel (weights 3:1 along each axis; the first row
/// and column copy the source's).
pub fn upscale2(img: &Gray) -> Gray {
    let (w, h) = (img.width * 2, img.height * 2);
    let mut data = Vec::with_capacity(w * h);
    for_each_doubled_row(img, |_, row| data.extend_from_slice(row));
    Gray {
        width: w,
        height: h,
        data,
    }
}

/// Makes [`upscale2`]'s rows one at a time, top to bottom, handing each to `each`.
fn for_each_doubled_row(img: &Gray, mut each: impl FnMut(usize, &[u8])) {
    let (sw, sh) = (img.width, img.height);
    let w = sw * 2;
    // Source rows interpolated along x (times 4), the two the output row needs.
    let widen = |sy: usize, out: &mut [u16]| {
        let src = &img.data[sy * sw..(sy + 1) * sw];
        // Output 2k leans on source k-1, output 2k+1 on source k+1 (the edges repeat).
        let before = std::iter::once(src[0]).chain(src.iter().copied());
        let after = src
            .iter()
            .copied()
            .skip(1)
            .chain(std::iter::once(src[sw - 1]));
        for (((pair, &here), left), right) in
            out.chunks_exact_mut(2).zip(src).zip(before).zip(after)
        {
            let here = 3 * u16::from(here);
            pair[0] = here + u16::from(left);
            pair[1] = here + u16::from(right);
        }
    };
    let (mut upper, mut lower) = (vec![0u16; w], vec![0u16; w]);
    let mut have = (usize::MAX, usize::MAX);
    let mut out = vec![0u8; w];
    for y in 0..sh * 2 {
        let fy = (y * 2).saturating_sub(1);
        let y0 = (fy / 4).min(sh - 1);
        let y1 = (y0 + 1).min(sh - 1);
        let wy = (fy % 4) as u16;
        if have.0 != y0 {
            if have.1 == y0 {
                std::mem::swap(&mut upper, &mut lower);
                have.1 = have.0;
            } else {
                widen(y0, &mut upper);
            }
            have.0 = y0;
        }
        if have.1 != y1 {
            widen(y1, &mut lower);
            have.1 = y1;
        }
        for ((o, &a), &b) in out.iter_mut().zip(&upper).zip(&lower) {
            // At most 4 * 1020 + 8: u16 arithmetic, twice the lanes of u32.
            *o = ((a * (4 - wy) + b * wy + 8) / 16) as u8;
        }
        each(y, &out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gray(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Gray {
        Gray {
            width: w,
            height: h,
            data: (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .map(|(x, y)| f(x, y))
                .collect(),
        }
    }

    #[test]
    fn module_texture_under_a_light_gradient_binarizes_and_flat_background_stays_white() {
        // Light falls off from left (230) to right (90). In the middle band, 4 px "modules"
        // alternate, 70 levels apart, as a QR code's do.
        let img = gray(160, 64, |x, y| {
            let light = 230 - (x * 140 / 160) as i32;
            let dark = (16..48).contains(&y) && ((x / 4) + (y / 4)) % 2 == 0;
            (light - if dark { 70 } else { 0 }) as u8
        });
        let bits = hybrid(&img, FlatRule::BelowMin);
        for y in 16..48 {
            for x in 0..160 {
                if x % 4 == 0 || x % 4 == 3 || y % 4 == 0 || y % 4 == 3 {
                    continue; // module edges may go either way
                }
                let dark = ((x / 4) + (y / 4)) % 2 == 0;
                assert_eq!(bits.data[y * 160 + x], u8::from(dark), "module at {x},{y}");
            }
        }
        for (x, y) in [(20, 5), (150, 5), (100, 60), (3, 60)] {
            assert_eq!(bits.data[y * 160 + x], 0, "background at {x},{y}");
        }
    }

    #[test]
    fn resampling_sizes_and_values() {
        let img = gray(5, 3, |x, _| (x * 50) as u8);
        let d = downscale::<2>(&img);
        assert_eq!((d.width, d.height), (2, 1));
        assert_eq!(d.data, vec![25, 125]);
        let u = upscale2(&img);
        assert_eq!((u.width, u.height), (10, 6));
        assert!(
            u.data.windows(2).take(9).all(|w| w[0] <= w[1]),
            "{:?}",
            &u.data[..10]
        );
        let bits = Bits {
            width: 2,
            height: 1,
            data: vec![0, 1],
        };
        assert_eq!(invert(&bits).data, vec![1, 0]);
    }

    /// The straightforward forms the fast ones above must equal, bit for bit.
    fn hybrid_reference(img: &Gray, rule: FlatRule, radius: usize) -> Bits {
        let (w, h) = (img.width, img.height);
        let bw = w.div_ceil(BLOCK);
        let bh = h.div_ceil(BLOCK);
        let mut black = vec![0u8; bw * bh];
        for by in 0..bh {
            let y0 = by * BLOCK;
            let y1 = (y0 + BLOCK).min(h);
            for bx in 0..bw {
                let x0 = bx * BLOCK;
                let x1 = (x0 + BLOCK).min(w);
                let (mut sum, mut min, mut max) = (0u32, 255u8, 0u8);
                for y in y0..y1 {
                    for &p in &img.data[y * w + x0..y * w + x1] {
                        sum += u32::from(p);
                        min = min.min(p);
                        max = max.max(p);
                    }
                }
                let count = ((y1 - y0) * (x1 - x0)) as u32;
                let mut avg = (sum / count) as u8;
                if max - min <= MIN_DYNAMIC_RANGE {
                    // A flat block: assume it is background (white).
                    avg = match rule {
                        FlatRule::HalfMin => min / 2,
                        FlatRule::BelowMin => min.saturating_sub(MIN_DYNAMIC_RANGE),
                    };
                    // ... unless the blocks already seen around it say it sits in a dark area.
                    if by > 0 && bx > 0 {
                        let neighbours = (u32::from(black[(by - 1) * bw + bx])
                            + 2 * u32::from(black[by * bw + bx - 1])
                            + u32::from(black[(by - 1) * bw + bx - 1]))
                            / 4;
                        if u32::from(min) < neighbours {
                            avg = neighbours as u8;
                        }
                    }
                }
                black[by * bw + bx] = avg;
            }
        }
        // Sum of black points over block neighbourhoods, through a summed-area table.
        let mut sat = vec![0u32; (bw + 1) * (bh + 1)];
        for by in 0..bh {
            let mut row = 0u32;
            for bx in 0..bw {
                row += u32::from(black[by * bw + bx]);
                sat[(by + 1) * (bw + 1) + bx + 1] = sat[by * (bw + 1) + bx + 1] + row;
            }
        }
        let mut out = vec![0u8; w * h];
        for by in 0..bh {
            let cy0 = by.saturating_sub(radius);
            let cy1 = (by + radius + 1).min(bh);
            for bx in 0..bw {
                let cx0 = bx.saturating_sub(radius);
                let cx1 = (bx + radius + 1).min(bw);
                let total = sat[cy1 * (bw + 1) + cx1] + sat[cy0 * (bw + 1) + cx0]
                    - sat[cy0 * (bw + 1) + cx1]
                    - sat[cy1 * (bw + 1) + cx0];
                let n = ((cy1 - cy0) * (cx1 - cx0)) as u32;
                let threshold = (total / n) as u8;
                let y0 = by * BLOCK;
                let x0 = bx * BLOCK;
                let x1 = (x0 + BLOCK).min(w);
                for y in y0..(y0 + BLOCK).min(h) {
                    let src = &img.data[y * w + x0..y * w + x1];
                    let dst = &mut out[y * w + x0..y * w + x1];
                    for (d, &p) in dst.iter_mut().zip(src) {
                        *d = u8::from(p <= threshold);
                    }
                }
            }
        }
        Bits {
            width: w,
            height: h,
            data: out,
        }
    }

    fn upscale2_reference(img: &Gray) -> Gray {
        let (sw, sh) = (img.width, img.height);
        let (w, h) = (sw * 2, sh * 2);
        let mut data = vec![0u8; w * h];
        for y in 0..h {
            // Source coordinate of this row's centre, in half-pixel steps.
            let fy = (y as i64 * 2 - 1).max(0) as usize;
            let y0 = (fy / 4).min(sh - 1);
            let y1 = (y0 + 1).min(sh - 1);
            let wy = (fy % 4) as u32;
            for x in 0..w {
                let fx = (x as i64 * 2 - 1).max(0) as usize;
                let x0 = (fx / 4).min(sw - 1);
                let x1 = (x0 + 1).min(sw - 1);
                let wx = (fx % 4) as u32;
                let p = |xx: usize, yy: usize| u32::from(img.data[yy * sw + xx]);
                let top = p(x0, y0) * (4 - wx) + p(x1, y0) * wx;
                let bottom = p(x0, y1) * (4 - wx) + p(x1, y1) * wx;
                data[y * w + x] = ((top * (4 - wy) + bottom * wy + 8) / 16) as u8;
            }
        }
        Gray {
            width: w,
            height: h,
            data,
        }
    }

    fn noise(w: usize, h: usize, seed: u64) -> Gray {
        gray(w, h, |x, y| {
            let state = ((y * w + x) as u64 ^ seed)
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Texture over slow light changes, with flat patches (the flat-block rule).
            let light = (x * 3 + y * 2) % 200;
            let flat = (x / 16 + y / 16) % 3 == 0;
            if flat {
                light as u8
            } else {
                (light as u64 + (state >> 58)) as u8
            }
        })
    }

    #[test]
    fn fast_forms_equal_the_straightforward_ones() {
        for (w, h) in [(1, 1), (7, 3), (8, 8), (61, 45), (200, 129), (333, 17)] {
            let img = noise(w, h, (w * 31 + h) as u64);
            for rule in [FlatRule::HalfMin, FlatRule::BelowMin] {
                for radius in [2, 4] {
                    assert_eq!(
                        hybrid_window(&img, rule, radius).data,
                        hybrid_reference(&img, rule, radius).data,
                        "{w}x{h} {rule:?} radius {radius}"
                    );
                }
            }
            assert_eq!(
                upscale2(&img).data,
                upscale2_reference(&img).data,
                "{w}x{h}"
            );
            // Packed rows: pixel by pixel what the byte picture says, made directly or not.
            let bits = hybrid(&img, FlatRule::HalfMin);
            let packed = Packed::from_bits(&bits);
            for (y, row) in bits.data.chunks_exact(w).enumerate() {
                for (x, &b) in row.iter().enumerate() {
                    let word = packed.row(y)[x / WORD];
                    assert_eq!(
                        (word >> (x % WORD)) & 1,
                        usize::from(b),
                        "{w}x{h} at {x},{y}"
                    );
                }
            }
            assert_eq!(
                hybrid_packed(&img, FlatRule::HalfMin).data,
                packed.data,
                "{w}x{h}"
            );
            assert_eq!(
                midrange_packed(&img).data,
                Packed::from_bits(&midrange(&img)).data,
                "{w}x{h}"
            );
            assert_eq!(
                packed.clone().inverted().data,
                Packed::from_bits(&invert(&bits)).data,
                "{w}x{h}"
            );
            let doubled = midrange_doubled(&img);
            assert_eq!((doubled.width, doubled.height), (2 * w, 2 * h));
            assert_eq!(doubled.data.len(), doubled.words * 2 * h);
        }
    }
}
