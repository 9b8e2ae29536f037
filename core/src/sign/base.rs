//! RFC 9421 signature bases: the exact bytes that get signed.
//!
//! Covers derived components (`@method`, `@target-uri`, `@authority`, `@scheme`,
//! `@request-target`, `@path`, `@query`, `@status`) and HTTP fields by lowercase name, with
//! no component parameters (`;sf`, `;key`, `;bs`, `;req`): Purse does not need them, and
//! refusing them keeps the verifier small.

use std::fmt::Write;

use super::SignError;

/// A signature parameter value: RFC 9421 uses integers (`created`, `expires`) and strings
/// (`keyid`, `nonce`, `alg`, `tag`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    Int(i64),
    Str(String),
}

/// The covered components and parameters of one signature, in order. Order matters: it is
/// part of what is signed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignatureParams {
    pub components: Vec<String>,
    pub params: Vec<(String, ParamValue)>,
}

impl SignatureParams {
    pub fn int(&self, name: &str) -> Option<i64> {
        self.params.iter().find_map(|(k, v)| match v {
            ParamValue::Int(i) if k == name => Some(*i),
            _ => None,
        })
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.params.iter().find_map(|(k, v)| match v {
            ParamValue::Str(s) if k == name => Some(s.as_str()),
            _ => None,
        })
    }

    pub fn covers(&self, component: &str) -> bool {
        self.components.iter().any(|c| c == component)
    }

    /// The serialized inner list, e.g. `("@method" "@path");created=1618884473;keyid="k"`:
    /// both the `Signature-Input` member value and the `@signature-params` line.
    pub fn serialize(&self) -> String {
        let mut out = String::from("(");
        for (i, c) in self.components.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            push_sf_string(&mut out, c);
        }
        out.push(')');
        for (k, v) in &self.params {
            out.push(';');
            out.push_str(k);
            out.push('=');
            match v {
                ParamValue::Int(i) => {
                    let _ = write!(out, "{i}");
                }
                ParamValue::Str(s) => push_sf_string(&mut out, s),
            }
        }
        out
    }
}

fn push_sf_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
}

/// The parts of an HTTP message a signature base is built from.
#[derive(Debug, Clone)]
pub struct MessageView<'a> {
    pub method: &'a str,
    /// The full target URI: `https://example.com/foo?param=Value`.
    pub target_uri: &'a str,
    /// Set for responses (`@status`).
    pub status: Option<u16>,
    /// Header fields; names are compared case-insensitively.
    pub headers: &'a [(String, String)],
}

impl MessageView<'_> {
    fn field(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values.join(", "))
        }
    }

    fn derived(&self, name: &str) -> Result<String, SignError> {
        let uri =
            || url::Url::parse(self.target_uri).map_err(|_| SignError::Malformed("bad target URI"));
        Ok(match name {
            "@method" => self.method.to_ascii_uppercase(),
            "@target-uri" => self.target_uri.to_owned(),
            "@authority" => {
                let u = uri()?;
                let host = u
                    .host_str()
                    .ok_or(SignError::Malformed("URI has no host"))?;
                match u.port() {
                    Some(p) => format!("{}:{p}", host.to_ascii_lowercase()),
                    None => host.to_ascii_lowercase(),
                }
            }
            "@scheme" => uri()?.scheme().to_owned(),
            "@path" => {
                let u = uri()?;
                if u.path().is_empty() {
                    "/".into()
                } else {
                    u.path().to_owned()
                }
            }
            "@query" => format!("?{}", uri()?.query().unwrap_or("")),
            "@request-target" => {
                let u = uri()?;
                match u.query() {
                    Some(q) => format!("{}?{q}", u.path()),
                    None => u.path().to_owned(),
                }
            }
            "@status" => self
                .status
                .ok_or(SignError::MissingComponent("@status".into()))?
                .to_string(),
            other => return Err(SignError::UnsupportedComponent(other.to_owned())),
        })
    }
}

/// Builds the signature base of RFC 9421 section 2.5.
pub fn signature_base(
    msg: &MessageView<'_>,
    params: &SignatureParams,
) -> Result<String, SignError> {
    let mut base = String::new();
    for (i, name) in params.components.iter().enumerate() {
        if params.components[..i].contains(name) {
            return Err(SignError::Malformed("a component is covered twice"));
        }
        if name.bytes().any(|b| b.is_ascii_uppercase()) || name == "@signature-params" {
            return Err(SignError::UnsupportedComponent(name.clone()));
        }
        let value = if name.starts_with('@') {
            msg.derived(name)?
        } else {
            msg.field(name)
                .ok_or_else(|| SignError::MissingComponent(name.clone()))?
        };
        if value.contains(['\n', '\r']) {
            return Err(SignError::Malformed("a component value spans lines"));
        }
        push_sf_string(&mut base, name);
        base.push_str(": ");
        base.push_str(&value);
        base.push('\n');
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(&params.serialize());
    Ok(base)
}
