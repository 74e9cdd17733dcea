//! The two engines, each built from the same entries and asked the same question per URL: is
//! this URL on the list? Each starts from the raw URL string, so its own URL parsing is part of
//! its work.

use adblock::Engine;
use adblock::lists::{FilterSet, ParseOptions, RuleTypes};
use adblock::request::Request;
use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Identifier, Kind, List, Severity, Source, Table};
use fraudwall_lists::snapshot::{ListingSpec, SnapshotBuilder};

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

/// fraudwall's own URL check, exactly as the decision engine runs it: a list snapshot holding
/// one Safe Browsing expression key per entry (host roots marked when paths below them are
/// listed), and `Engine::url_standing` on the raw URL: canonicalization, host roots first, path
/// expressions only below marked hosts.
pub struct Fraudwall {
    engine: fraudwall_rules::Engine,
    scratch: fraudwall_rules::Scratch,
}

impl Fraudwall {
    /// Builds the snapshot. Returns it and how many entries could not be parsed.
    pub fn build(entries: &[Entry]) -> (Fraudwall, usize) {
        let normalizer = PhoneNormalizer::new(Region::CN);
        let spec = ListingSpec {
            source: Source::Import,
            severity: Severity::Normal,
            confidence: 1.0,
            fraud_type: None,
        };
        let mut builder = SnapshotBuilder::new([0, 0, entries.len() * 2, 0, 0, 0, 0, 0]);
        let mut unusable = 0;
        for entry in entries {
            let kind = if entry.with_path { Kind::Url } else { Kind::Domain };
            match Identifier::parse(kind, &entry.value, &normalizer) {
                Ok(identifier) => {
                    builder.add(List::Black, identifier.table(), identifier.key, &spec);
                    if let Some(host) = identifier.host_root_key() {
                        builder.add_paths_below(host);
                    }
                }
                Err(_) => unusable += 1,
            }
        }
        let engine = fraudwall_rules::Engine::new(
            builder.finish(1),
            std::sync::Arc::new(fraudwall_rules::RuleSet::builtin()),
            None,
            Region::CN,
        );
        let fraudwall = Fraudwall {
            engine,
            scratch: fraudwall_rules::Scratch::new(),
        };
        (fraudwall, unusable)
    }

    pub fn check(&mut self, url: &str) -> Verdict {
        match self.engine.url_standing(url, &mut self.scratch) {
            Err(_) => Verdict::Invalid,
            Ok(Some(mark)) if mark.black.is_some() => Verdict::Block,
            Ok(_) => Verdict::Allow,
        }
    }

    pub fn distinct_keys(&self) -> usize {
        self.engine.snapshot().table_len(Table::Expressions)
    }

    pub fn memory_bytes(&self) -> usize {
        self.engine.snapshot().memory_bytes()
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
