//! Merchant side: a payload as a QR code image, for a counter display or a receipt.

use qrcode::{Color, EcLevel, QrCode};

use super::PaycodeError;

/// Renders `payload` as a PNG QR code: `module_px` pixels per module, the 4-module quiet
/// zone the standard asks for, error correction level M (15%: survives a smudge, keeps the
/// code small).
pub fn render_png(payload: &str, module_px: u32) -> Result<Vec<u8>, PaycodeError> {
    let (size, pixels) = render_luma(payload, module_px)?;
    let img =
        image::GrayImage::from_raw(size, size, pixels).ok_or_else(|| invalid("image size"))?;
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| invalid(e.to_string()))?;
    Ok(png)
}

/// The same code as a square luma bitmap (side, pixels): for shells that draw it themselves.
pub fn render_luma(payload: &str, module_px: u32) -> Result<(u32, Vec<u8>), PaycodeError> {
    if !(1..=64).contains(&module_px) {
        return Err(invalid("module size must be 1 to 64 pixels"));
    }
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| invalid(e.to_string()))?;
    let n = code.width() as u32;
    let colors = code.to_colors();
    let side = (n + 8) * module_px;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % n + 4, i as u32 / n + 4);
        for y in my * module_px..(my + 1) * module_px {
            let row = (y * side) as usize;
            pixels[row + (mx * module_px) as usize..row + ((mx + 1) * module_px) as usize].fill(0);
        }
    }
    Ok((side, pixels))
}

/// The code as an SVG square `(side, markup)` in module units, quiet zone included: one
/// path of dark modules, for pages and posters that scale it to any size. The markup holds
/// nothing from `payload` but the modules.
pub fn render_svg(payload: &str) -> Result<(u32, String), PaycodeError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| invalid(e.to_string()))?;
    let n = code.width() as u32;
    let side = n + 8;
    let mut path = String::with_capacity((n * n * 6) as usize);
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i as u32 % n + 4, i as u32 / n + 4);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Ok((
        side,
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
             shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"Payment code\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>"
        ),
    ))
}

/// The code as text for a terminal: two modules per character cell (upper and lower half
/// blocks), with a quiet zone.
pub fn render_terminal(payload: &str) -> Result<String, PaycodeError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| invalid(e.to_string()))?;
    let n = code.width() as isize;
    let colors = code.to_colors();
    let dark = |x: isize, y: isize| {
        x >= 0 && y >= 0 && x < n && y < n && colors[(y * n + x) as usize] == Color::Dark
    };
    let mut out = String::new();
    let mut y = -2;
    while y < n + 2 {
        for x in -2..n + 2 {
            // Light background, dark modules: the terminal's default colours may be either way,
            // so draw both halves explicitly.
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (false, false) => '█',
                (true, false) => '▄',
                (false, true) => '▀',
                (true, true) => ' ',
            });
        }
        out.push('\n');
        y += 2;
    }
    Ok(out)
}

fn invalid(reason: impl Into<String>) -> PaycodeError {
    PaycodeError::Invalid {
        format: "qr",
        reason: reason.into(),
    }
}
