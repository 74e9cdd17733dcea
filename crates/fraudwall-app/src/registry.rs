//! The subscriber registry and the jurisdiction tree, imported from the operators' and the
//! centre's CSV files.
//!
//! - subscribers: `phone,territory[,birth_year,occupation]` (operators, analysts, administrators);
//! - units: `code,name,level,parent[,contact,webhook]` (analysts, administrators), the
//!   province → city → district → station → grid tree with each unit's duty contacts.
//!
//! A number with no registry row lives, for warnings, in the node's default territory.

use std::collections::HashMap;
use std::io::BufRead;

use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::{Identifier, Kind};
use fraudwall_store::{Role, Store, SubscriberRecord, UnitRecord};

use crate::audit;
use crate::cards::LineReport;
use crate::error::{AppError, ErrorKind};
use crate::principal::Principal;

const BATCH: usize = 50_000;
const SUBSCRIBER_SOURCES: [Role; 3] = [Role::Admin, Role::Analyst, Role::Telco];
const UNIT_SOURCES: [Role; 2] = [Role::Admin, Role::Analyst];
const LEVELS: [&str; 5] = ["province", "city", "district", "station", "grid"];

/// What a registry or unit import did.
pub type RegistryImportReport = LineReport;

fn territory_code(text: &str) -> Result<String, String> {
    if text.is_empty() || text.len() > 24 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("territory {text:?}: a division code of digits"));
    }
    Ok(text.to_owned())
}

/// Reads a CSV with a header, row by row, and hands each row's fields by column name.
fn rows(
    input: &mut dyn BufRead,
    required: &[&str],
    mut each: impl FnMut(u64, Result<&dyn Fn(&str) -> Option<String>, String>) -> Result<(), AppError>,
    progress: &mut dyn FnMut(u64),
) -> Result<(), AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let header = reader
        .headers()
        .map_err(|err| AppError::new(ErrorKind::Invalid, format!("header: {err}")))?
        .clone();
    let columns: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
        .collect();
    if let Some(missing) = required.iter().find(|c| !columns.contains_key(**c)) {
        return Err(AppError::new(
            ErrorKind::Invalid,
            format!("the header names no {missing} column"),
        ));
    }
    let mut row = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        line += 1;
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                let field = |name: &str| {
                    columns
                        .get(name)
                        .and_then(|&c| row.get(c))
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(str::to_owned)
                };
                each(line, Ok(&field))?;
            }
            Err(err) => each(line, Err(err.to_string()))?,
        }
        if line.is_multiple_of(65_536) {
            progress(reader.position().byte());
        }
    }
    progress(reader.position().byte());
    Ok(())
}

/// Imports the subscriber registry. A malformed line is rejected alone, with its number.
pub fn import_subscribers(
    store: &dyn Store,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    input: &mut dyn BufRead,
    progress: &mut dyn FnMut(u64),
) -> Result<RegistryImportReport, AppError> {
    if !SUBSCRIBER_SOURCES.contains(&principal.role) {
        return Err(AppError::new(
            ErrorKind::ForbiddenRole,
            "the subscriber registry comes from operators, analysts and administrators",
        ));
    }
    let source = principal.org.clone().unwrap_or_else(|| principal.actor());
    let mut report = RegistryImportReport::default();
    let mut batch = Vec::with_capacity(BATCH);
    rows(
        input,
        &["phone", "territory"],
        |line, field| {
            match field.and_then(|field| subscriber(field, normalizer, &source)) {
                Ok(row) => batch.push(row),
                Err(message) => report.reject(line, message),
            }
            if batch.len() == BATCH {
                report.imported += store.put_subscribers(&batch)? as u64;
                batch.clear();
            }
            Ok(())
        },
        progress,
    )?;
    if !batch.is_empty() {
        report.imported += store.put_subscribers(&batch)? as u64;
    }
    audit::record(
        store,
        principal,
        "subscribers.import",
        "subscribers",
        serde_json::json!({"imported": report.imported, "rejected": report.rejected}),
    )?;
    Ok(report)
}

fn subscriber(
    field: &dyn Fn(&str) -> Option<String>,
    normalizer: &PhoneNormalizer,
    source: &str,
) -> Result<SubscriberRecord, String> {
    let raw = field("phone").ok_or("phone is missing")?;
    let phone =
        Identifier::parse(Kind::Number, &raw, normalizer).map_err(|e| format!("{raw}: {e}"))?;
    let territory = territory_code(&field("territory").ok_or("territory is missing")?)?;
    let birth_year = field("birth_year")
        .map(|y| match y.parse::<i32>() {
            Ok(year) if (1900..=2100).contains(&year) => Ok(year),
            _ => Err(format!("birth_year {y:?}: a year from 1900 to 2100")),
        })
        .transpose()?;
    let occupation = field("occupation");
    if occupation.as_ref().is_some_and(|o| o.len() > 64) {
        return Err("occupation: longer than 64 bytes".to_owned());
    }
    Ok(SubscriberRecord {
        key: phone.key,
        phone: phone.value,
        territory,
        birth_year,
        occupation,
        source: source.to_owned(),
    })
}

/// Imports the jurisdiction tree. A unit whose parent is neither in the file nor already known
/// is rejected, so the tree has no dangling branch.
pub fn import_units(
    store: &dyn Store,
    principal: &Principal,
    input: &mut dyn BufRead,
) -> Result<RegistryImportReport, AppError> {
    if !UNIT_SOURCES.contains(&principal.role) {
        return Err(AppError::new(
            ErrorKind::ForbiddenRole,
            "the jurisdiction tree is the centre's: analysts and administrators",
        ));
    }
    let mut report = RegistryImportReport::default();
    let mut read: Vec<(u64, UnitRecord)> = Vec::new();
    rows(
        input,
        &["code", "name", "level"],
        |line, field| {
            match field.and_then(unit) {
                Ok(unit) => read.push((line, unit)),
                Err(message) => report.reject(line, message),
            }
            Ok(())
        },
        &mut |_| {},
    )?;
    let mut known: std::collections::HashSet<String> =
        store.units()?.into_iter().map(|u| u.code).collect();
    known.extend(read.iter().map(|(_, u)| u.code.clone()));
    let mut accepted = Vec::with_capacity(read.len());
    for (line, unit) in read {
        match &unit.parent {
            Some(parent) if !known.contains(parent) => {
                report.reject(line, format!("parent {parent} is not a known unit"));
            }
            _ => accepted.push(unit),
        }
    }
    report.imported = store.put_units(&accepted)? as u64;
    audit::record(
        store,
        principal,
        "units.import",
        "units",
        serde_json::json!({"imported": report.imported, "rejected": report.rejected}),
    )?;
    Ok(report)
}

fn unit(field: &dyn Fn(&str) -> Option<String>) -> Result<UnitRecord, String> {
    let code = territory_code(&field("code").ok_or("code is missing")?)?;
    let name = field("name").ok_or("name is missing")?;
    let level = field("level").ok_or("level is missing")?;
    if !LEVELS.contains(&level.as_str()) {
        return Err(format!("level {level:?}: one of {}", LEVELS.join(", ")));
    }
    let parent = field("parent").map(|p| territory_code(&p)).transpose()?;
    if parent.as_deref() == Some(code.as_str()) {
        return Err("a unit is not its own parent".to_owned());
    }
    let webhook = field("webhook");
    if let Some(hook) = &webhook
        && !(hook.starts_with("https://") || hook.starts_with("http://"))
    {
        return Err(format!("webhook {hook:?}: an http or https address"));
    }
    Ok(UnitRecord {
        code,
        name,
        level,
        parent,
        contact: field("contact"),
        webhook,
    })
}

/// The unit tree in memory: each unit's parent, for escalation, and a fallback for codes the
/// tree does not hold (a division code cut to its parent's length).
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    parents: HashMap<String, Option<String>>,
}

impl UnitTree {
    pub fn load(store: &dyn Store) -> Result<UnitTree, AppError> {
        Ok(UnitTree {
            parents: store
                .units()?
                .into_iter()
                .map(|u| (u.code, u.parent))
                .collect(),
        })
    }

    pub fn parent_of(&self, unit: &str) -> Option<String> {
        match self.parents.get(unit) {
            Some(parent) => parent.clone(),
            None => code_parent(unit),
        }
    }
}

impl fraudwall_workflow::Units for UnitTree {
    fn parent_of(&self, unit: &str) -> Option<String> {
        UnitTree::parent_of(self, unit)
    }
}

/// The parent of a division code by its shape: a grid (12 digits) is in its station (9), a
/// station in its district (6), a district `350102` in its city `350100`, a city in its
/// province `350000`.
pub fn code_parent(code: &str) -> Option<String> {
    match code.len() {
        12 => Some(code[..9].to_owned()),
        9 => Some(code[..6].to_owned()),
        6 if !code.ends_with("00") => Some(format!("{}00", &code[..4])),
        6 if !code.ends_with("0000") => Some(format!("{}0000", &code[..2])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use fraudwall_ids::phone::Region;
    use fraudwall_store::{RegistryStore, SqliteStore};

    use super::*;

    #[test]
    fn subscribers_are_read_by_header_and_a_bad_line_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let text = "phone,territory,birth_year,occupation\n\
            +8613800000001,350102001001,1950,retired\n\
            138 0000 0002,350102001002,,\n\
            not a phone,350102001001,1950,retired\n\
            +8613800000003,fujian,1950,retired\n\
            +8613800000004,350102001001,1850,retired\n";
        let report = import_subscribers(
            &store,
            &PhoneNormalizer::new(Region::CN),
            &Principal::command_line(),
            &mut text.as_bytes(),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!((report.imported, report.rejected), (2, 3));
        let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 5, 6]);
        let second = store.subscribers_in("350102001002", 0, 10).unwrap();
        assert_eq!(second[0].phone, "+8613800000002");
        assert_eq!(second[0].birth_year, None);
    }

    #[test]
    fn a_unit_with_an_unknown_parent_is_rejected_and_codes_climb_by_shape() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let text = "code,name,level,parent,contact,webhook\n\
            350000,province,province,,,\n\
            350100,city,city,350000,,\n\
            350102,district,district,350100,+86591110,https://duty.example/350102\n\
            350102001,station,station,350102,,\n\
            350999001,orphan,station,350999,,\n\
            350102002,bad,village,350102,,\n";
        let report =
            import_units(&store, &Principal::command_line(), &mut text.as_bytes()).unwrap();
        assert_eq!((report.imported, report.rejected), (4, 2));
        let tree = UnitTree::load(&store).unwrap();
        assert_eq!(tree.parent_of("350102001").as_deref(), Some("350102"));
        assert_eq!(tree.parent_of("350000"), None);
        // a grid the tree does not hold climbs by its code
        assert_eq!(tree.parent_of("350102001007").as_deref(), Some("350102001"));
        assert_eq!(code_parent("350102").as_deref(), Some("350100"));
        assert_eq!(code_parent("350100").as_deref(), Some("350000"));
        assert_eq!(code_parent("350000"), None);
    }
}
