//! Keeps the decision engine's list snapshot current, off the request path.
//!
//! One background thread follows the store's list version. Small changes are applied as a delta
//! on top of the current snapshot within milliseconds; when the delta grows large, a second
//! thread rebuilds the base from the store while decisions go on reading the old snapshot, and
//! the new base is swapped in once it has caught up. Swaps are atomic (`ArcSwap`): a request
//! sees either the old engine or the new one, never a mix.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use fraudwall_lists::entry::{Entry, Kind, Table, host_root_key};
use fraudwall_lists::snapshot::{KeyChange, KeyUpdate, ListingSpec, Snapshot, SnapshotBuilder};
use fraudwall_rules::Engine;
use fraudwall_store::{ChangeCursor, Store, StoreError};

/// Past this many changed keys the delta is folded into a new base.
const REBUILD_DELTA_KEYS: usize = 65_536;
/// Changes read per page of the feed while catching up.
const CHANGES_PAGE: usize = 10_000;
/// How often expired entries are turned into tombstones.
const EXPIRY_PERIOD: Duration = Duration::from_secs(30);

/// Builds a whole snapshot from the store. Tables are sized from the store's counts first, so
/// the build never holds two copies of a table.
pub fn build_snapshot(store: &dyn Store) -> Result<Snapshot, StoreError> {
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
    let version = store.scan_live_entries(&now_rfc3339(), &mut |row| {
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
pub fn catch_up(store: &dyn Store, snapshot: &Snapshot) -> Result<Option<Snapshot>, StoreError> {
    let now = now_rfc3339();
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

/// The handle request handlers use to make a list change visible at once.
#[derive(Clone)]
pub struct SnapshotKeeper {
    wake: Sender<Wake>,
}

impl std::fmt::Debug for SnapshotKeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SnapshotKeeper")
    }
}

enum Wake {
    /// The lists changed; catch up now rather than at the next poll.
    Changed,
    /// Rebuild the base now (an operator's request, a benchmark).
    Rebuild,
    Built(Result<Snapshot, StoreError>),
}

impl SnapshotKeeper {
    /// Starts the keeper thread. It polls the store every `period` and whenever woken.
    pub fn start(
        store: Arc<dyn Store>,
        engine: Arc<ArcSwap<Engine>>,
        period: Duration,
    ) -> SnapshotKeeper {
        let (sender, receiver) = mpsc::channel();
        let keeper = SnapshotKeeper {
            wake: sender.clone(),
        };
        std::thread::Builder::new()
            .name("fraudwall-lists".into())
            .spawn(move || keep(store, engine, period, sender, receiver))
            .expect("the lists thread starts");
        keeper
    }

    /// Tells the keeper the lists changed.
    pub fn changed(&self) {
        self.send(Wake::Changed);
    }

    /// Asks for a rebuild of the whole snapshot.
    pub fn rebuild(&self) {
        self.send(Wake::Rebuild);
    }

    fn send(&self, wake: Wake) {
        // the keeper thread lives as long as the process; a failed send means it is gone
        let _ = self.wake.send(wake);
    }
}

fn keep(
    store: Arc<dyn Store>,
    engine: Arc<ArcSwap<Engine>>,
    period: Duration,
    sender: Sender<Wake>,
    receiver: Receiver<Wake>,
) {
    let mut rebuilding = false;
    let mut last_expiry = Instant::now();
    loop {
        let wake = match receiver.recv_timeout(period) {
            Ok(wake) => Some(wake),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut want_rebuild = matches!(wake, Some(Wake::Rebuild));
        if let Some(Wake::Built(built)) = wake {
            rebuilding = false;
            match built.and_then(|base| catch_up(store.as_ref(), &base).map(|s| (base, s))) {
                Ok((_, Some(caught_up))) => swap(&engine, caught_up),
                Ok((base, None)) => {
                    // more changes arrived during the build than a delta holds: start over
                    swap(&engine, base);
                    want_rebuild = true;
                }
                Err(err) => tracing::warn!(error = %err, "list snapshot rebuild failed"),
            }
        }
        if last_expiry.elapsed() >= EXPIRY_PERIOD {
            last_expiry = Instant::now();
            match store.expire_list_entries(&now_rfc3339()) {
                Ok(expired) if expired.count > 0 => {
                    tracing::info!(count = expired.count, "list entries expired");
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "list expiry failed"),
            }
        }
        let current = engine.load_full();
        match store.list_version() {
            Ok(version) if version != current.snapshot().version() => {
                match catch_up(store.as_ref(), current.snapshot()) {
                    Ok(Some(snapshot)) => swap(&engine, snapshot),
                    Ok(None) => want_rebuild = true,
                    Err(err) => tracing::warn!(error = %err, "list catch-up failed"),
                }
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "list version read failed"),
        }
        if want_rebuild && !rebuilding {
            rebuilding = true;
            let store = store.clone();
            let sender = sender.clone();
            let spawned = std::thread::Builder::new()
                .name("fraudwall-rebuild".into())
                .spawn(move || {
                    let _ = sender.send(Wake::Built(build_snapshot(store.as_ref())));
                });
            if let Err(err) = spawned {
                rebuilding = false;
                tracing::warn!(error = %err, "cannot start the rebuild thread");
            }
        }
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

/// Now, to the second, in the one spelling expiries are stored in (so text comparison works).
pub(crate) fn now_rfc3339() -> String {
    crate::reputation::rfc3339(time::OffsetDateTime::now_utc().unix_timestamp())
}
