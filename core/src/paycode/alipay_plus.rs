//! Alipay+ merchant-presented codes in their URL form: `https://<host>/MPM/<version>/<payload>`,
//! the payload Base64 of a general payload `GPLD` + 3-digit length + data objects, each a
//! 4-letter id + 3-digit length + value (`PLVS` the platform-level version, `CDSD` the
//! acquirer's data, `CIRD` the code issuer's), whose values may nest EMVCo-style
//! 2-digit id + 2-digit length fields. Purse does not pay into Alipay+; it names the network
//! and shows what the code says instead of calling it "not a payment code".

use base64::Engine;

use super::PaycodeError;

const FORMAT: &str = "alipay+";

/// A data object of the general payload, and its nested fields when its value is made of
/// them (empty otherwise).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DataObject {
    pub id: String,
    pub value: String,
    pub fields: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlipayPlusCode {
    pub host: String,
    /// The code format's version in the path (3 today).
    pub format_version: String,
    pub objects: Vec<DataObject>,
}

impl AlipayPlusCode {
    /// Every value with a dotted name (`PLVS`, `CDSD.01`, ...), in the code's order.
    pub fn flat_fields(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for o in &self.objects {
            if o.fields.is_empty() {
                out.push((o.id.clone(), o.value.clone()));
            }
            for (k, v) in &o.fields {
                out.push((format!("{}.{k}", o.id), v.clone()));
            }
        }
        out
    }
}

/// `None` when the text is not in the URL form at all; an error when it is and its payload
/// is broken.
pub fn parse(text: &str) -> Option<Result<AlipayPlusCode, PaycodeError>> {
    let rest = strip_prefix_ignore_case(text, "https://")?;
    let (host, path) = rest.split_once('/')?;
    let mut parts = path.splitn(3, '/');
    if !parts.next()?.eq_ignore_ascii_case("MPM") {
        return None;
    }
    let version = parts.next()?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let payload = parts.next()?;
    if host.is_empty() || payload.is_empty() {
        return None;
    }
    Some(read_payload(payload).map(|objects| AlipayPlusCode {
        host: host.to_owned(),
        format_version: version.to_owned(),
        objects,
    }))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn invalid(reason: impl Into<String>) -> PaycodeError {
    PaycodeError::Invalid {
        format: FORMAT,
        reason: reason.into(),
    }
}

fn read_payload(encoded: &str) -> Result<Vec<DataObject>, PaycodeError> {
    // URL-encoded in a request, plain in the code: both spell padding as `=` or `%3D`.
    let encoded = encoded.replace("%3D", "=").replace("%3d", "=");
    let encoded = encoded.trim_end_matches('/');
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(encoded))
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded))
        .map_err(|_| invalid("the payload is not Base64"))?;
    let body = String::from_utf8(bytes).map_err(|_| invalid("the payload is not text"))?;
    let top = read_objects(&body, 4, 3)?;
    let [(id, general)] = top.as_slice() else {
        return Err(invalid("the payload is not one general payload (GPLD)"));
    };
    if id != "GPLD" {
        return Err(invalid(format!("the payload starts with {id}, not GPLD")));
    }
    read_objects(general, 4, 3)?
        .into_iter()
        .map(|(id, value)| {
            if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(invalid("a data object id is not 4 letters or digits"));
            }
            // Nested fields when the whole value reads as them; a plain value otherwise.
            let fields = read_objects(&value, 2, 2)
                .ok()
                .filter(|f| {
                    !f.is_empty()
                        && f.iter().all(|(k, _)| k.bytes().all(|b| b.is_ascii_digit()))
                        && value.len() > 4
                })
                .unwrap_or_default();
            Ok(DataObject { id, value, fields })
        })
        .collect()
}

/// Id of `id_len` characters, length of `len_digits` digits, value of that many characters,
/// repeated to the end of `text` exactly.
fn read_objects(
    text: &str,
    id_len: usize,
    len_digits: usize,
) -> Result<Vec<(String, String)>, PaycodeError> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let id = rest
            .get(..id_len)
            .ok_or_else(|| invalid("a data object is cut short"))?;
        let len_text = rest
            .get(id_len..id_len + len_digits)
            .filter(|l| l.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| invalid(format!("{id} has no length")))?;
        let len: usize = len_text
            .parse()
            .map_err(|_| invalid(format!("{id} has no length")))?;
        let start = id_len + len_digits;
        let value = rest
            .get(start..start + len)
            .ok_or_else(|| invalid(format!("{id} says {len} characters; fewer follow")))?;
        out.push((id.to_owned(), value.to_owned()));
        rest = &rest[start + len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Alipay+'s own sample (Code Scanning Payment Standards, merchant-presented mode).
    const SAMPLE: &str = "HTTPS://QR.SAMPLEDOMAIN.COM/MPM/3/R1BMRDA5NVBMVlMwMDIwMUNEU0QwMzMwMTE0U0FNUExFUExBVEZPUk0wMjExU0FNUExFTUVSSURDSVJEMDM5MDExMlNBTVBMRUlTU1VFUjAyMDIxMjAzMTNNSU5JUFJPR1JBTUlE";

    #[test]
    fn the_published_sample_reads_into_its_fields() {
        let code = parse(SAMPLE).unwrap().unwrap();
        assert_eq!(code.host, "QR.SAMPLEDOMAIN.COM");
        assert_eq!(code.format_version, "3");
        let flat = code.flat_fields();
        let want: Vec<(String, String)> = [
            ("PLVS", "01"),
            ("CDSD.01", "SAMPLEPLATFORM"),
            ("CDSD.02", "SAMPLEMERID"),
            ("CIRD.01", "SAMPLEISSUER"),
            ("CIRD.02", "12"),
            ("CIRD.03", "MINIPROGRAMID"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(flat, want);
    }

    #[test]
    fn other_links_are_not_this_form() {
        for text in [
            "https://example.com/menu",
            "https://example.com/MPM/",
            "https://example.com/MPM/x/abc",
            "http://qr.example.com/MPM/3/R1BMRDAwMA==",
            "https:///MPM/3/R1BMRDAwMA==",
        ] {
            assert!(parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_broken_payload_is_an_invalid_alipay_plus_code() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        for body in [
            "not base64 at all!".to_owned(),
            b64("GPLD010PLVS00201"), // says 10, 9 follow... and then nothing
            b64("XXXX009PLVS00201"), // not GPLD
            b64("GPLD009PLVS0020"),  // a value cut short
            b64("GPLD009PLVS0x201"), // a length that is no number
        ] {
            let text = format!("https://qr.example.com/MPM/3/{body}");
            match parse(&text) {
                Some(Err(PaycodeError::Invalid { format, .. })) => assert_eq!(format, FORMAT),
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}
