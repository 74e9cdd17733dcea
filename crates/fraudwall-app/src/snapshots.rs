//! Keeps the decision engine's list snapshot current, off the request path.
//!
//! Three jobs of the runner share the work. `lists` follows the store's list version: small
//! changes are applied as a delta on top of the current snapshot within milliseconds. When the
//! delta grows large, `lists-rebuild` rebuilds the base from the store while decisions go on
//! reading the old snapshot, and swaps the new base in once it has caught up. `lists-expiry`
//! turns entries past their expiry into tombstones. Swaps are atomic (`ArcSwap`): a request sees
//! either the old engine or the new one, never a mix.

use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use fraudwall_lists::entry::{Entry, Kind, Table, host_root_key};
use fraudwall_lists::snapshot::{KeyChange, KeyUpdate, ListingSpec, Snapshot, SnapshotBuilder};
use fraudwall_rules::Engine;
use fraudwall_store::{ChangeCursor, ListStore, Store, StoreError};
use time::OffsetDateTime;

use crate::jobs::{JobError, JobHandle, JobRunner, JobSpec, RunContext};

/// Past this many changed keys the delta is folded into a new base.
const REBUILD_DELTA_KEYS: usize = 65_536;
/// Changes read per page of the feed while catching up.
const CHANGES_PAGE: usize = 10_000;
/// How often expired entries are turned into tombstones.
const EXPIRY_PERIOD: Duration = Duration::from_secs(30);

/// Builds a whole snapshot from the store. Tables are sized from the store's counts first, so
/// the build never holds two copies of a table.
pub fn build_snapshot(store: &dyn ListStore) -> Result<Snapshot, StoreError> {
    let started = Instant::now();
    let mut capacities = [0usize; Table::COUNT];
    for (_, kind, count) in store.list_counts()? {
        capacities[kind.table().index()] += count as usize;
        if kind == Kind::Url {
            // at most one host mark per URL entry
            capacities[Table::Expressions.index()] += count as usize;
        }
    }
    let mut builder = SnapshotBuilder::new(capacities);
    let version = store.scan_live_entries(OffsetDateTime::now_utc(), &mut |row| {
        builder.add(
            row.list,
            row.kind.table(),
            row.key,
            &ListingSpec {
                source: row.source,
                severity: row.severity,
                confidence: row.confidence,
                fraud_type: row.fraud_type,
            },
        );
        if let Some(host) = host_root_key(row.kind, row.value) {
            builder.add_paths_below(host);
        }
    })?;
    let snapshot = builder.finish(version);
    tracing::info!(
        version,
        keys = snapshot.base_len(),
        megabytes = snapshot.memory_bytes() / (1 << 20),
        seconds = started.elapsed().as_secs_f64(),
        "list snapshot built"
    );
    Ok(snapshot)
}

/// Applies every change after the snapshot's version. Returns `None` when there are too many
/// to apply as a delta, and the snapshot should be rebuilt instead.
pub fn catch_up(
    store: &dyn ListStore,
    snapshot: &Snapshot,
) -> Result<Option<Snapshot>, StoreError> {
    let now = now_text();
    let mut current = snapshot.clone();
    let mut cursor = ChangeCursor::since(snapshot.version());
    loop {
        let page = store.list_changes(cursor, CHANGES_PAGE)?;
        let Some(last) = page.last() else {
            return Ok(Some(current));
        };
        cursor = ChangeCursor::after(last.version, last.id);
        let version = last.version;
        current = current.with_changes(
            version,
            page.iter().flat_map(|entry| key_changes(entry, &now)),
        );
        if current.delta_len() > REBUILD_DELTA_KEYS {
            return Ok(None);
        }
        if page.len() < CHANGES_PAGE {
            return Ok(Some(current));
        }
    }
}

/// The entry's key change, and for a URL entry the mark on its host. (A host mark outlives its
/// URL entries until the next rebuild; it only costs a few extra lookups.)
fn key_changes<'a>(entry: &'a Entry, now: &str) -> impl Iterator<Item = KeyChange<'a>> {
    let attributes = &entry.attributes;
    let expired = attributes
        .expires_at
        .as_deref()
        .is_some_and(|expiry| expiry <= now);
    let listing = (!entry.removed && !expired).then_some(ListingSpec {
        source: attributes.source,
        severity: attributes.severity,
        confidence: attributes.confidence,
        fraud_type: attributes.fraud_type.as_deref(),
    });
    let host = entry.identifier.host_root_key().map(|key| KeyChange {
        table: Table::Expressions,
        key,
        update: KeyUpdate::PathsBelow,
    });
    host.into_iter().chain(std::iter::once(KeyChange {
        table: entry.identifier.table(),
        key: entry.identifier.key,
        update: KeyUpdate::List(entry.list, listing),
    }))
}

/// The handle use cases hold to make a list change visible at once, or to ask for a rebuild.
#[derive(Clone, Debug)]
pub struct SnapshotKeeper {
    follow: JobHandle,
    rebuild: JobHandle,
}

impl SnapshotKeeper {
    /// Registers the three jobs: `lists` every `period` (and whenever woken), `lists-rebuild`
    /// when woken, `lists-expiry` every [`EXPIRY_PERIOD`].
    pub fn start(
        runner: &JobRunner,
        store: Arc<dyn Store>,
        engine: Arc<ArcSwap<Engine>>,
        period: Duration,
    ) -> Result<SnapshotKeeper, JobError> {
        // a rebuild runs only when asked: by the follower when the delta overflows, or by an
        // administrator
        let rebuild = {
            let store = store.clone();
            let engine = engine.clone();
            runner.register(
                JobSpec::every("lists-rebuild", Duration::MAX),
                move |ctx: &RunContext| {
                    loop {
                        let base = build_snapshot(store.as_ref())?;
                        if let Some(caught_up) = catch_up(store.as_ref(), &base)? {
                            swap(&engine, caught_up);
                            return Ok(());
                        }
                        // more changes arrived during the build than a delta holds: serve the
                        // fresher base meanwhile and build again
                        swap(&engine, base);
                        if ctx.stopping() {
                            return Ok(());
                        }
                    }
                },
            )?
        };
        let follow = {
            let store = store.clone();
            let engine = engine.clone();
            let rebuild = rebuild.clone();
            runner.register(JobSpec::every("lists", period), move |_ctx: &RunContext| {
                let current = engine.load_full();
                if store.list_version()? != current.snapshot().version() {
                    match catch_up(store.as_ref(), current.snapshot())? {
                        Some(snapshot) => swap(&engine, snapshot),
                        None => rebuild.wake(),
                    }
                }
                Ok(())
            })?
        };
        {
            let follow = follow.clone();
            runner.register(
                JobSpec::every("lists-expiry", EXPIRY_PERIOD),
                move |_ctx: &RunContext| {
                    let expired = store.expire_list_entries(OffsetDateTime::now_utc())?;
                    if expired.count > 0 {
                        tracing::info!(count = expired.count, "list entries expired");
                        follow.wake();
                    }
                    Ok(())
                },
            )?;
        }
        Ok(SnapshotKeeper { follow, rebuild })
    }

    /// Tells the keeper the lists changed.
    pub fn changed(&self) {
        self.follow.wake();
    }

    /// Asks for a rebuild of the whole snapshot.
    pub fn rebuild(&self) {
        self.rebuild.wake();
    }
}

fn swap(engine: &ArcSwap<Engine>, snapshot: Snapshot) {
    tracing::debug!(
        version = snapshot.version(),
        delta = snapshot.delta_len(),
        "list snapshot swapped"
    );
    // rcu, because a rule-set change may swap the engine at the same moment
    engine.rcu(|current| {
        if snapshot.version() < current.snapshot().version() {
            // a rebuilt base may lag a delta applied meanwhile; never go back
            Arc::clone(current)
        } else {
            Arc::new(current.with_snapshot(snapshot.clone()))
        }
    });
}

/// Brings the engine's snapshot up to the store's list version on the caller's thread, by a
/// delta or, when there are too many changes, a rebuild; for callers that must see a change
/// before their next decision (a replay), not for the request path.
pub fn settle(store: &dyn ListStore, engine: &ArcSwap<Engine>) -> Result<(), StoreError> {
    let current = engine.load();
    if current.snapshot().version() >= store.list_version()? {
        return Ok(());
    }
    let snapshot = match catch_up(store, current.snapshot())? {
        Some(snapshot) => snapshot,
        None => build_snapshot(store)?,
    };
    swap(engine, snapshot);
    Ok(())
}

/// Now, to the second, in the spelling expiries are stored in (so text comparison works).
fn now_text() -> String {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}
