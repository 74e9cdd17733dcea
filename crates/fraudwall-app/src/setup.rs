//! What a node does once when it starts: seed the official whitelist, load the text model.

use std::sync::Arc;

use fraudwall_ids::phone::Region;
use fraudwall_store::{ConfigStore, ListStore};

use crate::error::{AppError, ErrorKind};

/// Puts the official numbers on the white list once, when a store is first used; after that
/// they are the administrators' to change.
pub fn seed_official_whitelist<S: ConfigStore + ListStore + ?Sized>(
    store: &S,
    region: Region,
) -> Result<(), AppError> {
    const SEEDED: &str = "lists.official_whitelist_seeded";
    if store.config_get(SEEDED)?.is_some() {
        return Ok(());
    }
    let changes = fraudwall_lists::official::official_whitelist(region);
    let applied = store.apply_list_changes(&changes, "fraudwall", true)?;
    store.config_set(SEEDED, &applied.version.to_string())?;
    tracing::info!(numbers = changes.len(), "official whitelist seeded");
    Ok(())
}

/// The SMS text model a setting names: `bundled`, `none`, or the path of a model file.
pub fn load_model(setting: &str) -> Result<Option<Arc<fraudwall_text::Model>>, AppError> {
    let model = match setting {
        "none" => return Ok(None),
        "bundled" => fraudwall_text::Model::bundled(),
        path => {
            let bytes = std::fs::read(path).map_err(|err| {
                AppError::new(
                    ErrorKind::Internal,
                    format!("cannot read text model {path}: {err}"),
                )
            })?;
            fraudwall_text::Model::from_bytes(&bytes)
        }
    }
    .map_err(|err| AppError::new(ErrorKind::Internal, format!("text model: {err}")))?;
    tracing::info!(version = model.version(), "text model loaded");
    Ok(Some(Arc::new(model)))
}
