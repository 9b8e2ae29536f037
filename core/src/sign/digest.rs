//! RFC 9530 `Content-Digest`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::digest::{SHA256, SHA512, digest};
use sfv::{Dictionary, ListEntry, Parser};

use super::SignError;

/// `sha-256=:<base64>:` over the exact body bytes (an empty body has a digest too).
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", B64.encode(digest(&SHA256, body)))
}

/// Checks a `Content-Digest` field against the body. At least one of sha-256 / sha-512 must
/// be present and every supported one present must match; unknown algorithms are ignored
/// (RFC 9530 section 2), insecure ones (md5, sha) do not count.
pub fn verify_content_digest(field: &str, body: &[u8]) -> Result<(), SignError> {
    let dict: Dictionary = Parser::new(field)
        .parse()
        .map_err(|_| SignError::Malformed("Content-Digest is not a structured dictionary"))?;
    let mut checked = false;
    for (alg, entry) in &dict {
        let expected = match alg.as_str() {
            "sha-256" => digest(&SHA256, body),
            "sha-512" => digest(&SHA512, body),
            _ => continue,
        };
        let ListEntry::Item(item) = entry else {
            return Err(SignError::Malformed(
                "Content-Digest value is not a byte sequence",
            ));
        };
        let got = item
            .bare_item
            .as_byte_sequence()
            .ok_or(SignError::Malformed(
                "Content-Digest value is not a byte sequence",
            ))?;
        if got != expected.as_ref() {
            return Err(SignError::DigestMismatch);
        }
        checked = true;
    }
    if checked {
        Ok(())
    } else {
        Err(SignError::Malformed(
            "Content-Digest has no sha-256 or sha-512",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 9530 Appendix B (and RFC 9421's test-request): {"hello": "world"}.
    const HELLO: &[u8] = b"{\"hello\": \"world\"}";

    #[test]
    fn rfc9530_examples() {
        assert_eq!(
            content_digest(HELLO),
            "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
        );
        verify_content_digest(
            "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
            HELLO,
        )
        .unwrap();
        verify_content_digest(&content_digest(HELLO), HELLO).unwrap();
    }

    #[test]
    fn mismatch_and_garbage() {
        assert_eq!(
            verify_content_digest(&content_digest(b"a"), b"b"),
            Err(SignError::DigestMismatch)
        );
        assert!(verify_content_digest("md5=:AAAA:", b"").is_err());
        assert!(verify_content_digest("sha-256=\"text\"", b"").is_err());
        assert!(verify_content_digest("%%%", b"").is_err());
        assert!(verify_content_digest("", b"").is_err());
    }
}
