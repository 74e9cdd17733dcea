//! Safe Browsing suffix/prefix expressions of a canonical URL.

use super::{CanonicalUrl, HostKind};

/// The most expressions one URL yields: 5 host strings times 6 path strings.
pub const MAX_EXPRESSIONS: usize = 30;

const MAX_HOSTS: usize = 5;
const MAX_PATHS: usize = 6;
/// Host suffixes are formed from the last five components.
const SUFFIX_COMPONENTS: usize = 5;
/// Path prefixes beyond `/`: the spec allows four prefixes in all.
const EXTRA_PATH_PREFIXES: usize = 3;

/// The expressions of a [`CanonicalUrl`], as slices of its text, without allocating.
///
/// Order: for each host (the exact host, then suffixes from longest to shortest), the path with
/// its query (when the query is not empty), the path, then the prefixes `/`, `/a/`, `/a/b/`, …
/// Every expression is distinct.
#[derive(Debug, Clone)]
pub struct Expressions<'a> {
    text: &'a str,
    host_starts: [usize; MAX_HOSTS],
    host_count: usize,
    path_ends: [usize; MAX_PATHS],
    path_count: usize,
    host: usize,
    path: usize,
}

impl<'a> Expressions<'a> {
    pub(super) fn new(url: &'a CanonicalUrl) -> Self {
        let text = url.as_str();
        let bytes = text.as_bytes();
        let mut host_starts = [0; MAX_HOSTS];
        host_starts[0] = url.host_start;
        let mut host_count = 1;
        if url.host_kind == HostKind::Name {
            let host = bytes
                .get(url.host_start..url.path_start)
                .unwrap_or_default();
            // dots[k - 1] is the dot before the suffix of k components.
            let mut dots = [0usize; SUFFIX_COMPONENTS];
            let mut found = 0;
            let mut end = host.len();
            while found < SUFFIX_COMPONENTS
                && let Some(dot) = host[..end].iter().rposition(|&b| b == b'.')
            {
                dots[found] = dot;
                found += 1;
                end = dot;
            }
            // A suffix of k components, for k from 5 down to 2: the top-level domain alone is
            // never looked up, and a suffix equal to the whole host is the exact host.
            for k in (2..=found).rev() {
                host_starts[host_count] = url.host_start + dots[k - 1] + 1;
                host_count += 1;
            }
        }

        let mut path_ends = [0; MAX_PATHS];
        let mut path_count = 0;
        // A query, and not just a `?`.
        if text.len() > url.path_end + 1 {
            path_ends[path_count] = text.len();
            path_count += 1;
        }
        let path = bytes.get(url.path_start..url.path_end).unwrap_or_default();
        if path != b"/" {
            path_ends[path_count] = url.path_end;
            path_count += 1;
        }
        path_ends[path_count] = url.path_start + 1;
        path_count += 1;
        // Each further prefix ends after a slash that is not the path's last byte (a prefix
        // equal to the path is the path itself).
        let mut from = 1;
        for _ in 0..EXTRA_PATH_PREFIXES {
            let Some(slash) = path
                .get(from..)
                .and_then(|p| p.iter().position(|&b| b == b'/'))
            else {
                break;
            };
            let end = from + slash + 1;
            if end >= path.len() {
                break;
            }
            path_ends[path_count] = url.path_start + end;
            path_count += 1;
            from = end;
        }

        Expressions {
            text,
            host_starts,
            host_count,
            path_ends,
            path_count,
            host: 0,
            path: 0,
        }
    }

    /// How many host strings the expressions are formed from (the exact host and its suffixes).
    pub fn host_count(&self) -> usize {
        self.host_count
    }

    /// The expression of host `host` with the root path: `host/`. Lookups start here, since
    /// most listings name a whole host.
    pub fn host_root(&self, host: usize) -> &'a str {
        let start = self.host_starts[host];
        // the root path ends one byte into the path: the `/`
        let root_end = self.path_ends[..self.path_count]
            .iter()
            .copied()
            .min()
            .unwrap_or(start);
        self.text.get(start..root_end).unwrap_or_default()
    }

    /// Every expression of host `host`, in the order of the full iteration.
    pub fn of_host(&self, host: usize) -> impl Iterator<Item = &'a str> + '_ {
        let start = self.host_starts[host];
        self.path_ends[..self.path_count]
            .iter()
            .filter_map(move |&end| self.text.get(start..end))
    }
}

impl<'a> Iterator for Expressions<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        while self.host < self.host_count {
            let start = self.host_starts[self.host];
            let end = self.path_ends[self.path];
            self.path += 1;
            if self.path == self.path_count {
                self.path = 0;
                self.host += 1;
            }
            if let Some(expression) = self.text.get(start..end) {
                return Some(expression);
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.host_count - self.host.min(self.host_count)) * self.path_count
            - if self.host < self.host_count {
                self.path
            } else {
                0
            };
        (left, Some(left))
    }
}

impl ExactSizeIterator for Expressions<'_> {}

#[cfg(test)]
mod host_tests {
    use crate::url::canonicalize;

    #[test]
    fn host_roots_and_per_host_expressions_partition_the_expressions() {
        for raw in [
            "http://a.b.c.d.e.f.g/1.html",
            "http://1.2.3.4/1/",
            "http://a.b.c/1/2.html?param=1",
            "http://example.com",
        ] {
            let url = canonicalize(raw).unwrap();
            let expressions = url.expressions();
            let mut joined = Vec::new();
            for host in 0..expressions.host_count() {
                let root = expressions.host_root(host);
                assert!(
                    root.ends_with('/') && !root[..root.len() - 1].contains('/'),
                    "{root}"
                );
                assert!(
                    expressions.of_host(host).any(|e| e == root),
                    "{raw}: {root}"
                );
                joined.extend(expressions.of_host(host));
            }
            assert_eq!(joined, url.expressions().collect::<Vec<_>>(), "{raw}");
        }
    }
}
