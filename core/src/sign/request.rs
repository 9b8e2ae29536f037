//! Signing requests as a Purse client, and parsing/verifying them as the backend.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sfv::{BareItem, Dictionary, ListEntry, Parser};

use super::SignError;
use super::base::{MessageView, ParamValue, SignatureParams, signature_base};
use super::digest::content_digest;
use crate::keys::{PublicKey, SigningKey};

/// The dictionary label of Purse's request signature.
pub const LABEL: &str = "purse";
/// The only algorithm Purse signs with.
pub const ALG: &str = "ecdsa-p256-sha256";

/// The header fields a signed request adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub content_digest: String,
    pub signature_input: String,
    pub signature: String,
}

/// The components a Purse request signature must cover.
pub fn required_components(has_idempotency_key: bool) -> Vec<&'static str> {
    let mut c = vec!["@method", "@target-uri", "content-digest"];
    if has_idempotency_key {
        c.push("idempotency-key");
    }
    c
}

/// Signs a request with the device key. `created` is Unix seconds, the signature expires
/// `ttl_secs` later, and `nonce` must never repeat for this key (the backend refuses a
/// replay).
#[allow(clippy::too_many_arguments)]
pub fn sign_request(
    key: &SigningKey,
    keyid: &str,
    method: &str,
    target_uri: &str,
    idempotency_key: Option<&str>,
    body: &[u8],
    created: i64,
    ttl_secs: i64,
    nonce: &str,
) -> Result<SignedHeaders, SignError> {
    let digest = content_digest(body);
    let mut headers = vec![("content-digest".to_owned(), digest.clone())];
    if let Some(k) = idempotency_key {
        headers.push(("idempotency-key".to_owned(), k.to_owned()));
    }
    let params = SignatureParams {
        components: required_components(idempotency_key.is_some())
            .into_iter()
            .map(str::to_owned)
            .collect(),
        params: vec![
            ("created".into(), ParamValue::Int(created)),
            ("expires".into(), ParamValue::Int(created + ttl_secs)),
            ("nonce".into(), ParamValue::Str(nonce.to_owned())),
            ("keyid".into(), ParamValue::Str(keyid.to_owned())),
            ("alg".into(), ParamValue::Str(ALG.to_owned())),
        ],
    };
    let view = MessageView {
        method,
        target_uri,
        status: None,
        headers: &headers,
    };
    let base = signature_base(&view, &params)?;
    let sig = key
        .sign(base.as_bytes())
        .map_err(|e| SignError::Key(e.to_string()))?;
    Ok(SignedHeaders {
        content_digest: digest,
        signature_input: format!("{LABEL}={}", params.serialize()),
        signature: format!("{LABEL}=:{}:", B64.encode(sig)),
    })
}

/// One signature taken out of a message's `Signature-Input` and `Signature` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSignature {
    pub label: String,
    pub params: SignatureParams,
    pub signature: Vec<u8>,
}

/// Finds the signature labelled `label` in the given header fields (names compared
/// case-insensitively; repeated fields are combined as HTTP says).
pub fn parse_signature(
    headers: &[(String, String)],
    label: &str,
) -> Result<ParsedSignature, SignError> {
    let combined = |name: &str| {
        let v: Vec<&str> = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!v.is_empty()).then(|| v.join(", "))
    };
    let (Some(input), Some(sig)) = (combined("signature-input"), combined("signature")) else {
        return Err(SignError::Missing);
    };
    let input: Dictionary = Parser::new(&input)
        .parse()
        .map_err(|_| SignError::Malformed("Signature-Input is not a structured dictionary"))?;
    let sig: Dictionary = Parser::new(&sig)
        .parse()
        .map_err(|_| SignError::Malformed("Signature is not a structured dictionary"))?;
    let Some(ListEntry::InnerList(list)) = input.get(label) else {
        return Err(SignError::Malformed(
            "no signature input with the expected label",
        ));
    };
    let Some(ListEntry::Item(sig_item)) = sig.get(label) else {
        return Err(SignError::Malformed("no signature with the expected label"));
    };
    let signature = sig_item
        .bare_item
        .as_byte_sequence()
        .ok_or(SignError::Malformed("signature is not a byte sequence"))?
        .to_vec();
    let mut components = Vec::with_capacity(list.items.len());
    for item in &list.items {
        if !item.params.is_empty() {
            return Err(SignError::UnsupportedComponent(
                "component parameters".into(),
            ));
        }
        let name = item
            .bare_item
            .as_string()
            .ok_or(SignError::Malformed("component identifier is not a string"))?;
        components.push(name.as_str().to_owned());
    }
    let mut params = Vec::with_capacity(list.params.len());
    for (k, v) in &list.params {
        let value = match v {
            BareItem::Integer(i) => ParamValue::Int(i64::from(*i)),
            BareItem::String(s) => ParamValue::Str(s.as_str().to_owned()),
            _ => {
                return Err(SignError::Malformed(
                    "signature parameter of an unexpected type",
                ));
            }
        };
        params.push((k.as_str().to_owned(), value));
    }
    Ok(ParsedSignature {
        label: label.to_owned(),
        params: SignatureParams { components, params },
        signature,
    })
}

impl ParsedSignature {
    /// Fails unless every component in `required` is covered.
    pub fn check_coverage(&self, required: &[&str]) -> Result<(), SignError> {
        match required.iter().find(|c| !self.params.covers(c)) {
            Some(c) => Err(SignError::MissingComponent((*c).to_owned())),
            None => Ok(()),
        }
    }

    /// Rebuilds the signature base from `msg` and checks the ECDSA P-256 signature.
    pub fn verify(&self, msg: &MessageView<'_>, key: &PublicKey) -> Result<(), SignError> {
        if let Some(alg) = self.params.str("alg")
            && alg != ALG
        {
            return Err(SignError::UnsupportedAlgorithm(
                alg.chars().take(32).collect(),
            ));
        }
        let base = signature_base(msg, &self.params)?;
        if key.verify(base.as_bytes(), &self.signature) {
            Ok(())
        } else {
            Err(SignError::BadSignature)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(idem: Option<&str>, body: &[u8]) -> (SigningKey, Vec<(String, String)>) {
        let key = SigningKey::generate().unwrap();
        let h = sign_request(
            &key,
            "dev_1",
            "POST",
            "http://127.0.0.1:8080/v1/topups",
            idem,
            body,
            1_700_000_000,
            300,
            "n-1",
        )
        .unwrap();
        let mut headers = vec![
            ("Content-Digest".to_owned(), h.content_digest),
            ("Signature-Input".to_owned(), h.signature_input),
            ("Signature".to_owned(), h.signature),
        ];
        if let Some(k) = idem {
            headers.push(("Idempotency-Key".to_owned(), k.to_owned()));
        }
        (key, headers)
    }

    #[test]
    fn round_trip() {
        let (key, headers) = signed(Some("idem-1"), b"{}");
        let parsed = parse_signature(&headers, LABEL).unwrap();
        parsed.check_coverage(&required_components(true)).unwrap();
        assert_eq!(parsed.params.str("keyid"), Some("dev_1"));
        assert_eq!(parsed.params.int("expires"), Some(1_700_000_300));
        let view = MessageView {
            method: "POST",
            target_uri: "http://127.0.0.1:8080/v1/topups",
            status: None,
            headers: &headers,
        };
        parsed.verify(&view, &key.public_key()).unwrap();
    }

    #[test]
    fn tampering_breaks_it() {
        let (key, mut headers) = signed(Some("idem-1"), b"{}");
        let parsed = parse_signature(&headers, LABEL).unwrap();
        let check = |method: &str, uri: &str, headers: &[(String, String)]| {
            parsed.verify(
                &MessageView {
                    method,
                    target_uri: uri,
                    status: None,
                    headers,
                },
                &key.public_key(),
            )
        };
        let uri = "http://127.0.0.1:8080/v1/topups";
        assert_eq!(check("PUT", uri, &headers), Err(SignError::BadSignature));
        assert_eq!(
            check("POST", "http://127.0.0.1:8080/v1/topups?x=1", &headers),
            Err(SignError::BadSignature)
        );
        headers[3].1 = "idem-2".into();
        assert_eq!(check("POST", uri, &headers), Err(SignError::BadSignature));
        headers.pop();
        assert_eq!(
            check("POST", uri, &headers),
            Err(SignError::MissingComponent("idempotency-key".into()))
        );
    }

    #[test]
    fn coverage_is_enforced() {
        let (_, headers) = signed(None, b"");
        let parsed = parse_signature(&headers, LABEL).unwrap();
        assert_eq!(
            parsed.check_coverage(&required_components(true)),
            Err(SignError::MissingComponent("idempotency-key".into()))
        );
    }

    #[test]
    fn garbage_headers_are_errors() {
        let h = |i: &str, s: &str| {
            vec![
                ("signature-input".to_owned(), i.to_owned()),
                ("signature".to_owned(), s.to_owned()),
            ]
        };
        assert_eq!(parse_signature(&[], LABEL), Err(SignError::Missing));
        for (i, s) in [
            ("purse=(", "purse=:AA==:"),
            ("purse=(\"@method\")", "purse=\"notbytes\""),
            ("other=(\"@method\")", "other=:AA==:"),
            ("purse=(\"@method\";sf)", "purse=:AA==:"),
            ("purse=(@method)", "purse=:AA==:"),
            ("purse=(\"@method\");created=?1", "purse=:AA==:"),
        ] {
            assert!(parse_signature(&h(i, s), LABEL).is_err(), "{i} / {s}");
        }
    }
}
