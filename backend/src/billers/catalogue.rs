//! Catalogue files: billers as data, in the manner of BBPS biller definitions, each with its
//! sandbox behaviour, and the sandbox exchange rates. The backend ships one
//! (`backend/billers/sandbox.json`, listed in the README) and loads any more given with
//! `--billers FILE`; every biller is checked before it is stored.

use std::collections::HashMap;

use purse_core::api::types::{
    AmountRule, Biller, BillerCategory, FetchMode, ParamKind, ProductPrice,
};
use purse_core::money::Money;
use serde::Deserialize;

use super::fx::{FxFile, FxTable};
use super::sandbox::SandboxData;

const SHIPPED: &str = include_str!("../../billers/sandbox.json");

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("catalogue is not valid JSON of billers: {0}")]
    Format(#[from] serde_json::Error),
    #[error("biller {biller}: {reason}")]
    Biller { biller: String, reason: String },
}

#[derive(Deserialize)]
struct CatalogueFile {
    #[serde(default)]
    fx: Option<FxFile>,
    billers: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(flatten)]
    biller: Biller,
    #[serde(default)]
    sandbox: SandboxData,
}

/// Billers, their sandbox behaviour, and exchange rates, as loaded.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub billers: Vec<Biller>,
    pub sandbox: HashMap<String, SandboxData>,
    pub fx: FxTable,
}

impl Catalogue {
    /// The catalogue shipped with the backend (checked by a test, so it always loads).
    pub fn shipped() -> Catalogue {
        Catalogue::parse(SHIPPED).unwrap_or_default()
    }

    pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = serde_json::from_str(text)?;
        let mut out = Catalogue {
            fx: file.fx.map(FxTable::from).unwrap_or_default(),
            ..Catalogue::default()
        };
        for Entry { biller, sandbox } in file.billers {
            check(&biller).map_err(|reason| CatalogueError::Biller {
                biller: biller.biller_id.clone(),
                reason,
            })?;
            out.sandbox.insert(biller.biller_id.clone(), sandbox);
            out.billers.push(biller);
        }
        Ok(out)
    }

    /// Adds `other`'s billers (replacing those of the same id), sandbox data and rates.
    pub fn merge(&mut self, other: Catalogue) {
        for b in other.billers {
            self.billers.retain(|o| o.biller_id != b.biller_id);
            self.billers.push(b);
        }
        self.sandbox.extend(other.sandbox);
        self.fx.merge(other.fx);
    }
}

fn in_currency(biller: &Biller, m: Money, what: &str) -> Result<(), String> {
    if m.currency != biller.currency {
        return Err(format!("{what} is not in {}", biller.currency));
    }
    if !m.is_positive() {
        return Err(format!("{what} must be positive"));
    }
    Ok(())
}

/// Whether a biller definition can be paid as it stands.
fn check(b: &Biller) -> Result<(), String> {
    let id_ok = (1..=64).contains(&b.biller_id.len())
        && b.biller_id
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
    if !id_ok {
        return Err("the id must be 1 to 64 of a-z, 0-9 and _".into());
    }
    purse_core::text::check_shown_text(&b.name, 80).map_err(|e| format!("name: {e}"))?;
    purse_core::text::check_shown_text(&b.reference.label, 40)
        .map_err(|e| format!("label: {e}"))?;
    if b.country.len() != 2 || !b.country.bytes().all(|c| c.is_ascii_uppercase()) {
        return Err("the country is ISO 3166-1 alpha-2".into());
    }
    let r = &b.reference;
    if r.min_length == 0 || r.min_length > r.max_length {
        return Err("reference lengths must be 1 <= min <= max".into());
    }
    if r.max_length as usize > purse_core::sign::MAX_REFERENCE {
        return Err("references are at most 64 characters".into());
    }
    if let Some(p) = &r.pattern {
        purse_core::bills::check_pattern(p).map_err(|e| e.to_string())?;
    }
    in_currency(b, b.min_amount, "min_amount")?;
    in_currency(b, b.max_amount, "max_amount")?;
    if b.min_amount.minor > b.max_amount.minor {
        return Err("min_amount is above max_amount".into());
    }
    if b.fetch_mode == FetchMode::NotSupported && b.amount_rule != AmountRule::Range {
        return Err("a biller that cannot fetch bills must take a range of amounts".into());
    }
    for a in &b.creditor_accounts {
        let iban: String = a.chars().filter(|c| !c.is_whitespace()).collect();
        if iban.len() < 5 || crate::funding::iban_mod97(&iban) != 1 {
            return Err(format!("creditor account {a} is not a valid IBAN"));
        }
    }
    let prepaid = b.category == BillerCategory::PrepaidMobile;
    if prepaid != (r.kind == ParamKind::E164) {
        return Err("phone operators, and only they, take an E.164 number".into());
    }
    if prepaid == b.products.is_empty() {
        return Err("phone operators, and only they, have products".into());
    }
    for p in &b.products {
        purse_core::text::check_shown_text(&p.name, 80).map_err(|e| format!("product: {e}"))?;
        match &p.price {
            ProductPrice::Fixed { amount } => in_currency(b, *amount, "a product's price")?,
            ProductPrice::Range { min, max, step } => {
                for m in [min, max, step] {
                    in_currency(b, *m, "a product's range")?;
                }
                if min.minor > max.minor {
                    return Err("a product's min is above its max".into());
                }
            }
        }
    }
    for p in &b.prefixes {
        if !p.starts_with('+') || p.len() < 2 || !p[1..].bytes().all(|c| c.is_ascii_digit()) {
            return Err(format!("prefix {p} is not + and digits"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_loads_and_its_sandbox_references_meet_their_rules() {
        let c = Catalogue::parse(SHIPPED).unwrap();
        assert!(c.billers.len() >= 10);
        for cat in BillerCategory::ALL {
            assert!(
                c.billers.iter().any(|b| b.category == cat),
                "no {cat:?} biller"
            );
        }
        for b in &c.billers {
            let data = &c.sandbox[&b.biller_id];
            for r in data.references() {
                assert!(
                    purse_core::bills::check_reference(&b.reference, r).is_ok(),
                    "{} {r}",
                    b.biller_id
                );
            }
            for bill in &data.bills {
                assert_eq!(bill.amount_due.currency, b.currency);
            }
        }
    }

    #[test]
    fn broken_billers_are_refused_with_their_reason() {
        let shipped: serde_json::Value = serde_json::from_str(SHIPPED).unwrap();
        let first = shipped["billers"][0].clone();
        for (field, value, reason) in [
            ("biller_id", serde_json::json!("Bad Id"), "the id"),
            ("name", serde_json::json!("Tea\u{202e}House"), "name"),
            ("fetch_mode", serde_json::json!("not_supported"), "range"),
            (
                "min_amount",
                serde_json::json!({"minor": 100, "currency": "USD"}),
                "CNY",
            ),
            (
                "creditor_accounts",
                serde_json::json!(["DE00370400440532013000"]),
                "IBAN",
            ),
            (
                "products",
                serde_json::json!([{"product_id": "p", "name": "P",
                "price": {"type": "fixed", "amount": {"minor": 1, "currency": "CNY"}}}]),
                "products",
            ),
        ] {
            let mut b = first.clone();
            b[field] = value;
            let text = serde_json::json!({ "billers": [b] }).to_string();
            let err = Catalogue::parse(&text).unwrap_err().to_string();
            assert!(err.contains(reason), "{field}: {err}");
        }
        let mut b = first.clone();
        b["reference"]["pattern"] = serde_json::json!("([0-9]");
        let text = serde_json::json!({ "billers": [b] }).to_string();
        assert!(Catalogue::parse(&text).is_err());
    }
}
