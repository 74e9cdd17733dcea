//! Configuration: small named values that overwrite.

use crate::Store;

pub fn config_values_overwrite(store: &dyn Store) {
    assert_eq!(store.config_get("default_region").unwrap(), None);
    store.config_set("default_region", "CN").unwrap();
    assert_eq!(
        store.config_get("default_region").unwrap().as_deref(),
        Some("CN")
    );
    store.config_set("default_region", "HK").unwrap();
    assert_eq!(
        store.config_get("default_region").unwrap().as_deref(),
        Some("HK")
    );
}

pub fn config_keys_are_independent(store: &dyn Store) {
    store.config_set("active_rules", "7").unwrap();
    store.config_set("seeded", "").unwrap();
    store.config_set("active_rules", "8").unwrap();
    assert_eq!(
        store.config_get("active_rules").unwrap().as_deref(),
        Some("8")
    );
    // an empty value is a value, not an absent key
    assert_eq!(store.config_get("seeded").unwrap().as_deref(), Some(""));
    assert_eq!(store.config_get("active").unwrap(), None);
}
