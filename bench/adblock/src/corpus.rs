//! The entries both engines load and the URLs both engines check.
//!
//! Everything here is deterministic for a given seed, so the parent process and each engine's
//! child process regenerate exactly the same URLs instead of passing a million strings around.

use std::path::Path;

use fraudwall_lists::import::{Format, Target, parse};

/// One list entry: a whole host, or a host and a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub value: String,
    pub with_path: bool,
}

impl Entry {
    /// The host part (everything before the first `/`).
    pub fn host(&self) -> &str {
        self.value.split('/').next().unwrap_or(&self.value)
    }

    /// The path part with its leading `/`, or `""` for a host entry.
    pub fn path(&self) -> &str {
        self.value
            .find('/')
            .map_or("", |slash| &self.value[slash..])
    }
}

/// The entries of the block lists, plus the benign domains used for unlisted URLs.
#[derive(Debug, Default)]
pub struct Lists {
    pub entries: Vec<Entry>,
    /// Lines the list parser refused (adblock syntax outside the host and host/path subset).
    pub rejected: usize,
    pub benign: Vec<String>,
}

pub const URLHAUS: &str = "urls/urlhaus-filter-online.txt";
pub const ETH_BLACKLIST: &str = "urls/eth-phishing-blacklist.txt";
pub const ETH_WHITELIST: &str = "urls/eth-phishing-whitelist.txt";

impl Lists {
    pub fn load(data: &Path) -> Result<Lists, String> {
        let read = |name: &str| {
            let path = data.join(name);
            std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        let mut lists = Lists::default();
        for (name, format) in [(URLHAUS, Format::Abp), (ETH_BLACKLIST, Format::Plain)] {
            let parsed = parse(format, &read(name)?);
            lists.rejected += parsed.rejected.len();
            lists
                .entries
                .extend(parsed.candidates.into_iter().map(|c| Entry {
                    with_path: c.target == Target::HostPath,
                    value: c.value,
                }));
        }
        lists.benign = parse(Format::Plain, &read(ETH_WHITELIST)?)
            .candidates
            .into_iter()
            .map(|c| c.value)
            .collect();
        Ok(lists)
    }
}

/// SplitMix64: tiny, fast and fully reproducible, which is all a test-set generator needs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }

    /// Uniform in `0..n` (multiply-high, no modulo bias worth speaking of at these sizes).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// How a test URL was made, so that disagreements between the engines can be explained.
pub mod tag {
    pub const LISTED: u16 = 1;
    pub const WITH_PATH: u16 = 1 << 1;
    pub const IP: u16 = 1 << 2;
    pub const SUBDOMAIN: u16 = 1 << 3;
    pub const UPPER: u16 = 1 << 4;
    pub const PORT: u16 = 1 << 5;
    pub const DOT_DOT: u16 = 1 << 6;
    pub const QUERY: u16 = 1 << 7;
    pub const BENIGN: u16 = 1 << 8;
    pub const MADE_UP: u16 = 1 << 9;

    const NAMES: [(u16, &str); 10] = [
        (LISTED, "listed"),
        (WITH_PATH, "host/path entry"),
        (IP, "IP host"),
        (SUBDOMAIN, "extra subdomain"),
        (UPPER, "upper case"),
        (PORT, "port"),
        (DOT_DOT, "`..` in path"),
        (QUERY, "query"),
        (BENIGN, "whitelisted domain"),
        (MADE_UP, "made-up host"),
    ];

    pub fn describe(tags: u16) -> String {
        let names: Vec<&str> = NAMES
            .iter()
            .filter(|(bit, _)| tags & bit != 0)
            .map(|&(_, name)| name)
            .collect();
        names.join(", ")
    }
}

/// The test URLs, with the tags that say how each was made.
#[derive(Debug)]
pub struct TestSet {
    pub urls: Vec<String>,
    pub tags: Vec<u16>,
}

/// Percentage of test URLs made from listed entries; the rest are unlisted.
pub const LISTED_PERCENT: usize = 20;

const WORDS: &[&str] = &[
    "login",
    "account",
    "verify",
    "secure",
    "update",
    "wallet",
    "index.php",
    "wp-admin",
    "files",
    "download",
    "images",
    "app",
    "bank",
    "pay",
    "invoice.pdf",
    "claim",
    "airdrop",
    "api",
    "v1",
    "static",
];
const SUBDOMAINS: &[&str] = &["www.", "m.", "login.", "cdn."];
const TLDS: &[&str] = &[
    "com", "net", "org", "cn", "com.cn", "top", "xyz", "io", "info", "shop",
];
const PORTS: &[&str] = &[":8080", ":443", ":80"];

impl TestSet {
    /// `count` URLs: about a fifth on listed hosts (varied the way links in messages vary), the
    /// rest on whitelisted and made-up hosts.
    pub fn generate(lists: &Lists, count: usize, seed: u64) -> TestSet {
        let mut rng = Rng::new(seed);
        // Reserved up front so that building the set leaves no transient peak in the memory
        // baseline that is taken after it.
        let mut set = TestSet {
            urls: Vec::with_capacity(count),
            tags: Vec::with_capacity(count),
        };
        let mut url = String::with_capacity(256);
        for _ in 0..count {
            url.clear();
            let tags = if rng.percent(LISTED_PERCENT) && !lists.entries.is_empty() {
                let entry = &lists.entries[rng.below(lists.entries.len())];
                listed_url(&mut rng, entry, &mut url)
            } else {
                unlisted_url(&mut rng, &lists.benign, &mut url)
            };
            set.urls.push(url.clone());
            set.tags.push(tags);
        }
        set
    }
}

/// Each listed URL is varied in at most one way, so that a disagreement points at its cause.
fn listed_url(rng: &mut Rng, entry: &Entry, url: &mut String) -> u16 {
    let host = entry.host();
    let mut tags = tag::LISTED;
    if entry.with_path {
        tags |= tag::WITH_PATH;
    }
    let is_ip = host.parse::<std::net::IpAddr>().is_ok();
    if is_ip {
        tags |= tag::IP;
    }
    // Percentages: 40 unchanged, 15 extra subdomain, 10 upper case, 10 port, 10 `..`, 15 query.
    let variation = match rng.below(100) {
        0..40 => 0,
        40..55 if !is_ip => tag::SUBDOMAIN,
        40..55 => 0,
        55..65 => tag::UPPER,
        65..75 => tag::PORT,
        75..85 => tag::DOT_DOT,
        _ => tag::QUERY,
    };
    url.push_str(if rng.percent(60) {
        "https://"
    } else {
        "http://"
    });
    if variation == tag::SUBDOMAIN {
        url.push_str(rng.pick(SUBDOMAINS));
    }
    if variation == tag::UPPER {
        url.push_str(&host.to_ascii_uppercase());
    } else {
        url.push_str(host);
    }
    if variation == tag::PORT {
        url.push_str(rng.pick(PORTS));
    }
    if variation == tag::DOT_DOT {
        url.push_str("/static/..");
    }
    if entry.with_path {
        url.push_str(entry.path());
    } else {
        random_path(rng, url);
    }
    if variation == tag::QUERY {
        random_query(rng, url);
    }
    tags | variation
}

fn unlisted_url(rng: &mut Rng, benign: &[String], url: &mut String) -> u16 {
    url.push_str(if rng.percent(60) {
        "https://"
    } else {
        "http://"
    });
    let tags = if !benign.is_empty() && rng.percent(50) {
        if rng.percent(20) {
            url.push_str("www.");
        }
        url.push_str(&benign[rng.below(benign.len())]);
        tag::BENIGN
    } else {
        for _ in 0..=rng.below(3) {
            random_label(rng, url);
            url.push('.');
        }
        url.push_str(rng.pick(TLDS));
        tag::MADE_UP
    };
    random_path(rng, url);
    if rng.percent(25) {
        random_query(rng, url);
        return tags | tag::QUERY;
    }
    tags
}

fn random_label(rng: &mut Rng, url: &mut String) {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    for _ in 0..3 + rng.below(10) {
        url.push(char::from(rng.pick(ALPHABET)));
    }
}

fn random_path(rng: &mut Rng, url: &mut String) {
    url.push('/');
    for i in 0..rng.below(4) {
        if i > 0 {
            url.push('/');
        }
        url.push_str(rng.pick(WORDS));
    }
}

/// Adds parameters, after those the URL may already have.
fn random_query(rng: &mut Rng, url: &mut String) {
    use std::fmt::Write;
    let separator = if url.contains('?') { '&' } else { '?' };
    let _ = write!(url, "{separator}id={}&src=sms", rng.below(1_000_000));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists() -> Lists {
        Lists {
            entries: vec![
                Entry {
                    value: "bad.example".into(),
                    with_path: false,
                },
                Entry {
                    value: "cdn.example/x/payload.exe".into(),
                    with_path: true,
                },
            ],
            rejected: 0,
            benign: vec!["good.example".into()],
        }
    }

    #[test]
    fn generation_is_reproducible() {
        let a = TestSet::generate(&lists(), 1000, 7);
        let b = TestSet::generate(&lists(), 1000, 7);
        assert_eq!(a.urls, b.urls);
        let listed = a.tags.iter().filter(|t| *t & tag::LISTED != 0).count();
        assert!((120..=280).contains(&listed), "{listed} listed of 1000");
    }

    #[test]
    fn entries_split_into_host_and_path() {
        let entry = &lists().entries[1];
        assert_eq!(entry.host(), "cdn.example");
        assert_eq!(entry.path(), "/x/payload.exe");
    }
}
