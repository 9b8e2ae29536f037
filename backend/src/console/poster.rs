//! The shop's poster: the static code with the shop's verified name and city under it,
//! drawn once as SVG and rasterized from that SVG for the PNG (resvg), so both show the
//! same thing.
//!
//! The PNG's text needs fonts on the server. The system's are used (fontconfig's folders);
//! a name with a character no installed font has is refused with [`PosterError::NoFont`]
//! rather than printed with a blank where a letter should be (on Debian, `fonts-dejavu-core`
//! covers Latin, Greek and Cyrillic; `fonts-noto-cjk` adds Chinese, Japanese and Korean).
//! The SVG carries the name as text and needs no font here.

use std::sync::{Arc, OnceLock};

use purse_core::paycode::PaycodeError;
use resvg::{tiny_skia, usvg};

use crate::ledger::MerchantRow;

/// Pixels a QR module takes in the PNG: a sharp print at A5 and a clean scan from a metre.
const PNG_PX_PER_MODULE: u32 = 12;

/// Families tried, in order, for the poster's `sans-serif`.
const SANS: &[&str] = &[
    "DejaVu Sans",
    "Liberation Sans",
    "Noto Sans",
    "Arial",
    "Helvetica",
];

#[derive(Debug, thiserror::Error)]
pub enum PosterError {
    #[error("the shop's code: {0}")]
    Code(#[from] PaycodeError),
    /// No font on this server has this character of the name or city.
    #[error("no font on this server has {0:?}")]
    NoFont(char),
    #[error("the poster could not be drawn: {0}")]
    Render(String),
}

/// The poster as SVG.
pub fn svg(m: &MerchantRow) -> Result<String, PaycodeError> {
    Ok(draw(m)?.0)
}

/// The SVG, and its view box's width and height (in QR modules).
fn draw(m: &MerchantRow) -> Result<(String, u32, u32), PaycodeError> {
    let (side, code) = purse_core::paycode::render_svg(&m.static_payload)?;
    // Sized, the code keeps the top square; unsized, it would fill the taller poster,
    // centred, and its quiet zone would run into the name.
    let code = code.replacen(
        "<svg ",
        &format!("<svg width=\"{side}\" height=\"{side}\" "),
        1,
    );
    let name = xml_escape(&m.display_name);
    let city = xml_escape(&m.city);
    let height = side + side / 5;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {height}\" \
         width=\"{w}mm\" height=\"{h}mm\" role=\"img\" aria-label=\"Pay {name} with Purse\">\
         <rect width=\"{side}\" height=\"{height}\" fill=\"#fff\"/>{code}\
         <text x=\"{mid}\" y=\"{y1}\" font-family=\"sans-serif\" font-size=\"{fs1}\" \
         font-weight=\"700\" text-anchor=\"middle\">{name}</text>\
         <text x=\"{mid}\" y=\"{y2}\" font-family=\"sans-serif\" font-size=\"{fs2}\" \
         text-anchor=\"middle\">{city} · Purse</text></svg>",
        w = side * 3,
        h = height * 3,
        mid = side as f32 / 2.0,
        y1 = side + side / 12,
        y2 = side + side / 6,
        fs1 = (side as f32 / 14.0).max(2.0),
        fs2 = (side as f32 / 22.0).max(1.5),
    );
    Ok((svg, side, height))
}

/// The poster as PNG, [`PNG_PX_PER_MODULE`] pixels a module, name and city included.
pub fn png(m: &MerchantRow) -> Result<Vec<u8>, PosterError> {
    let fonts = fonts();
    let text: Vec<char> = m.display_name.chars().chain(m.city.chars()).collect();
    if let Some(c) = first_missing(fonts, &text) {
        return Err(PosterError::NoFont(c));
    }
    let (svg, side, height) = draw(m)?;
    let options = usvg::Options {
        fontdb: Arc::clone(fonts),
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_str(&svg, &options).map_err(|e| PosterError::Render(e.to_string()))?;
    let (w, h) = (side * PNG_PX_PER_MODULE, height * PNG_PX_PER_MODULE);
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| PosterError::Render(format!("{w}x{h}")))?;
    // The tree's size is the SVG's width in millimetres, as CSS pixels.
    let to_pixels = w as f32 / tree.size().width();
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(to_pixels, to_pixels),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PosterError::Render(e.to_string()))
}

/// The system's fonts, loaded once (a few milliseconds), `sans-serif` set to the first of
/// [`SANS`] installed.
fn fonts() -> &'static Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        let installed = |family: &str| {
            db.faces()
                .any(|f| f.families.iter().any(|(name, _)| name == family))
        };
        if let Some(family) = SANS.iter().find(|f| installed(f)) {
            db.set_sans_serif_family(*family);
        }
        tracing::debug!(faces = db.len(), "poster fonts loaded");
        Arc::new(db)
    })
}

/// The first character of `text` (spaces aside) that no installed face maps to a glyph.
/// Each face is parsed once, for all the characters still uncovered.
fn first_missing(db: &usvg::fontdb::Database, text: &[char]) -> Option<char> {
    use skrifa::MetadataProvider;
    let mut left: Vec<char> = text
        .iter()
        .copied()
        .filter(|c| !c.is_whitespace())
        .collect();
    for face in db.faces() {
        if left.is_empty() {
            break;
        }
        db.with_face_data(face.id, |data, index| {
            if let Ok(font) = skrifa::FontRef::from_index(data, index) {
                let charmap = font.charmap();
                left.retain(|&c| charmap.map(c).is_none());
            }
        });
    }
    left.first().copied()
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_the_poster_are_escaped() {
        assert_eq!(
            xml_escape("<Tea & \"Co\">"),
            "&lt;Tea &amp; &quot;Co&quot;&gt;"
        );
    }

    /// The in-memory ledger's shop, under another name.
    fn shop(name: &str) -> MerchantRow {
        use crate::ledger::Reads;
        let mut m = crate::ledger::memory::shop()
            .merchant("mch_1")
            .unwrap()
            .unwrap();
        m.display_name = name.into();
        m.static_payload = "000201010211".into();
        m
    }

    #[test]
    fn a_name_no_font_can_print_is_refused_not_printed_with_a_gap() {
        // A private-use code point: no font maps it.
        assert_eq!(
            first_missing(fonts(), &['T', '\u{10FFFD}']),
            Some('\u{10FFFD}')
        );
        assert!(matches!(
            png(&shop("Tea \u{10FFFD}")),
            Err(PosterError::NoFont('\u{10FFFD}'))
        ));
        assert!(
            svg(&shop("Tea \u{10FFFD}")).is_ok(),
            "the SVG needs no font here"
        );
    }
}
