//! From pixels to QR payloads: encoded images (PNG, JPEG, WebP) or raw luma frames straight
//! from CameraX / AVFoundation, with no re-encoding.
//!
//! zxing-cpp's detector and decoder (rxing's port) look first, over an image pyramid
//! (`zxing_pass.rs`); where they saw finder patterns they could not read, our passes look
//! around them (`pipeline.rs`): adaptive (block) binarization for uneven light, a
//! half-resolution pass for large frames, a double-resolution pass for far-away codes, an
//! inverted pass for light-on-dark codes, the quirc-style row threshold as another opinion,
//! their grids decoded by rqrr. Several codes per frame; the time budget is a ceiling, after
//! which the scanner reports what it has. Hostile input is an error, never a panic, a hang
//! or an unbounded allocation.

mod binarize;
mod detect;
mod pipeline;
mod zxing_pass;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use serde::Serialize;

pub use binarize::{Bits, FlatRule, Gray};
pub use pipeline::scan_gray;
#[cfg(test)]
use pipeline::*;

/// Largest frame side accepted, and largest pixel count.
pub const MAX_SIDE: usize = 8192;
pub const MAX_PIXELS: usize = 40_000_000;
/// Largest encoded image accepted (bytes).
pub const MAX_ENCODED: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("empty frame ({width}x{height})")]
    Empty { width: usize, height: usize },
    #[error("frame {width}x{height} is larger than {MAX_SIDE}x{MAX_SIDE} or {MAX_PIXELS} pixels")]
    TooLarge { width: usize, height: usize },
    #[error("row stride {stride} is smaller than the width {width}")]
    BadStride { width: usize, stride: usize },
    #[error("buffer holds {got} bytes; {width}x{height} with stride {stride} needs {needed}")]
    ShortBuffer {
        width: usize,
        height: usize,
        stride: usize,
        got: usize,
        needed: usize,
    },
    #[error("unreadable image: {0}")]
    Image(String),
    #[error("rotation of {0} degrees: a camera frame turns by 0, 90, 180 or 270")]
    BadRotation(u32),
}

/// A corner of a found code, in frame pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Corner {
    pub x: i32,
    pub y: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundCode {
    pub payload: String,
    /// Top-left, top-right, bottom-right, bottom-left, as the code is oriented.
    pub corners: [Corner; 4],
    /// QR version (1-40).
    pub version: u8,
}

#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// The most a scan takes: a pass starts only when it is expected to end within it; what
    /// was found is returned.
    pub budget: Duration,
    /// Stop after the first pass that finds a code (a camera scanner wants one code, now).
    pub first_only: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            budget: Duration::from_millis(60),
            first_only: false,
        }
    }
}

/// How far a camera frame must turn, clockwise, to be upright on screen: CameraX's
/// `ImageInfo.rotationDegrees`, or what AVFoundation's orientation implies. The sensor's
/// frame is scanned as it is (the detector reads codes at any angle); only the corners
/// handed back are turned, so that the shell can draw them over its upright preview.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Rotation {
    #[default]
    Upright,
    Clockwise90,
    Clockwise180,
    Clockwise270,
}

impl Rotation {
    pub fn from_degrees(degrees: u32) -> Result<Self, ScanError> {
        match degrees {
            0 => Ok(Rotation::Upright),
            90 => Ok(Rotation::Clockwise90),
            180 => Ok(Rotation::Clockwise180),
            270 => Ok(Rotation::Clockwise270),
            other => Err(ScanError::BadRotation(other)),
        }
    }

    /// Where the frame pixel `c` of a `width`x`height` frame lands once the frame is turned.
    fn turn(self, c: Corner, width: usize, height: usize) -> Corner {
        let (w, h) = (width as i32, height as i32);
        match self {
            Rotation::Upright => c,
            Rotation::Clockwise90 => Corner {
                x: h - 1 - c.y,
                y: c.x,
            },
            Rotation::Clockwise180 => Corner {
                x: w - 1 - c.x,
                y: h - 1 - c.y,
            },
            Rotation::Clockwise270 => Corner {
                x: c.y,
                y: w - 1 - c.x,
            },
        }
    }
}

/// A view of a luma (Y-plane) frame as the camera hands it over: `row_stride` bytes per row,
/// of which the first `width` are pixels, and how the frame turns to be upright.
#[derive(Debug, Clone, Copy)]
pub struct LumaFrame<'a> {
    pub data: &'a [u8],
    pub width: usize,
    pub height: usize,
    pub row_stride: usize,
    pub rotation: Rotation,
}

impl LumaFrame<'_> {
    fn check(&self) -> Result<(), ScanError> {
        let (width, height, stride) = (self.width, self.height, self.row_stride);
        if width == 0 || height == 0 {
            return Err(ScanError::Empty { width, height });
        }
        if width > MAX_SIDE || height > MAX_SIDE || width.saturating_mul(height) > MAX_PIXELS {
            return Err(ScanError::TooLarge { width, height });
        }
        if stride < width {
            return Err(ScanError::BadStride { width, stride });
        }
        let needed = stride
            .checked_mul(height - 1)
            .and_then(|n| n.checked_add(width))
            .ok_or(ScanError::TooLarge { width, height })?;
        if self.data.len() < needed {
            return Err(ScanError::ShortBuffer {
                width,
                height,
                stride,
                got: self.data.len(),
                needed,
            });
        }
        Ok(())
    }

    fn to_gray(self) -> Gray {
        let mut data = Vec::with_capacity(self.width * self.height);
        for y in 0..self.height {
            data.extend_from_slice(
                &self.data[y * self.row_stride..y * self.row_stride + self.width],
            );
        }
        Gray {
            width: self.width,
            height: self.height,
            data,
        }
    }
}

/// Decodes an encoded image (PNG, JPEG, WebP...) into luma, refusing decompression bombs.
pub fn decode_image(bytes: &[u8]) -> Result<Gray, ScanError> {
    if bytes.is_empty() {
        return Err(ScanError::Image("no bytes".into()));
    }
    if bytes.len() > MAX_ENCODED {
        return Err(ScanError::Image(format!(
            "{} bytes is too large",
            bytes.len()
        )));
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Image(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE as u32);
    limits.max_image_height = Some(MAX_SIDE as u32);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits.clone());
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| ScanError::Image(e.to_string()))?;
    if (w as usize).saturating_mul(h as usize) > MAX_PIXELS {
        return Err(ScanError::TooLarge {
            width: w as usize,
            height: h as usize,
        });
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Image(e.to_string()))?;
    reader.limits(limits);
    let img = catch_unwind(AssertUnwindSafe(|| reader.decode()))
        .map_err(|_| ScanError::Image("the image decoder failed".into()))?
        .map_err(|e| ScanError::Image(e.to_string()))?;
    let luma = img.into_luma8();
    let (width, height) = (luma.width() as usize, luma.height() as usize);
    if width == 0 || height == 0 {
        return Err(ScanError::Empty { width, height });
    }
    Ok(Gray {
        width,
        height,
        data: luma.into_raw(),
    })
}

/// Finds the QR codes in an encoded image.
pub fn scan_image(bytes: &[u8], opts: ScanOptions) -> Result<Vec<FoundCode>, ScanError> {
    let gray = decode_image(bytes)?;
    Ok(scan_gray(&gray, opts))
}

/// Finds the QR codes in a camera frame. Cheap enough for an analyzer thread; returns within
/// about `opts.budget`. Corners are in the upright frame (see [`Rotation`]).
pub fn scan_frame(frame: LumaFrame<'_>, opts: ScanOptions) -> Result<Vec<FoundCode>, ScanError> {
    frame.check()?;
    let (width, height, rotation) = (frame.width, frame.height, frame.rotation);
    let mut found = scan_gray(&frame.to_gray(), opts);
    for code in &mut found {
        for c in &mut code.corners {
            *c = rotation.turn(*c, width, height);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests;
