//! The rule set: the one in force, replacing it, and trying a candidate on recent traffic.

use fraudwall_rules::{RuleSet, RulesFormat};
use fraudwall_store::{AuditStore, ConfigStore, StoreError};

use crate::audit;
use crate::error::{AppError, ErrorKind};
use crate::principal::Principal;

const ACTIVE_DOCUMENT: &str = "rules.document";
const ACTIVE_FORMAT: &str = "rules.format";

/// The rule set in force: the one last stored, or the built-in one.
pub fn load_active(store: &dyn ConfigStore) -> Result<RuleSet, AppError> {
    let Some(document) = store.config_get(ACTIVE_DOCUMENT)? else {
        return Ok(RuleSet::builtin());
    };
    let format = match store.config_get(ACTIVE_FORMAT)?.as_deref() {
        Some("json") => RulesFormat::Json,
        _ => RulesFormat::Toml,
    };
    RuleSet::parse(&document, format).map_err(|err| {
        AppError::new(
            ErrorKind::Internal,
            format!("the stored rule set is invalid: {err}"),
        )
    })
}

fn store_active<S: ConfigStore + ?Sized>(store: &S, rules: &RuleSet) -> Result<(), StoreError> {
    let format = match rules.format {
        RulesFormat::Toml => "toml",
        RulesFormat::Json => "json",
    };
    store.config_set(ACTIVE_FORMAT, format)?;
    store.config_set(ACTIVE_DOCUMENT, &rules.source)
}

/// Stores a validated rule set as the one in force. The caller swaps it into the engine.
pub fn replace<S: ConfigStore + AuditStore + ?Sized>(
    store: &S,
    principal: &Principal,
    rules: &RuleSet,
) -> Result<(), AppError> {
    store_active(store, rules)?;
    audit::record(
        store,
        principal,
        "rules.replace",
        "rules",
        serde_json::json!({"version": rules.version, "rules": rules.rules.len()}),
    )?;
    Ok(())
}
