//! The Public Suffix List project's test vectors (`test_psl.txt`, `checkPublicSuffix(input,
//! expected)`), read at run time from the data directory (see `fraudwall-testdata`); without
//! the file the test says so in one line and is skipped.
//!
//! Inputs and expectations are compared in their punycode form: `Domain` normalizes IDNs to
//! ASCII, so `食狮.com.cn` is expected to give the punycode of `食狮.com.cn`.

use fraudwall_ids::domain::Domain;

/// `'text'` or `null`.
fn parse_arg(arg: &str) -> Option<Option<String>> {
    let arg = arg.trim();
    if arg == "null" {
        return Some(None);
    }
    let inner = arg.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(Some(inner.to_owned()))
}

fn parse_line(line: &str) -> Option<(Option<String>, Option<String>)> {
    let args = line
        .strip_prefix("checkPublicSuffix(")?
        .strip_suffix(");")?;
    let (input, expected) = args.split_once(',')?;
    Some((parse_arg(input)?, parse_arg(expected)?))
}

/// What the test file calls the public suffix check: the registrable domain, or null when the
/// input is null, invalid, or a public suffix itself.
fn registrable(input: Option<&str>) -> Option<String> {
    let domain = Domain::parse(input?).ok()?;
    domain.registrable().map(str::to_owned)
}

#[test]
fn public_suffix_list_vectors() {
    let path = fraudwall_testdata::require!("psl/test_psl.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in text.lines().map(str::trim) {
        // Upstream comments out its `.local` vectors (a listed, but non-Internet, TLD) because
        // no suffix rule yields them; fraudwall meets them by treating special-use TLDs as
        // unregistrable, so they are checked too.
        let line = line.strip_prefix("//").unwrap_or(line);
        if !line.starts_with("checkPublicSuffix(") {
            continue;
        }
        let (input, expected) =
            parse_line(line).unwrap_or_else(|| panic!("unparsable vector: {line}"));
        let expected = expected.map(|e| {
            Domain::parse(&e)
                .unwrap_or_else(|err| panic!("expected value {e:?} is no domain: {err}"))
                .to_string()
        });
        let got = registrable(input.as_deref());
        if got != expected {
            failures.push(format!("{line}: got {got:?}, want {expected:?}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // the deduplicated copy holds 82; a copy fetched from a package may hold more
    assert!(
        checked >= 82,
        "{checked} vector lines in {}",
        path.display()
    );
}
