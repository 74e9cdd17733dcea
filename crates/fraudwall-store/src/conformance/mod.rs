//! The behaviour every [`Store`] backend must show, as a test suite any backend runs.
//!
//! A backend crate implements [`Backend`] (fresh, empty databases and handles on them) and
//! writes one line in an integration test:
//!
//! ```text
//! fraudwall_store::conformance_tests!(MyBackend::new());
//! ```
//!
//! which expands to one `#[test]` per case, each on its own fresh database. The cases live in
//! one module per area and panic on failure; a case takes `&dyn Store` when one fresh store is
//! enough, or `&dyn Backend` when it needs more (a second handle, a fresh store per generated
//! input).
//!
//! Only backend-independent behaviour belongs here: what the [`Store`] traits promise. How a
//! backend keeps its promises (triggers, query plans, migrations) is tested next to it.

pub mod audit;
pub mod cards;
pub mod cases;
pub mod clues;
pub mod config;
pub mod evidence;
pub mod lists;
pub mod lists_model;
pub mod registry;
pub mod tokens;
pub mod workflows;

use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Attributes, Change, Identifier, Kind, List, OnExisting, Source};

use crate::Store;

/// A storage backend under test.
pub trait Backend {
    /// A handle on a fresh, empty database that no other case sees.
    fn open(&self) -> Box<dyn Store>;
    /// Another handle on the database of the latest [`Backend::open`], as a second process
    /// sharing that database would hold it.
    fn reopen(&self) -> Box<dyn Store>;
}

/// Expands to one `#[test]` per conformance case, in a module `conformance`, each running its
/// case on `$backend`, an expression evaluated afresh for every test that gives a value
/// implementing [`conformance::Backend`](crate::conformance::Backend).
#[macro_export]
macro_rules! conformance_tests {
    ($backend:expr $(,)?) => {
        $crate::conformance_tests! {
            @cases ($backend)
            tokens {
                created_tokens_are_listed_and_revocable,
                token_by_hash_finds_active_and_revoked_tokens,
                token_times_are_kept_to_the_second,
            }
            audit {
                an_empty_log_verifies,
                appended_entries_chain_and_verify,
                audit_entries_page_by_sequence,
                two_handles_on_one_database_keep_one_chain,
                the_head_and_single_entries_are_read_back,
            }
            config {
                config_values_overwrite,
                config_keys_are_independent,
            }
            lists {
                a_fresh_store_has_version_zero_and_no_entries,
                duplicates_within_and_across_batches_change_nothing,
                replace_updates_only_when_the_attributes_differ,
                removal_leaves_a_tombstone_that_a_put_revives,
                a_removal_and_a_put_in_one_batch_apply_in_order,
                the_official_whitelist_changes_only_with_permission,
                the_version_moves_once_per_changing_batch,
                the_change_feed_pages_inside_one_version_and_carries_tombstones,
                listings_filter_and_page_by_id,
                the_rebuild_scan_skips_removed_and_expired_entries,
                an_entry_expiring_at_now_is_not_live,
                expiry_makes_tombstones_in_one_version,
                hash_prefix_lookup_finds_live_black_and_gray_entries,
                keys_above_i64_max_round_trip,
                list_counts_group_by_list_and_kind,
                history_times_are_kept_to_the_second,
            }
            lists_model {
                the_live_set_follows_a_model,
            }
            cases {
                a_case_is_filed_once_per_fingerprint_and_read_back,
                a_case_moves_on_only_from_the_version_read,
                cases_scan_in_id_order_with_their_identifiers_and_cuts_are_kept,
            }
            cards {
                holder_periods_are_kept_apart_and_replaced_when_reported_again,
                cards_are_found_by_the_device_they_were_activated_in,
            }
            clues {
                a_report_repeated_by_its_reporter_merges_into_one_clue,
                clues_are_listed_by_status_and_reporter_and_counted_per_identifier,
                a_review_counts_in_the_reporters_record_once_and_appends_its_evidence,
            }
            registry {
                subscribers_are_replaced_when_reported_again_and_found_by_territory,
                units_are_kept_with_their_parent_and_duty_contacts,
            }
            workflows {
                an_instance_starts_once_and_moves_on_only_from_the_version_read,
                instances_are_listed_by_territory_and_status_and_found_when_due,
            }
            evidence {
                evidence_is_read_per_identifier_and_streamed_by_time,
                evidence_times_are_kept_to_the_second,
                an_empty_batch_of_evidence_is_accepted,
            }
        }
    };
    (@cases ($backend:expr) $($area:ident { $($case:ident),* $(,)? })*) => {
        mod conformance {
            #[allow(unused_imports)]
            use super::*;

            $(
                mod $area {
                    #[allow(unused_imports)]
                    use super::*;

                    $(
                        #[test]
                        fn $case() {
                            $crate::conformance::run(&$backend, $crate::conformance::$area::$case);
                        }
                    )*
                }
            )*

            #[test]
            fn every_case_is_listed() {
                $crate::conformance::assert_every_case_listed(&[
                    $($(concat!(stringify!($area), "::", stringify!($case))),*),*
                ]);
            }
        }
    };
}

#[doc(hidden)]
pub struct TakesStore;
#[doc(hidden)]
pub struct TakesBackend;

/// A conformance case, whichever of the two signatures it has; `Takes` only tells the two
/// implementations apart.
#[doc(hidden)]
pub trait Case<Takes> {
    fn run_on(self, backend: &dyn Backend);
}

impl<F: FnOnce(&dyn Store)> Case<TakesStore> for F {
    fn run_on(self, backend: &dyn Backend) {
        let store = backend.open();
        self(&*store);
    }
}

impl<F: FnOnce(&dyn Backend)> Case<TakesBackend> for F {
    fn run_on(self, backend: &dyn Backend) {
        self(backend);
    }
}

/// Runs one case on `backend`; what [`conformance_tests!`](crate::conformance_tests) expands to.
#[doc(hidden)]
pub fn run<Takes>(backend: &dyn Backend, case: impl Case<Takes>) {
    case.run_on(backend);
}

/// The cases of each area, read from its source: every top-level `pub fn` of an area module is
/// a case.
const AREAS: [(&str, &str); 11] = [
    ("tokens", include_str!("tokens.rs")),
    ("audit", include_str!("audit.rs")),
    ("config", include_str!("config.rs")),
    ("lists", include_str!("lists.rs")),
    ("lists_model", include_str!("lists_model.rs")),
    ("evidence", include_str!("evidence.rs")),
    ("cases", include_str!("cases.rs")),
    ("cards", include_str!("cards.rs")),
    ("clues", include_str!("clues.rs")),
    ("registry", include_str!("registry.rs")),
    ("workflows", include_str!("workflows.rs")),
];

/// Fails when a case exists that [`conformance_tests!`](crate::conformance_tests) does not run,
/// or the other way round: a forgotten case would pass silently on every backend.
#[doc(hidden)]
pub fn assert_every_case_listed(listed: &[&str]) {
    let mut defined: Vec<String> = AREAS
        .iter()
        .flat_map(|(area, source)| {
            source.lines().filter_map(move |line| {
                let rest = line.strip_prefix("pub fn ")?;
                let name = rest.split(['(', '<']).next()?;
                Some(format!("{area}::{name}"))
            })
        })
        .collect();
    let mut listed: Vec<String> = listed.iter().map(|name| (*name).to_owned()).collect();
    defined.sort();
    listed.sort();
    assert_eq!(listed, defined, "conformance_tests! must list every case");
}

/// Identifiers are parsed as a server for mainland China would.
pub fn id(kind: Kind, raw: &str) -> Identifier {
    Identifier::parse(kind, raw, &PhoneNormalizer::new(Region::CN)).unwrap()
}

pub fn number(raw: &str) -> Identifier {
    id(Kind::Number, raw)
}

/// The n-th of a run of distinct CN mobile numbers.
pub fn nth_number(n: u32) -> Identifier {
    number(&format!("138{n:08}"))
}

pub fn attrs(source: Source) -> Attributes {
    Attributes::new(source)
}

pub fn put(list: List, identifier: &Identifier, attributes: Attributes) -> Change {
    Change::Put {
        list,
        identifier: identifier.clone(),
        attributes,
        on_existing: OnExisting::Keep,
    }
}

pub fn replace(list: List, identifier: &Identifier, attributes: Attributes) -> Change {
    Change::Put {
        list,
        identifier: identifier.clone(),
        attributes,
        on_existing: OnExisting::Replace,
    }
}

pub fn remove(list: List, identifier: &Identifier) -> Change {
    Change::Remove {
        list,
        kind: identifier.kind,
        value: identifier.value.clone(),
    }
}
