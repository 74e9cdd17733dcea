//! Applying a batch of list changes in one write transaction and one list version.

use std::cell::RefCell;
use std::collections::HashSet;

use fraudwall_lists::entry::{Attributes, Change, Identifier, Kind, List, OnExisting, Outcome};
use fraudwall_lists::policy::{self, Found, PutAction, RemoveAction};
use rusqlite::{CachedStatement, Connection, TransactionBehavior, params};

use super::{
    attribute_columns, attributes_at, attributes_json, bulk, evidence_json, list_version,
    lookup_prefix, set_list_version,
};
use crate::sqlite::{append_audit_in, now_rfc3339};
use crate::{Applied, AuditEvent, StoreError};

/// From this many changes a batch takes the bulk path (sorted, see [`bulk`]): below it, sorting
/// buys nothing and the rows keep the order they were given in.
pub(super) const BULK_FROM: usize = 10_000;

/// New rows a bulk batch inserts with one statement. A statement opens its cursors on the table
/// and each index anew and closes them at its end; kept open across sorted rows, each insert
/// lands next to the last one instead of descending every B-tree from its root, and the
/// per-statement work is paid once for all of them (over a quarter of the inserts' time at
/// 10 M).
const GROUP: usize = 64;

/// The parameters of one row of the group insert: list, kind, value, key.
const GROUP_ROW_PARAMS: usize = 4;

/// The parameters the rows of the group insert share: the seven attributes, author, time and
/// version.
const GROUP_SHARED_PARAMS: usize = 10;

/// What the audit log says of a batch, made once its outcome is known and written in the
/// batch's transaction: the change and its audit row commit together or not at all.
pub(crate) type AuditOf<'a, T> = Option<&'a mut dyn FnMut(&T) -> AuditEvent>;

pub(crate) fn apply_changes(
    conn: &mut Connection,
    changes: &[Change],
    author: &str,
    allow_official: bool,
    audit: AuditOf<'_, Applied>,
) -> Result<Applied, StoreError> {
    if changes.len() >= BULK_FROM {
        // the bulk path hands the outcomes back before it asks for the audit row
        let outcomes = RefCell::new(Vec::new());
        let audited = audit.is_some();
        let mut audit = audit;
        let mut audit_version = |version: &u64| {
            let applied = Applied {
                version: *version,
                outcomes: outcomes.take(),
            };
            let event = audit.as_mut().map(|audit| audit(&applied));
            outcomes.replace(applied.outcomes);
            event.expect("asked only when auditing")
        };
        let version = bulk::apply_chunks(
            conn,
            std::iter::once(changes),
            author,
            allow_official,
            |_, applied| {
                outcomes.replace(applied);
            },
            if audited {
                Some(&mut audit_version)
            } else {
                None
            },
        )?;
        return Ok(Applied {
            version,
            outcomes: outcomes.into_inner(),
        });
    }
    apply_in_order(conn, changes, author, allow_official, audit)
}

/// The row path: every change in the order given.
pub(super) fn apply_in_order(
    conn: &mut Connection,
    changes: &[Change],
    author: &str,
    allow_official: bool,
    audit: AuditOf<'_, Applied>,
) -> Result<Applied, StoreError> {
    // IMMEDIATE takes the write lock before the version is read, so two processes sharing the
    // database cannot both claim the next version.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = list_version(&tx)?;
    let now = now_rfc3339();
    let mut batch = Batch::prepare(
        &tx,
        policy::batch_version(current),
        &now,
        author,
        allow_official,
        Carried::default(),
        false,
    )?;
    let mut outcomes = Vec::with_capacity(changes.len());
    for change in changes {
        outcomes.push(batch.apply(change)?);
    }
    let carried = batch.finish()?;
    write_lookups(&tx, carried.lookups)?;
    let changed = outcomes.iter().any(|outcome| outcome.changed());
    let version = policy::version_after(current, changed);
    if version != current {
        set_list_version(&tx, version)?;
    }
    let applied = Applied { version, outcomes };
    if let Some(audit) = audit {
        append_audit_in(&tx, &audit(&applied))?;
    }
    tx.commit()?;
    Ok(applied)
}

/// A row already stored under a change's (list, kind, value).
struct Existing {
    id: i64,
    removed: bool,
    /// The list version of the row's latest change.
    version: i64,
    attributes: Attributes,
}

/// The statements of one batch, prepared once and run per change.
pub(super) struct Batch<'a> {
    conn: &'a Connection,
    find: CachedStatement<'a>,
    insert: CachedStatement<'a>,
    overwrite: CachedStatement<'a>,
    remove: CachedStatement<'a>,
    history: CachedStatement<'a>,
    version: i64,
    now: &'a str,
    author: &'a str,
    allow_official: bool,
    carried: Carried,
    /// The history JSON of the attributes last recorded: an import gives most of its entries
    /// the same attributes, and serializing them anew for each of millions of rows shows.
    last_json: Option<(Attributes, String)>,
    /// Whether additions of new rows are recorded in runs (see [`AddedRun`]) or one by one.
    runs: bool,
    run: Option<AddedRun>,
    /// The attributes bound to `insert` now. SQLite keeps a statement's bindings between runs,
    /// and an import gives most rows the same attributes, so only the identity is bound anew
    /// for each row: binding all fifteen parameters was a tenth of a bulk import's time.
    insert_bound: Option<Attributes>,
    /// The group insert of the bulk path (see [`GROUP`]) and the attributes bound to it.
    insert_group: Option<CachedStatement<'a>>,
    group_bound: Option<Attributes>,
}

/// What one part of a batch hands to the next.
#[derive(Default)]
pub(super) struct Carried {
    /// Live rows a put of this batch found unchanged. With the rows this batch changed (they
    /// carry its version) they are what the batch has put so far: a repeat is a duplicate
    /// even when it asks to replace, so a file that lists a value twice imports it once.
    kept: HashSet<i64>,
    /// The lookup rows (prefix, entry id) of the new entries, written by [`write_lookups`]
    /// when the batch ends rather than as the entries come: sorted first, they go in at the
    /// end of the lookup table or next to one another instead of each at a random place.
    pub(super) lookups: Vec<(i64, i64)>,
}

/// A put waiting in a group: its place in the batch and what it puts.
struct Grouped<'c> {
    at: usize,
    list: List,
    identifier: &'c Identifier,
    attributes: &'c Attributes,
    on_existing: OnExisting,
}

/// The group insert: [`GROUP`] rows of their own identity and the shared attributes, author,
/// time and version (`?1` to `?10`).
///
/// OR IGNORE rather than DO NOTHING on the unique constraint alone: a statement of many rows
/// that may abort halfway keeps a statement journal, a copy of every page it touches first
/// (a twentieth of an import's time); one that cannot abort keeps none. The other constraints
/// cannot fail here (every NOT NULL column is bound a value), and a row ignored for any reason
/// is looked up like one that was there already, which reports a row neither inserted nor
/// found as corrupt.
fn group_insert_sql() -> String {
    let rows: Vec<String> = (0..GROUP)
        .map(|row| {
            let at = GROUP_SHARED_PARAMS + row * GROUP_ROW_PARAMS;
            format!(
                "(?{}, ?{}, ?{}, ?{}, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, 0)",
                at + 1,
                at + 2,
                at + 3,
                at + 4
            )
        })
        .collect();
    format!(
        "INSERT OR IGNORE INTO list_entries (list, kind, value, key, source, fraud_type,
             confidence, severity, expires_at, evidence, note, author, created_at, updated_at,
             version, removed)
         VALUES {}",
        rows.join(", ")
    )
}

/// New rows of consecutive ids added with the same attributes, whose history is not written
/// yet: one row of `list_history_runs` records the addition of all of them. Any other history
/// record first writes the run, so the records keep the order of the changes.
struct AddedRun {
    first: i64,
    last: i64,
    after: String,
}

impl<'a> Batch<'a> {
    /// `carried` is what earlier parts of the same batch handed on.
    pub(super) fn prepare(
        conn: &'a Connection,
        version: u64,
        now: &'a str,
        author: &'a str,
        allow_official: bool,
        carried: Carried,
        runs: bool,
    ) -> Result<Batch<'a>, StoreError> {
        let mut batch = Batch {
            conn,
            find: conn.prepare_cached(concat!(
                "SELECT id, removed, version, ",
                attribute_columns!(),
                " FROM list_entries WHERE list = ?1 AND kind = ?2 AND value = ?3"
            ))?,
            // DO NOTHING on an existing row, so that a new row, the bulk of an import, costs
            // one probe of the unique index rather than a lookup and then an insert
            insert: conn.prepare_cached(
                "INSERT INTO list_entries (list, kind, value, key, source, fraud_type, confidence,
                     severity, expires_at, evidence, note, author, created_at, updated_at,
                     version, removed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, 0)
                 ON CONFLICT (list, kind, value) DO NOTHING",
            )?,
            overwrite: conn.prepare_cached(
                "UPDATE list_entries SET key = ?2, source = ?3, fraud_type = ?4, confidence = ?5,
                     severity = ?6, expires_at = ?7, evidence = ?8, note = ?9, author = ?10,
                     updated_at = ?11, version = ?12, removed = 0
                 WHERE id = ?1",
            )?,
            remove: conn.prepare_cached(
                "UPDATE list_entries SET removed = 1, author = ?2, updated_at = ?3, version = ?4
                 WHERE id = ?1",
            )?,
            history: conn.prepare_cached(
                "INSERT INTO list_history (entry_id, version, time, actor, action, before, after)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            version: version as i64,
            now,
            author,
            allow_official,
            carried,
            last_json: None,
            runs,
            run: None,
            insert_bound: None,
            insert_group: None,
            group_bound: None,
        };
        // the same for every row of the batch
        batch.insert.raw_bind_parameter(12, author)?;
        batch.insert.raw_bind_parameter(13, now)?;
        batch.insert.raw_bind_parameter(14, version as i64)?;
        if runs {
            let mut group = conn.prepare_cached(&group_insert_sql())?;
            group.raw_bind_parameter(8, author)?;
            group.raw_bind_parameter(9, now)?;
            group.raw_bind_parameter(10, version as i64)?;
            batch.insert_group = Some(group);
        }
        Ok(batch)
    }

    /// Applies `changes` in the order `order` gives, writing each outcome to its place in
    /// `outcomes`. Consecutive puts with the same attributes are inserted [`GROUP`] at a time;
    /// whatever else a change needs, and every change of a group that found its row already
    /// there, is done one by one in the same order, so the outcomes are the row path's.
    pub(super) fn apply_ordered(
        &mut self,
        changes: &[Change],
        order: &[usize],
        outcomes: &mut [Outcome],
    ) -> Result<(), StoreError> {
        let mut group: Vec<Grouped<'_>> = Vec::with_capacity(GROUP);
        for &at in order {
            let change = &changes[at];
            let grouped = match change {
                Change::Put {
                    list,
                    identifier,
                    attributes,
                    on_existing,
                } if self.insert_group.is_some()
                    && policy::may_touch(attributes, self.allow_official) =>
                {
                    Grouped {
                        at,
                        list: *list,
                        identifier,
                        attributes,
                        on_existing: *on_existing,
                    }
                }
                _ => {
                    self.flush_group(&mut group, outcomes)?;
                    outcomes[at] = self.apply(change)?;
                    continue;
                }
            };
            if group
                .first()
                .is_some_and(|first| first.attributes != grouped.attributes)
            {
                self.flush_group(&mut group, outcomes)?;
            }
            group.push(grouped);
            if group.len() == GROUP {
                self.flush_group(&mut group, outcomes)?;
            }
        }
        self.flush_group(&mut group, outcomes)
    }

    /// Inserts a full group with one statement, or a shorter one row by row.
    fn flush_group(
        &mut self,
        group: &mut Vec<Grouped<'_>>,
        outcomes: &mut [Outcome],
    ) -> Result<(), StoreError> {
        let insert = match self.insert_group.as_mut() {
            Some(insert) if group.len() == GROUP => insert,
            _ => {
                for put in group.drain(..) {
                    outcomes[put.at] =
                        self.put(put.list, put.identifier, put.attributes, put.on_existing)?;
                }
                return Ok(());
            }
        };
        let attributes = group[0].attributes;
        if self.group_bound.as_ref() != Some(attributes) {
            bind_attributes(insert, 1, attributes)?;
            self.group_bound = Some(attributes.clone());
        }
        for (row, put) in group.iter().enumerate() {
            let at = GROUP_SHARED_PARAMS + row * GROUP_ROW_PARAMS;
            bind_identity(insert, at + 1, put.list, put.identifier)?;
        }
        let inserted = insert.raw_execute()? as i64;
        // SQLite gives each new row the largest rowid plus one, so the rows this statement
        // inserted hold consecutive ids ending at the last one, in the order of the group
        let mut next_new = self.conn.last_insert_rowid() - inserted + 1;
        let all = inserted == GROUP as i64;
        for put in group.drain(..) {
            if all {
                self.added(next_new, put.identifier);
                self.extend_run(next_new, put.attributes)?;
                next_new += 1;
                outcomes[put.at] = Outcome::Added;
                continue;
            }
            // some rows were there already: which, only a lookup tells; a row that holds the
            // next new id was inserted by this put, a later put of the same value finds it
            // with an id already passed
            let found = self.find(put.list, put.identifier.kind, &put.identifier.value)?;
            match found {
                Some(row) if inserted > 0 && row.id == next_new => {
                    self.added(next_new, put.identifier);
                    self.extend_run(next_new, put.attributes)?;
                    next_new += 1;
                    outcomes[put.at] = Outcome::Added;
                }
                found => {
                    outcomes[put.at] = self.settle_put(
                        put.list,
                        put.identifier,
                        put.attributes,
                        put.on_existing,
                        found,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Ends this part of the batch, handing on what the next part needs. The lookup rows of
    /// its new entries are not written yet: see [`write_lookups`].
    pub(super) fn finish(mut self) -> Result<Carried, StoreError> {
        self.write_run()?;
        Ok(std::mem::take(&mut self.carried))
    }

    /// Notes the lookup row of a new entry.
    fn added(&mut self, id: i64, identifier: &Identifier) {
        if let Some(hash) = identifier.lookup_hash() {
            self.carried.lookups.push((lookup_prefix(&hash), id));
        }
    }

    pub(super) fn apply(&mut self, change: &Change) -> Result<Outcome, StoreError> {
        match change {
            Change::Put {
                list,
                identifier,
                attributes,
                on_existing,
            } => self.put(*list, identifier, attributes, *on_existing),
            Change::Remove { list, kind, value } => self.remove(*list, *kind, value),
        }
    }

    fn put(
        &mut self,
        list: List,
        identifier: &Identifier,
        attributes: &Attributes,
        on_existing: OnExisting,
    ) -> Result<Outcome, StoreError> {
        // most puts are of new values: the insert is tried first and finds out
        if policy::may_touch(attributes, self.allow_official)
            && let Some(id) = self.insert(list, identifier, attributes)?
        {
            self.added(id, identifier);
            if self.runs {
                self.extend_run(id, attributes)?;
            } else {
                self.record(id, "add", None, Some(attributes))?;
            }
            return Ok(Outcome::Added);
        }
        let found = self.find(list, identifier.kind, &identifier.value)?;
        self.settle_put(list, identifier, attributes, on_existing, found)
    }

    /// The rest of a put that did not insert a new row: `found` is the row under its identity.
    fn settle_put(
        &mut self,
        list: List,
        identifier: &Identifier,
        attributes: &Attributes,
        on_existing: OnExisting,
        found: Option<Existing>,
    ) -> Result<Outcome, StoreError> {
        let action = policy::put_action(
            found.as_ref().map(|row| self.found(row)),
            attributes,
            on_existing,
            self.allow_official,
        );
        match (action, found) {
            (PutAction::Forbidden, _) => {}
            (PutAction::Insert, _) | (_, None) => {
                return Err(StoreError::Corrupt(format!(
                    "list entry {list} {} {} neither inserted nor found",
                    identifier.kind, identifier.value
                )));
            }
            (PutAction::Revive, Some(tombstone)) => {
                self.overwrite(tombstone.id, identifier, attributes)?;
                self.record(tombstone.id, "add", None, Some(attributes))?;
            }
            (PutAction::Update, Some(live)) => {
                self.overwrite(live.id, identifier, attributes)?;
                self.record(live.id, "update", Some(&live.attributes), Some(attributes))?;
            }
            (PutAction::Duplicate, Some(live)) => {
                if live.version != self.version {
                    self.carried.kept.insert(live.id);
                }
            }
        }
        Ok(action.outcome())
    }

    /// A stored row as the list policy sees it.
    fn found<'r>(&self, row: &'r Existing) -> Found<'r> {
        Found {
            removed: row.removed,
            attributes: &row.attributes,
            seen_in_batch: row.version == self.version || self.carried.kept.contains(&row.id),
        }
    }

    fn remove(&mut self, list: List, kind: Kind, value: &str) -> Result<Outcome, StoreError> {
        let found = self.find(list, kind, value)?;
        let action = policy::remove_action(
            found.as_ref().map(|row| self.found(row)),
            self.allow_official,
        );
        let (RemoveAction::Remove, Some(live)) = (action, found) else {
            return Ok(action.outcome());
        };
        self.remove
            .execute(params![live.id, self.author, self.now, self.version])?;
        self.record(live.id, "remove", Some(&live.attributes), None)?;
        Ok(Outcome::Removed)
    }

    fn find(
        &mut self,
        list: List,
        kind: Kind,
        value: &str,
    ) -> Result<Option<Existing>, StoreError> {
        let mut rows = self
            .find
            .query(params![list.as_str(), kind.as_str(), value])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        Ok(Some(Existing {
            id: row.get(0)?,
            removed: row.get(1)?,
            version: row.get(2)?,
            attributes: attributes_at(row, 3)?,
        }))
    }

    /// Inserts a new row; none when the row exists, live or not.
    fn insert(
        &mut self,
        list: List,
        identifier: &Identifier,
        attributes: &Attributes,
    ) -> Result<Option<i64>, StoreError> {
        let insert = &mut self.insert;
        if self.insert_bound.as_ref() != Some(attributes) {
            bind_attributes(insert, 5, attributes)?;
            self.insert_bound = Some(attributes.clone());
        }
        bind_identity(insert, 1, list, identifier)?;
        let inserted = insert.raw_execute()?;
        Ok((inserted == 1).then(|| self.conn.last_insert_rowid()))
    }

    /// Writes new attributes over a row, reviving it if it was a tombstone. Its lookup row
    /// stays: the hash follows from the kind and value, which are the row's own.
    fn overwrite(
        &mut self,
        id: i64,
        identifier: &Identifier,
        attributes: &Attributes,
    ) -> Result<(), StoreError> {
        self.overwrite.execute(params![
            id,
            identifier.key as i64,
            attributes.source.as_str(),
            attributes.fraud_type,
            f64::from(attributes.confidence),
            attributes.severity.as_str(),
            attributes.expires_at,
            evidence_json(&attributes.evidence),
            attributes.note,
            self.author,
            self.now,
            self.version,
        ])?;
        Ok(())
    }

    fn record(
        &mut self,
        entry_id: i64,
        action: &str,
        before: Option<&Attributes>,
        after: Option<&Attributes>,
    ) -> Result<(), StoreError> {
        self.write_run()?;
        // the JSON is borrowed from the cache, a field apart from the statement run below
        if let Some(after) = after {
            self.after_json(after);
        }
        let after = after.and(self.last_json.as_ref().map(|(_, json)| json.as_str()));
        self.history.execute(params![
            entry_id,
            self.version,
            self.now,
            self.author,
            action,
            before.map(attributes_json),
            after,
        ])?;
        Ok(())
    }

    /// The history JSON of `attributes` after a change.
    fn after_json(&mut self, attributes: &Attributes) -> &str {
        if !matches!(&self.last_json, Some((last, _)) if last == attributes) {
            self.last_json = Some((attributes.clone(), attributes_json(attributes)));
        }
        self.last_json
            .as_ref()
            .map_or("", |(_, json)| json.as_str())
    }

    fn extend_run(&mut self, id: i64, attributes: &Attributes) -> Result<(), StoreError> {
        if let Some(run) = &mut self.run
            && run.last + 1 == id
            && matches!(&self.last_json, Some((last, json)) if last == attributes && *json == run.after)
        {
            run.last = id;
            return Ok(());
        }
        self.write_run()?;
        let after = self.after_json(attributes).to_owned();
        self.run = Some(AddedRun {
            first: id,
            last: id,
            after,
        });
        Ok(())
    }

    fn write_run(&mut self) -> Result<(), StoreError> {
        let Some(run) = self.run.take() else {
            return Ok(());
        };
        let mut history = self.conn.prepare_cached(
            "INSERT INTO list_history_runs (first_id, last_id, version, time, actor, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        history.execute(params![
            run.first,
            run.last,
            self.version,
            self.now,
            self.author,
            run.after
        ])?;
        Ok(())
    }
}

/// Binds an entry's attributes to the seven parameters from `first` on, in the order of the
/// insert statements: source, fraud type, confidence, severity, expiry, evidence, note.
fn bind_attributes(
    statement: &mut rusqlite::Statement<'_>,
    first: usize,
    attributes: &Attributes,
) -> Result<(), StoreError> {
    statement.raw_bind_parameter(first, attributes.source.as_str())?;
    statement.raw_bind_parameter(first + 1, &attributes.fraud_type)?;
    statement.raw_bind_parameter(first + 2, f64::from(attributes.confidence))?;
    statement.raw_bind_parameter(first + 3, attributes.severity.as_str())?;
    statement.raw_bind_parameter(first + 4, &attributes.expires_at)?;
    statement.raw_bind_parameter(first + 5, evidence_json(&attributes.evidence))?;
    statement.raw_bind_parameter(first + 6, &attributes.note)?;
    Ok(())
}

/// Binds a row's identity to the four parameters from `first` on: list, kind, value and key.
fn bind_identity(
    statement: &mut rusqlite::Statement<'_>,
    first: usize,
    list: List,
    identifier: &Identifier,
) -> Result<(), StoreError> {
    statement.raw_bind_parameter(first, list.as_str())?;
    statement.raw_bind_parameter(first + 1, identifier.kind.as_str())?;
    statement.raw_bind_parameter(first + 2, identifier.value.as_str())?;
    statement.raw_bind_parameter(first + 3, identifier.key as i64)?;
    Ok(())
}

/// Lookup rows one statement writes, as [`GROUP`] entries are inserted.
const LOOKUP_GROUP: usize = 64;

/// Writes the lookup rows of a batch's new entries in the order of the lookup table. An
/// import's entries come in value order, which their hashes scatter: written as they came,
/// each row would land on a random page of the table, missing the cache once it outgrows it;
/// sorted, they are appended (new entries get the largest ids) or land beside one another.
///
/// OR IGNORE only so that the statement keeps no journal of its own (see the group insert of
/// the entries): a new entry's id is in no lookup row yet, so nothing is ignored.
pub(super) fn write_lookups(
    conn: &Connection,
    mut lookups: Vec<(i64, i64)>,
) -> Result<(), StoreError> {
    if lookups.is_empty() {
        return Ok(());
    }
    lookups.sort_unstable();
    let mut groups = lookups.chunks_exact(LOOKUP_GROUP);
    if groups.len() > 0 {
        let rows = vec!["(?, ?)"; LOOKUP_GROUP].join(", ");
        let mut insert = conn.prepare_cached(&format!(
            "INSERT OR IGNORE INTO list_lookup (prefix, entry_id) VALUES {rows}"
        ))?;
        for group in groups.by_ref() {
            for (row, (prefix, id)) in group.iter().enumerate() {
                insert.raw_bind_parameter(2 * row + 1, prefix)?;
                insert.raw_bind_parameter(2 * row + 2, id)?;
            }
            insert.raw_execute()?;
        }
    }
    let mut insert = conn
        .prepare_cached("INSERT OR IGNORE INTO list_lookup (prefix, entry_id) VALUES (?1, ?2)")?;
    for (prefix, id) in groups.remainder() {
        insert.execute(params![prefix, id])?;
    }
    Ok(())
}
