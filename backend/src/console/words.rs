//! The console's words in the merchant's language: Fluent catalogues (`backend/locales/`)
//! compiled into the backend, one per language, English the reference every other one
//! matches message for message (a test checks).
//!
//! Values reach a message already written for the reader (amounts in the locale, times,
//! names) and the templates escape the result like any other value, so a translation is
//! text, never HTML. Fluent's bidi isolation marks are off: every language here is
//! left-to-right, and names shown to others carry no direction controls by rule.

use std::fmt::Display;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

/// The catalogues: the `lang` a page declares, the primary language subtag that picks it,
/// and the Fluent source. English first: it is the fallback.
const SOURCES: &[(&str, &str, &str)] = &[
    ("en", "en", include_str!("../../locales/en.ftl")),
    ("de", "de", include_str!("../../locales/de.ftl")),
    ("zh-Hans", "zh", include_str!("../../locales/zh.ftl")),
];

struct Catalogue {
    bundle: FluentBundle<FluentResource>,
}

/// Built at first use. A catalogue that does not parse entirely keeps the messages that
/// did (the tests refuse such a catalogue; a running console never panics on one).
static CATALOGUES: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(lang, _, source)| {
            let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(
                |(partial, errors)| {
                    tracing::error!(lang, ?errors, "console catalogue does not parse");
                    partial
                },
            );
            let id: LanguageIdentifier = lang.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(lang, ?errors, "console catalogue has duplicate messages");
            }
            Catalogue { bundle }
        })
        .collect()
});

/// The words of one language. Cheap to copy; the catalogues are shared.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Words(usize);

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.lang())
    }
}

impl Default for Words {
    fn default() -> Self {
        Words::ENGLISH
    }
}

impl Words {
    pub const ENGLISH: Words = Words(0);

    /// The first language of `Accept-Language` that has a catalogue (in the order sent,
    /// which is the browser's preference order), else English.
    pub fn from_accept_language(header: Option<&str>) -> Words {
        super::locale::primary_languages(header)
            .find_map(|primary| SOURCES.iter().position(|(_, p, _)| *p == primary))
            .map(Words)
            .unwrap_or(Words::ENGLISH)
    }

    /// The BCP 47 tag of these words, for `<html lang>` and `Content-Language`.
    pub fn lang(&self) -> &'static str {
        SOURCES[self.0].0
    }

    /// The message `id` without variables.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one variable.
    pub fn t1(&self, id: &str, name: &str, value: impl Display) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.to_string());
        self.format(id, Some(&args))
    }

    /// The message `id` with two variables.
    pub fn t2(
        &self,
        id: &str,
        name: &str,
        value: impl Display,
        name2: &str,
        value2: impl Display,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.to_string());
        args.set(name2.to_owned(), value2.to_string());
        self.format(id, Some(&args))
    }

    /// The message in this language, else in English, else its id (a missing message is a
    /// bug the catalogue tests catch; the page still draws).
    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        for index in [self.0, Words::ENGLISH.0] {
            let bundle = &CATALOGUES[index].bundle;
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(id, lang = SOURCES[index].0, ?errors, "console message");
            }
            return text.into_owned();
        }
        tracing::warn!(id, "console message missing");
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::resolver::ResolverError;
    use std::collections::BTreeSet;

    fn ids(source: &str) -> BTreeSet<String> {
        let resource = FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(_, e)| panic!("does not parse: {e:?}"));
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_catalogue_parses_and_has_exactly_the_english_messages() {
        let english = ids(SOURCES[0].2);
        assert!(english.len() > 150, "{}", english.len());
        for (lang, _, source) in SOURCES {
            let theirs = ids(source);
            let missing: Vec<_> = english.difference(&theirs).collect();
            let extra: Vec<_> = theirs.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{lang}: missing {missing:?}, not in English {extra:?}"
            );
        }
    }

    /// The variables each English message takes, found by formatting it with none.
    fn variables(words: Words, id: &str) -> BTreeSet<String> {
        let bundle = &CATALOGUES[words.0].bundle;
        let pattern = bundle.get_message(id).and_then(|m| m.value()).unwrap();
        let mut errors = Vec::new();
        bundle.format_pattern(pattern, None, &mut errors);
        errors
            .into_iter()
            .filter_map(|e| match e {
                fluent_bundle::FluentError::ResolverError(ResolverError::Reference(r)) => {
                    Some(format!("{r:?}"))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn translations_take_the_variables_english_gives() {
        for (index, (lang, _, _)) in SOURCES.iter().enumerate() {
            for id in ids(SOURCES[0].2) {
                assert_eq!(
                    variables(Words(index), &id),
                    variables(Words::ENGLISH, &id),
                    "{lang} {id}"
                );
            }
        }
    }

    #[test]
    fn messages_read_in_the_browsers_language() {
        let de = Words::from_accept_language(Some("fr-CH, de;q=0.8, en;q=0.5"));
        assert_eq!(de.lang(), "de");
        assert_eq!(de.t("nav-today"), "Heute");
        let zh = Words::from_accept_language(Some("zh-TW,zh;q=0.9"));
        assert_eq!(zh.lang(), "zh-Hans");
        assert_eq!(
            zh.t2("refund-confirm-heading", "amount", "1.50 CNY", "x", 1),
            "退款 1.50 CNY？"
        );
        let en = Words::from_accept_language(Some("xx"));
        assert_eq!(en, Words::ENGLISH);
        assert_eq!(
            en.t1("order-title", "id", "ord_1"),
            "Order ord_1",
            "no isolation marks around values"
        );
        assert_eq!(en.t("no-such-message"), "no-such-message");
    }

    /// Every message id the console's code and templates ask for exists in English, and
    /// every English message is asked for somewhere (no dead words for translators).
    #[test]
    fn the_console_asks_for_exactly_the_messages_there_are() {
        let english = ids(SOURCES[0].2);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["src/console", "templates/console"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                files.push(entry.unwrap().path());
            }
        }
        let call = regex_lite::Regex::new(r#"\bt[12]?\(\s*"([a-z0-9-]+)""#).unwrap();
        let mut asked = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for c in call.captures_iter(&text) {
                let id = &c[1];
                if id == "no-such-message" || file.ends_with("words.rs") {
                    continue;
                }
                assert!(english.contains(id), "{}: {id}", file.display());
                asked.insert(id.to_owned());
            }
        }
        let unused: Vec<_> = english.difference(&asked).collect();
        assert!(unused.is_empty(), "never asked for: {unused:?}");
    }
}
