//! Finding QR codes in a black-and-white picture, the way zxing's detector does: scan rows
//! for the 1:1:3:1:1 run pattern of a finder, confirm it across (vertically, horizontally,
//! diagonally), pick the triples of finders that form a code, find the alignment pattern,
//! and sample the module grid through a perspective transform. rqrr then decodes the grid
//! (error correction and data). Row scanning touches each pixel once; this is what makes a
//! 720p frame take a millisecond or two, and it is robust to rotation and perspective.

use super::binarize::Bits;

/// A finder pattern candidate: centre, module size, and how many scans confirmed it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finder {
    pub x: f32,
    pub y: f32,
    pub module: f32,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pt {
    pub x: f32,
    pub y: f32,
}

/// `a - b`, as a vector.
fn diff(a: Pt, b: Pt) -> Pt {
    Pt {
        x: a.x - b.x,
        y: a.y - b.y,
    }
}

fn dist(a: Pt, b: Pt) -> f32 {
    (a.x - b.x).hypot(a.y - b.y)
}

impl Bits {
    #[inline]
    fn black(&self, x: usize, y: usize) -> bool {
        self.data[y * self.width + x] == 1
    }
}

/// Runs in 1:1:3:1:1 proportion, each within `module / divisor` of its ideal.
fn finder_ratio(c: &[u32; 5], divisor: f32) -> bool {
    let total: u32 = c.iter().sum();
    if total < 7 || c.contains(&0) {
        return false;
    }
    let module = total as f32 / 7.0;
    let var = module / divisor;
    (module - c[0] as f32).abs() < var
        && (module - c[1] as f32).abs() < var
        && (3.0 * module - c[2] as f32).abs() < 3.0 * var
        && (module - c[3] as f32).abs() < var
        && (module - c[4] as f32).abs() < var
}

fn pattern_cross(c: &[u32; 5]) -> bool {
    finder_ratio(c, 2.0)
}

/// Looser, for the diagonal, where runs stretch by up to sqrt(2).
fn pattern_cross_diagonal(c: &[u32; 5]) -> bool {
    finder_ratio(c, 1.333)
}

fn center_from_end(c: &[u32; 5], end: usize) -> f32 {
    end as f32 - c[4] as f32 - c[3] as f32 - c[2] as f32 / 2.0
}

/// Counts the runs of a finder along a line through (x, y) in direction (dx, dy); returns the
/// run lengths and the centre offset along the line. Outer runs longer than `max` mean this
/// is no finder.
fn runs_along(
    bits: &Bits,
    x: usize,
    y: usize,
    dx: isize,
    dy: isize,
    max: u32,
) -> Option<([u32; 5], f32)> {
    let (w, h) = (bits.width as isize, bits.height as isize);
    let inside = |i: isize| {
        let (px, py) = (x as isize + dx * i, y as isize + dy * i);
        (px >= 0 && py >= 0 && px < w && py < h).then_some((px as usize, py as usize))
    };
    // Pixels of one colour from `pos` on, stepping by `step`, counting at most `limit + 1`;
    // leaves `pos` on the first pixel past the run.
    let run = |pos: &mut isize, step: isize, black: bool, limit: u32| {
        let mut n = 0u32;
        while n <= limit {
            match inside(*pos) {
                Some((px, py)) if bits.black(px, py) == black => {
                    n += 1;
                    *pos += step;
                }
                _ => break,
            }
        }
        n
    };
    let mut c = [0u32; 5];
    // Backwards from the centre: black (centre), white, black.
    let mut i = 0isize;
    c[2] = run(&mut i, -1, true, u32::MAX - 1);
    inside(i)?;
    c[1] = run(&mut i, -1, false, max);
    if inside(i).is_none() || c[1] > max {
        return None;
    }
    c[0] = run(&mut i, -1, true, max);
    if c[0] > max {
        return None;
    }
    // Forwards.
    let mut j = 1isize;
    c[2] += run(&mut j, 1, true, u32::MAX - 1);
    inside(j)?;
    c[3] = run(&mut j, 1, false, max.saturating_sub(1));
    if inside(j).is_none() || c[3] >= max {
        return None;
    }
    c[4] = run(&mut j, 1, true, max.saturating_sub(1));
    if c[4] >= max {
        return None;
    }
    Some((c, center_from_end(&c, j as usize)))
}

/// Confirms a horizontal hit at (`cx`, `y`) vertically, horizontally and diagonally; returns
/// the refined centre and module size.
fn confirm(bits: &Bits, cx: f32, y: usize, c2: u32, total: u32) -> Option<(f32, f32, f32)> {
    // A finder seen along (dx, dy) through (x, y), about as wide as the row's: its total
    // width and centre offset.
    let along = |x: usize, y: usize, dx: isize, dy: isize| {
        let (runs, centre) = runs_along(bits, x, y, dx, dy, c2)?;
        let t: u32 = runs.iter().sum();
        (5 * t.abs_diff(total) < 2 * total && pattern_cross(&runs)).then_some((t, centre))
    };
    let x = cx as usize;
    let (vtotal, vcentre) = along(x, y, 0, 1)?;
    let cy = y as f32 + vcentre;
    if cy < 0.0 || cy >= bits.height as f32 {
        return None;
    }
    let (htotal, hcentre) = along(x, cy as usize, 1, 0)?;
    let cx = x as f32 + hcentre;
    if cx < 0.0 || cx >= bits.width as f32 {
        return None;
    }
    let (dc, _) = runs_along(bits, cx as usize, cy as usize, 1, 1, c2 * 2)?;
    if !pattern_cross_diagonal(&dc) {
        return None;
    }
    let module = (total + vtotal + htotal) as f32 / 21.0;
    Some((cx + 0.5, cy + 0.5, module))
}

fn add_candidate(found: &mut Vec<Finder>, x: f32, y: f32, module: f32) {
    for f in found.iter_mut() {
        if (f.x - x).abs() <= module && (f.y - y).abs() <= module {
            let diff = (module - f.module).abs();
            if diff <= 1.0 || diff <= f.module {
                let n = f.count as f32;
                f.x = (f.x * n + x) / (n + 1.0);
                f.y = (f.y * n + y) / (n + 1.0);
                f.module = (f.module * n + module) / (n + 1.0);
                f.count += 1;
                return;
            }
        }
    }
    found.push(Finder {
        x,
        y,
        module,
        count: 1,
    });
}

/// Scans every `skip`-th row for finder patterns. Stops collecting past `max` candidates (a
/// frame of pure noise), so the work stays bounded.
pub fn find_finders(bits: &Bits, skip: usize, max: usize) -> Vec<Finder> {
    let (w, h) = (bits.width, bits.height);
    let mut found: Vec<Finder> = Vec::new();
    let mut y = skip.saturating_sub(1);
    while y < h && found.len() < max {
        let row = &bits.data[y * w..(y + 1) * w];
        let mut c = [0u32; 5];
        let mut state = 0usize;
        for (x, &b) in row.iter().enumerate() {
            if b == 1 {
                if state & 1 == 1 {
                    state += 1;
                }
                c[state] += 1;
            } else if state & 1 == 0 {
                if state == 4 {
                    if pattern_cross(&c) {
                        let total: u32 = c.iter().sum();
                        if let Some((fx, fy, m)) =
                            confirm(bits, center_from_end(&c, x), y, c[2], total)
                        {
                            add_candidate(&mut found, fx, fy, m);
                            c = [0; 5];
                            state = 0;
                            continue;
                        }
                    }
                    c = [c[2], c[3], c[4], 1, 0];
                    state = 3;
                } else {
                    state += 1;
                    c[state] += 1;
                }
            } else {
                c[state] += 1;
            }
        }
        if state == 4 && pattern_cross(&c) {
            let total: u32 = c.iter().sum();
            if let Some((fx, fy, m)) = confirm(bits, center_from_end(&c, w), y, c[2], total) {
                add_candidate(&mut found, fx, fy, m);
            }
        }
        y += skip;
    }
    found
}

/// Three finders in code order: bottom-left, top-left, top-right, and which candidates
/// they are.
#[derive(Debug, Clone, Copy)]
pub struct Triple {
    pub bl: Finder,
    pub tl: Finder,
    pub tr: Finder,
    pub ids: [usize; 3],
}

fn pt(f: &Finder) -> Pt {
    Pt { x: f.x, y: f.y }
}

fn order(a: Finder, b: Finder, c: Finder, ids: [usize; 3]) -> Triple {
    let (ab, bc, ac) = (
        dist(pt(&a), pt(&b)),
        dist(pt(&b), pt(&c)),
        dist(pt(&a), pt(&c)),
    );
    // The finder opposite the longest side is the top-left.
    let (mut p_a, p_b, mut p_c) = if bc >= ab && bc >= ac {
        (b, a, c)
    } else if ac >= bc && ac >= ab {
        (a, b, c)
    } else {
        (a, c, b)
    };
    let cross = (p_c.x - p_b.x) * (p_a.y - p_b.y) - (p_c.y - p_b.y) * (p_a.x - p_b.x);
    if cross < 0.0 {
        std::mem::swap(&mut p_a, &mut p_c);
    }
    Triple {
        bl: p_a,
        tl: p_b,
        tr: p_c,
        ids,
    }
}

/// Up to this many finders, every triple is considered.
const SMALL_GROUP: usize = 24;
/// Beyond, each finder is grouped with its nearest this many.
const NEIGHBOURS: usize = 8;

/// The triples of finders that look like codes, best first. A finder may appear in several:
/// the caller decides, by decoding, which grouping is real. `finders` must be sorted best
/// first (see [`best_candidates`]); `ids` index into it.
pub fn triples(cands: &[Finder]) -> Vec<Triple> {
    let mut scored: Vec<(f32, [usize; 3])> = Vec::new();
    // Among many finders (a sheet of codes), a code's three are among each other's nearest:
    // only such pairs are grouped. Else a grid of codes makes a right triangle of any three
    // corners, and the real triples drown in the cube of the finders.
    let n = cands.len();
    let near: Vec<Vec<bool>> = if n <= SMALL_GROUP {
        vec![vec![true; n]; n]
    } else {
        let mut near = vec![vec![false; n]; n];
        for i in 0..n {
            let mut by: Vec<(f32, usize)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| (dist(pt(&cands[i]), pt(&cands[j])), j))
                .collect();
            by.sort_by(|a, b| a.0.total_cmp(&b.0));
            for &(_, j) in by.iter().take(NEIGHBOURS) {
                near[i][j] = true;
                near[j][i] = true;
            }
        }
        near
    };
    for i in 0..cands.len() {
        for j in i + 1..cands.len() {
            if !near[i][j] {
                continue;
            }
            for k in j + 1..cands.len() {
                if !near[i][k] || !near[j][k] {
                    continue;
                }
                let (a, b, c) = (cands[i], cands[j], cands[k]);
                let ms = [a.module, b.module, c.module];
                let (mn, mx) = ms
                    .iter()
                    .fold((f32::MAX, 0f32), |(l, h), &m| (l.min(m), h.max(m)));
                if mx > mn * 2.0 {
                    continue;
                }
                let mut d = [
                    dist(pt(&a), pt(&b)).powi(2),
                    dist(pt(&b), pt(&c)).powi(2),
                    dist(pt(&a), pt(&c)).powi(2),
                ];
                d.sort_by(f32::total_cmp);
                // A right isosceles triangle: the two legs equal, the hypotenuse their sum.
                // Perspective bends both, hence the tolerance.
                let score = (d[2] - 2.0 * d[1]).abs() / d[2] + (d[2] - 2.0 * d[0]).abs() / d[2];
                let leg_modules = d[0].sqrt() / ((mn + mx) / 2.0);
                if score > 0.8 || !(10.0..=180.0).contains(&leg_modules) {
                    continue;
                }
                // Prefer well-confirmed finders of alike size.
                let size_penalty = (mx / mn - 1.0) * 0.3;
                scored.push((score + size_penalty, [i, j, k]));
            }
        }
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored
        .into_iter()
        .map(|(_, [i, j, k])| order(cands[i], cands[j], cands[k], [i, j, k]))
        .collect()
}

/// The candidates worth grouping: the most confirmed first, at most `max` (24 for a camera
/// frame that wants one code; more for a photo of many).
pub fn best_candidates(finders: &[Finder], max: usize) -> Vec<Finder> {
    let mut cands = finders.to_vec();
    cands.sort_by_key(|f| std::cmp::Reverse(f.count));
    cands.truncate(max);
    cands
}

/// A projective map of the plane: `[x' y' w'] = M [x y 1]`, M row-major.
#[derive(Debug, Clone, Copy)]
pub struct Transform([f32; 9]);

impl Transform {
    fn square_to_quad(q: [Pt; 4]) -> Transform {
        let [p0, p1, p2, p3] = q;
        let dx3 = p0.x - p1.x + p2.x - p3.x;
        let dy3 = p0.y - p1.y + p2.y - p3.y;
        if dx3.abs() < 1e-6 && dy3.abs() < 1e-6 {
            return Transform([
                p1.x - p0.x,
                p2.x - p1.x,
                p0.x,
                p1.y - p0.y,
                p2.y - p1.y,
                p0.y,
                0.0,
                0.0,
                1.0,
            ]);
        }
        let (dx1, dx2, dy1, dy2) = (p1.x - p2.x, p3.x - p2.x, p1.y - p2.y, p3.y - p2.y);
        let den = dx1 * dy2 - dx2 * dy1;
        let a13 = (dx3 * dy2 - dx2 * dy3) / den;
        let a23 = (dx1 * dy3 - dx3 * dy1) / den;
        Transform([
            p1.x - p0.x + a13 * p1.x,
            p3.x - p0.x + a23 * p3.x,
            p0.x,
            p1.y - p0.y + a13 * p1.y,
            p3.y - p0.y + a23 * p3.y,
            p0.y,
            a13,
            a23,
            1.0,
        ])
    }

    fn adjoint(&self) -> Transform {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        Transform([
            e * i - f * h,
            c * h - b * i,
            b * f - c * e,
            f * g - d * i,
            a * i - c * g,
            c * d - a * f,
            d * h - e * g,
            b * g - a * h,
            a * e - b * d,
        ])
    }

    fn times(&self, o: &Transform) -> Transform {
        let (a, b) = (self.0, o.0);
        let mut r = [0f32; 9];
        for row in 0..3 {
            for col in 0..3 {
                r[row * 3 + col] = (0..3).map(|k| a[row * 3 + k] * b[k * 3 + col]).sum();
            }
        }
        Transform(r)
    }

    /// The map taking quad `from` (in module space) to quad `to` (in the image).
    pub fn quad_to_quad(from: [Pt; 4], to: [Pt; 4]) -> Transform {
        let q2s = Transform::square_to_quad(from).adjoint();
        let s2q = Transform::square_to_quad(to);
        // Column vectors: q2s applies first.
        s2q.times(&q2s)
    }

    pub fn apply(&self, x: f32, y: f32) -> Pt {
        let m = self.0;
        let den = m[6] * x + m[7] * y + m[8];
        Pt {
            x: (m[0] * x + m[1] * y + m[2]) / den,
            y: (m[3] * x + m[4] * y + m[5]) / den,
        }
    }
}

/// Searches near `est` (a module centre) for the alignment pattern: a dark centre module, a
/// light ring, a dark ring (5x5 modules). `ux` and `uy` are one module along the code's own
/// axes, so the template follows rotation and (locally) perspective. Returns the centre of
/// the best match; ties go to the candidate nearest the estimate.
fn find_alignment(bits: &Bits, est: Pt, ux: Pt, uy: Pt, radius_modules: f32) -> Option<Pt> {
    let (w, h) = (bits.width as isize, bits.height as isize);
    let sample = |c: Pt, i: f32, j: f32| -> Option<bool> {
        let x = (c.x + i * ux.x + j * uy.x).floor() as isize;
        let y = (c.y + i * ux.y + j * uy.y).floor() as isize;
        (x >= 0 && y >= 0 && x < w && y < h).then(|| bits.black(x as usize, y as usize))
    };
    let score = |c: Pt| -> u32 {
        let mut s = 0;
        for j in -2i32..=2 {
            for i in -2i32..=2 {
                let ring = i.abs().max(j.abs());
                let want_dark = ring != 1;
                if sample(c, i as f32, j as f32) == Some(want_dark) {
                    s += 1;
                }
            }
        }
        s
    };
    let steps = (radius_modules * 2.0) as i32;
    let mut best: Option<(u32, f32, Pt)> = None;
    for dj in -steps..=steps {
        for di in -steps..=steps {
            let (i, j) = (di as f32 / 2.0, dj as f32 / 2.0);
            let c = Pt {
                x: est.x + i * ux.x + j * uy.x,
                y: est.y + i * ux.y + j * uy.y,
            };
            let sc = score(c);
            if sc < 23 {
                continue;
            }
            let d = i * i + j * j;
            if best.is_none_or(|(bs, bd, _)| sc > bs || (sc == bs && d < bd)) {
                best = Some((sc, d, c));
            }
        }
    }
    best.map(|(_, _, c)| c)
}

/// A module grid sampled from the picture, with where its corners are.
pub struct Sampled {
    pub dim: usize,
    pub cells: Vec<bool>,
    pub corners: [Pt; 4],
}

/// The module counts to try for a triple: the estimate, then its neighbours.
pub fn dimensions(t: &Triple) -> Vec<usize> {
    let module = (t.tl.module + t.tr.module + t.bl.module) / 3.0;
    let a = dist(pt(&t.tl), pt(&t.tr)) / module;
    let b = dist(pt(&t.tl), pt(&t.bl)) / module;
    let raw = ((a + b) / 2.0).round() as i64 + 7;
    let snapped = match raw & 3 {
        0 => raw + 1,
        2 => raw - 1,
        3 => raw - 2,
        _ => raw,
    };
    let mut out = Vec::new();
    for d in [snapped, snapped + 4, snapped - 4, snapped + 8, snapped - 8] {
        if (21..=177).contains(&d) {
            out.push(d as usize);
        }
    }
    out
}

/// Where the grid's four reference points are: the three finder centres and a fourth point
/// for the bottom-right, with its position in module space.
#[derive(Debug, Clone, Copy)]
pub struct Frame4 {
    pub dim: usize,
    pub br: Pt,
    pub br_src: f32,
}

fn transform(t: &Triple, f: &Frame4) -> Transform {
    let d = f.dim as f32;
    let from = [
        Pt { x: 3.5, y: 3.5 },
        Pt { x: d - 3.5, y: 3.5 },
        Pt {
            x: f.br_src,
            y: f.br_src,
        },
        Pt { x: 3.5, y: d - 3.5 },
    ];
    Transform::quad_to_quad(from, [pt(&t.tl), pt(&t.tr), f.br, pt(&t.bl)])
}

/// The parallelogram guess for the bottom-right finder-equivalent point.
pub fn parallelogram(t: &Triple, dim: usize) -> Frame4 {
    Frame4 {
        dim,
        br: Pt {
            x: t.tr.x - t.tl.x + t.bl.x,
            y: t.tr.y - t.tl.y + t.bl.y,
        },
        br_src: dim as f32 - 3.5,
    }
}

/// How well the timing patterns (row and column 6, alternating dark and light between the
/// finders) read under this frame: 1.0 is perfect, random data scores about 0.5.
pub fn timing_score(bits: &Bits, t: &Triple, f: &Frame4) -> f32 {
    let tf = transform(t, f);
    let (w, h) = (bits.width as f32, bits.height as f32);
    let (mut good, mut total) = (0u32, 0u32);
    for k in 8..f.dim.saturating_sub(8) {
        let want = k % 2 == 0;
        for (x, y) in [(k as f32 + 0.5, 6.5), (6.5, k as f32 + 0.5)] {
            let p = tf.apply(x, y);
            total += 1;
            if p.x >= 0.0
                && p.y >= 0.0
                && p.x < w
                && p.y < h
                && bits.black(p.x as usize, p.y as usize) == want
            {
                good += 1;
            }
        }
    }
    if total == 0 {
        0.0
    } else {
        good as f32 / total as f32
    }
}

/// Refines the bottom-right point with the alignment pattern (versions 2 and up).
pub fn with_alignment(bits: &Bits, t: &Triple, f: &Frame4) -> Option<Frame4> {
    if f.dim <= 21 {
        return None;
    }
    let d = f.dim as f32;
    let tf = transform(t, f);
    // The alignment pattern's centre module, and one module along each axis from it.
    let est = tf.apply(d - 6.5, d - 6.5);
    let (left, up) = (tf.apply(d - 7.5, d - 6.5), tf.apply(d - 6.5, d - 7.5));
    let a = find_alignment(bits, est, diff(est, left), diff(est, up), 4.0)?;
    Some(Frame4 {
        dim: f.dim,
        br: a,
        br_src: d - 6.5,
    })
}

/// Bottom-right guesses around `f`, one module apart along the code's axes, nearest first.
pub fn nudges(t: &Triple, f: &Frame4, reach: i32) -> Vec<Frame4> {
    let tf = transform(t, f);
    let s = f.br_src;
    let ux = diff(tf.apply(s + 1.0, s), f.br);
    let uy = diff(tf.apply(s, s + 1.0), f.br);
    let mut out = Vec::new();
    for j in -reach..=reach {
        for i in -reach..=reach {
            if i == 0 && j == 0 {
                continue;
            }
            out.push((
                i * i + j * j,
                Frame4 {
                    br: Pt {
                        x: f.br.x + i as f32 * ux.x + j as f32 * uy.x,
                        y: f.br.y + i as f32 * ux.y + j as f32 * uy.y,
                    },
                    ..*f
                },
            ));
        }
    }
    out.sort_by_key(|(d, _)| *d);
    out.into_iter().map(|(_, f)| f).collect()
}

/// Reads a `dim` x `dim` module grid, module (x, y) at the pixel `point(x, y)`. `None` when
/// more than a row's worth of modules falls outside the picture.
fn read_modules(
    bits: &Bits,
    dim: usize,
    mut point: impl FnMut(usize, usize) -> Pt,
) -> Option<Vec<bool>> {
    let (w, h) = (bits.width as f32, bits.height as f32);
    let mut cells = Vec::with_capacity(dim * dim);
    let mut outside = 0usize;
    for y in 0..dim {
        for x in 0..dim {
            let p = point(x, y);
            if p.x >= 0.0 && p.y >= 0.0 && p.x < w && p.y < h {
                cells.push(bits.black(p.x as usize, p.y as usize));
            } else {
                outside += 1;
                cells.push(false);
            }
        }
    }
    (outside <= dim).then_some(cells)
}

/// Samples the module grid under a frame.
pub fn sample(bits: &Bits, t: &Triple, f: &Frame4) -> Option<Sampled> {
    let tf = transform(t, f);
    let (dim, d) = (f.dim, f.dim as f32);
    let cells = read_modules(bits, dim, |x, y| tf.apply(x as f32 + 0.5, y as f32 + 0.5))?;
    let corners = [
        tf.apply(0.0, 0.0),
        tf.apply(d, 0.0),
        tf.apply(d, d),
        tf.apply(0.0, d),
    ];
    Some(Sampled {
        dim,
        cells,
        corners,
    })
}

/// Centres of the alignment patterns along one axis, in modules, for a version (ISO/IEC
/// 18004 Annex E): 6, then evenly stepped up to `4 * version + 10`.
pub fn alignment_positions(version: usize) -> Vec<usize> {
    if version < 2 {
        return Vec::new();
    }
    let count = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    let mut out = vec![6];
    let last = version * 4 + 10;
    for i in (0..count - 1).rev() {
        out.push(last - i * step);
    }
    out
}

/// Samples the grid piece by piece: every alignment pattern is located near where the
/// global frame puts it, and each cell between four of them gets its own perspective. This
/// follows codes on curved surfaces (a cup, a bent receipt) that no single perspective fits.
/// Only worth it from version 7, where there are inner alignment patterns.
pub fn sample_piecewise(bits: &Bits, t: &Triple, f: &Frame4) -> Option<Sampled> {
    let version = (f.dim.checked_sub(17)?) / 4;
    let pos = alignment_positions(version);
    let k = pos.len();
    if k < 3 {
        return None;
    }
    let tf = transform(t, f);
    let at = |x: f32, y: f32| tf.apply(x, y);
    let mut grid = vec![Pt { x: 0.0, y: 0.0 }; k * k];
    for j in 0..k {
        for i in 0..k {
            let (mx, my) = (pos[i] as f32 + 0.5, pos[j] as f32 + 0.5);
            let predicted = at(mx, my);
            let is_finder = (i == 0 || j == 0) && (i + j == 0 || i + j == k - 1);
            grid[j * k + i] = if is_finder {
                predicted
            } else {
                // Predict from neighbours already refined when there are some: bends add up.
                let guess = if i > 0 && j > 0 {
                    let (a, b, c) = (
                        grid[j * k + i - 1],
                        grid[(j - 1) * k + i],
                        grid[(j - 1) * k + i - 1],
                    );
                    Pt {
                        x: a.x + b.x - c.x,
                        y: a.y + b.y - c.y,
                    }
                } else {
                    predicted
                };
                let ux = diff(at(mx + 1.0, my), predicted);
                let uy = diff(at(mx, my + 1.0), predicted);
                find_alignment(bits, guess, ux, uy, 2.5).unwrap_or(guess)
            };
        }
    }
    let cell_of = |m: usize| pos.iter().rposition(|&p| p <= m).unwrap_or(0).min(k - 2);
    let mut cells_tf: Vec<Option<Transform>> = vec![None; (k - 1) * (k - 1)];
    let cells = read_modules(bits, f.dim, |x, y| {
        let (ci, cj) = (cell_of(x), cell_of(y));
        let tf = *cells_tf[cj * (k - 1) + ci].get_or_insert_with(|| {
            let (x0, x1) = (pos[ci] as f32 + 0.5, pos[ci + 1] as f32 + 0.5);
            let (y0, y1) = (pos[cj] as f32 + 0.5, pos[cj + 1] as f32 + 0.5);
            Transform::quad_to_quad(
                [
                    Pt { x: x0, y: y0 },
                    Pt { x: x1, y: y0 },
                    Pt { x: x1, y: y1 },
                    Pt { x: x0, y: y1 },
                ],
                [
                    grid[cj * k + ci],
                    grid[cj * k + ci + 1],
                    grid[(cj + 1) * k + ci + 1],
                    grid[(cj + 1) * k + ci],
                ],
            )
        });
        tf.apply(x as f32 + 0.5, y as f32 + 0.5)
    })?;
    let d = f.dim as f32;
    let corners = [at(0.0, 0.0), at(d, 0.0), at(d, d), at(0.0, d)];
    Some(Sampled {
        dim: f.dim,
        cells,
        corners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transform_maps_the_quad() {
        let from = [
            Pt { x: 0.0, y: 0.0 },
            Pt { x: 10.0, y: 0.0 },
            Pt { x: 10.0, y: 10.0 },
            Pt { x: 0.0, y: 10.0 },
        ];
        let to = [
            Pt { x: 100.0, y: 50.0 },
            Pt { x: 210.0, y: 60.0 },
            Pt { x: 190.0, y: 170.0 },
            Pt { x: 95.0, y: 150.0 },
        ];
        let t = Transform::quad_to_quad(from, to);
        for (f, e) in from.iter().zip(&to) {
            let p = t.apply(f.x, f.y);
            assert!(
                (p.x - e.x).abs() < 0.01 && (p.y - e.y).abs() < 0.01,
                "{p:?} vs {e:?}"
            );
        }
    }

    #[test]
    fn alignment_positions_match_the_standard_table() {
        assert_eq!(alignment_positions(1), Vec::<usize>::new());
        assert_eq!(alignment_positions(2), vec![6, 18]);
        assert_eq!(alignment_positions(7), vec![6, 22, 38]);
        assert_eq!(alignment_positions(15), vec![6, 26, 48, 70]);
        assert_eq!(alignment_positions(32), vec![6, 34, 60, 86, 112, 138]);
        assert_eq!(alignment_positions(40), vec![6, 30, 58, 86, 114, 142, 170]);
    }

    #[test]
    fn finder_runs() {
        assert!(pattern_cross(&[2, 2, 6, 2, 2]));
        assert!(pattern_cross(&[3, 2, 7, 2, 2]));
        assert!(!pattern_cross(&[2, 2, 2, 2, 2]));
        assert!(!pattern_cross(&[0, 2, 6, 2, 2]));
    }
}
