//! The two engines, each built from the same entries and asked the same question per URL: is
//! this URL on the list? Each starts from the raw URL string, so its own URL parsing is part of
//! its work.

use adblock::Engine;
use adblock::lists::{FilterSet, ParseOptions, RuleTypes};
use adblock::request::Request;
use fraudwall_ids::url::{Canonicalizer, MAX_EXPRESSIONS, canonicalize, expression_key};
use fraudwall_lists::keytable::KeyTable;

use crate::corpus::Entry;

/// The answer for one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Verdict {
    Allow = 0,
    Block = 1,
    /// The engine could not parse the URL.
    Invalid = 2,
}

impl Verdict {
    pub fn from_byte(byte: u8) -> Verdict {
        match byte {
            1 => Verdict::Block,
            2 => Verdict::Invalid,
            _ => Verdict::Allow,
        }
    }
}

/// Either engine, so that one child process can drive whichever it is asked for.
pub enum Contender {
    Fraudwall(Box<Fraudwall>),
    Adblock(Adblock),
}

impl Contender {
    pub fn build(name: &str, entries: &[Entry]) -> Result<Contender, String> {
        match name {
            "fraudwall" => Ok(Contender::Fraudwall(Box::new(Fraudwall::build(entries).0))),
            "adblock" => Ok(Contender::Adblock(Adblock::build(entries))),
            other => Err(format!(
                "unknown engine {other}; expected fraudwall or adblock"
            )),
        }
    }

    /// Checks every URL into `verdicts`. The engine is chosen once, outside the loop.
    pub fn check_all(&mut self, urls: &[String], verdicts: &mut [u8]) {
        match self {
            Contender::Fraudwall(engine) => {
                for (url, verdict) in urls.iter().zip(verdicts) {
                    *verdict = engine.check(url) as u8;
                }
            }
            Contender::Adblock(engine) => {
                for (url, verdict) in urls.iter().zip(verdicts) {
                    *verdict = engine.check(url) as u8;
                }
            }
        }
    }

    /// How many entries the engine holds: distinct keys, or rules its parser accepts.
    pub fn loaded(&self, entries: &[Entry]) -> usize {
        match self {
            Contender::Fraudwall(engine) => engine.distinct_keys(),
            Contender::Adblock(_) => adblock_parsable(entries),
        }
    }

    /// The lookup structure's own size, as far as the engine tells it.
    pub fn structure_bytes(&self) -> usize {
        match self {
            Contender::Fraudwall(engine) => engine.memory_bytes(),
            Contender::Adblock(engine) => engine.serialized_bytes(),
        }
    }
}

/// fraudwall's structure: the Safe Browsing expression key of every entry in a [`KeyTable`].
/// A URL is canonicalized, and it is listed when any of its expressions is.
pub struct Fraudwall {
    table: KeyTable,
    canonicalizer: Canonicalizer,
    keys: [u64; MAX_EXPRESSIONS],
    found: Vec<Option<u32>>,
}

impl Fraudwall {
    /// Builds the table. Returns it and how many entries could not be canonicalized.
    pub fn build(entries: &[Entry]) -> (Fraudwall, usize) {
        let mut unusable = 0;
        let keys: Vec<(u64, u32)> = entries
            .iter()
            .enumerate()
            .filter_map(|(index, entry)| {
                let key = entry_expression(entry).map(|e| expression_key(&e));
                unusable += usize::from(key.is_none());
                Some((key?, u32::try_from(index).ok()?))
            })
            .collect();
        let engine = Fraudwall {
            table: KeyTable::build(keys),
            canonicalizer: Canonicalizer::new(),
            keys: [0; MAX_EXPRESSIONS],
            found: Vec::with_capacity(MAX_EXPRESSIONS),
        };
        (engine, unusable)
    }

    pub fn check(&mut self, url: &str) -> Verdict {
        let Ok(url) = self.canonicalizer.canonicalize(url) else {
            return Verdict::Invalid;
        };
        let count = url.fill_expression_keys(&mut self.keys);
        self.table.get_many(&self.keys[..count], &mut self.found);
        if self.found.iter().any(Option::is_some) {
            Verdict::Block
        } else {
            Verdict::Allow
        }
    }

    pub fn distinct_keys(&self) -> usize {
        self.table.len()
    }

    pub fn memory_bytes(&self) -> usize {
        self.table.memory_bytes()
    }
}

/// The Safe Browsing expression an entry stands for: `host/` for a host (which every URL on the
/// host or its subdomains yields), the canonical `host/path` for a host and path.
pub fn entry_expression(entry: &Entry) -> Option<String> {
    let url = canonicalize(&format!("http://{}", entry.value)).ok()?;
    if entry.with_path {
        // The first expression is the longest: the exact host with the whole path (and query).
        url.expressions().next().map(str::to_owned)
    } else {
        Some(format!("{}/", url.host()))
    }
}

/// Brave's engine with one `||host^` (or `||host/path^`) network rule per entry.
pub struct Adblock {
    engine: Engine,
}

impl Adblock {
    pub fn build(entries: &[Entry]) -> Adblock {
        let mut filters = FilterSet::new(false);
        // Network rules only: the engine then keeps no cosmetic structures, its leanest setup.
        let options = ParseOptions {
            rule_types: RuleTypes::NetworkOnly,
            ..ParseOptions::default()
        };
        let list: String = entries.iter().map(|entry| rule(entry) + "\n").collect();
        filters.add_filter_list(list, options);
        Adblock {
            engine: Engine::new_with_filter_set(filters),
        }
    }

    pub fn check(&self, url: &str) -> Verdict {
        // A plain `||host^` rule covers every request type except top-level documents (only
        // `$document` or `$all` reach those), so links are checked as type `other`. No source
        // page: a link from a message has none, which makes every request third-party.
        match Request::new(url, "", "other", "GET") {
            Ok(request) if self.engine.check_network_request(&request).should_block() => {
                Verdict::Block
            }
            Ok(_) => Verdict::Allow,
            Err(_) => Verdict::Invalid,
        }
    }

    /// The engine's rules are one flatbuffer; its serialized form is that buffer plus a header.
    pub fn serialized_bytes(&self) -> usize {
        self.engine.serialize().len()
    }
}

pub fn rule(entry: &Entry) -> String {
    format!("||{}^", entry.value)
}

/// How many of the rules the adblock parser accepts as network rules.
pub fn adblock_parsable(entries: &[Entry]) -> usize {
    entries
        .iter()
        .filter(|entry| {
            adblock::filters::network::NetworkFilter::parse(
                &rule(entry),
                false,
                ParseOptions::default(),
            )
            .is_ok()
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<Entry> {
        [
            ("bad.example", false),
            ("198.51.100.7", false),
            ("cdn.example/x/payload.exe", true),
        ]
        .into_iter()
        .map(|(value, with_path)| Entry {
            value: value.into(),
            with_path,
        })
        .collect()
    }

    #[test]
    fn both_engines_agree_on_plain_cases() {
        let (mut fraudwall, unusable) = Fraudwall::build(&entries());
        assert_eq!(unusable, 0);
        let adblock = Adblock::build(&entries());
        for (url, expected) in [
            ("https://bad.example/login", Verdict::Block),
            ("http://www.bad.example:8080/a?b=1", Verdict::Block),
            ("http://198.51.100.7/x", Verdict::Block),
            ("http://cdn.example/x/payload.exe?dl=1", Verdict::Block),
            ("http://cdn.example/x/other.exe", Verdict::Allow),
            ("https://notbad.example/", Verdict::Allow),
            ("https://bad.example.org/", Verdict::Allow),
        ] {
            assert_eq!(fraudwall.check(url), expected, "fraudwall: {url}");
            assert_eq!(adblock.check(url), expected, "adblock: {url}");
        }
    }

    /// adblock takes URLs as a browser hands them over, already normalized; fraudwall
    /// canonicalizes raw input first.
    #[test]
    fn only_fraudwall_normalizes_raw_urls() {
        let (mut fraudwall, _) = Fraudwall::build(&entries());
        let adblock = Adblock::build(&entries());
        for url in [
            "http://cdn.example/static/../x/payload.exe",
            "http://WWW.Bad.Example/",
            "http://cdn.example:8080/x/payload.exe",
        ] {
            assert_eq!(fraudwall.check(url), Verdict::Block, "fraudwall: {url}");
            assert_eq!(adblock.check(url), Verdict::Allow, "adblock: {url}");
        }
    }
}
