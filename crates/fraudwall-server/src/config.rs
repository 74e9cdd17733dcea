//! Server configuration: built-in defaults, overlaid by a TOML file, overlaid by `FRAUDWALL_*`
//! environment variables. Unknown keys are rejected wherever they come from, so a typo never
//! silently leaves a default in force.
//!
//! An environment variable names a key as `FRAUDWALL_<SECTION>__<KEY>`, for example
//! `FRAUDWALL_SERVER__LISTEN=0.0.0.0:8080`. Variables without the double underscore are not
//! configuration keys (the command line reads some of them, such as `FRAUDWALL_DATA_DIR`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerSection,
    pub store: StoreSection,
    pub log: LogSection,
    pub identifiers: IdentifiersSection,
    pub auth: AuthSection,
    pub lists: ListsSection,
    pub text: TextSection,
    pub reputation: ReputationSection,
    pub audit: AuditSection,
    pub limits: LimitsSection,
    pub warnings: WarningsSection,
    pub screening: ScreeningSection,
    pub funds: FundsSection,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSection {
    pub listen: SocketAddr,
    /// Largest accepted request body. A full batch of 10,000 SMS events fits comfortably.
    pub body_limit_bytes: usize,
    pub request_timeout_ms: u64,
    /// How long in-flight requests may run after a shutdown signal.
    pub shutdown_grace_ms: u64,
    /// How long a request's head may take to arrive, from its first byte: a client that sends
    /// a header a byte at a time holds a connection no longer than this.
    pub header_read_timeout_ms: u64,
    /// How long a connection may stay open with no request in flight and no byte moving.
    pub idle_timeout_ms: u64,
    /// Connections served at once; further clients wait in the listen backlog until one
    /// closes. It is capped below the process's open-file limit, so that the store and the
    /// listener always get a descriptor.
    pub max_connections: usize,
    /// Read the client's address, for what is limited per address, from the last entry of
    /// `X-Forwarded-For` instead of the connection's peer. Only behind a proxy that appends it:
    /// anyone else could write any address there.
    pub trust_forwarded_for: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreSection {
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    pub format: LogFormat,
    /// A tracing `EnvFilter` directive, such as `info` or `fraudwall_server=debug,info`.
    pub filter: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdentifiersSection {
    /// ISO 3166 region assumed for phone numbers written without a country code.
    pub default_region: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSection {
    /// How often the server looks for tokens created or revoked by other processes.
    pub token_refresh_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ListsSection {
    /// How often the server looks for list changes made by other processes (its own changes
    /// apply at once).
    pub refresh_ms: u64,
    /// Seed the official whitelist of the default region into an empty store.
    pub official_whitelist: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TextSection {
    /// The SMS text model: `bundled`, `none`, or the path of a model file.
    pub model: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReputationSection {
    /// Run the reputation job in the background (an administrator can always run it on demand).
    pub enabled: bool,
    /// Seconds between passes of the job.
    pub period_s: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WarningsSection {
    /// How far back counter-inspection looks from a case's report, in days.
    pub window_days: u32,
    /// Where a number with no subscriber registry row is warned: a division code.
    pub default_territory: String,
}

impl Default for WarningsSection {
    fn default() -> Self {
        WarningsSection {
            window_days: 30,
            default_territory: "000000".to_owned(),
        }
    }
}

/// How a case's money is traced and its freezes requested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FundsSection {
    /// Hops a trace follows when a request names no depth (1 to 32).
    pub depth: u8,
    /// Money left in an account below this many yuan is not worth a freeze request.
    pub min_request_yuan: u32,
    /// Hours after a case's latest freeze request that its money is still followed on its own.
    pub retrace_window_hours: u32,
    /// Seconds between passes of the `freezes-retrace` job.
    pub retrace_period_s: u32,
}

/// The application's defaults, in the units the configuration speaks.
impl Default for FundsSection {
    fn default() -> Self {
        let settings = fraudwall_app::funds::FundsSettings::default();
        FundsSection {
            depth: settings.depth,
            min_request_yuan: (settings.min_request_cents / 100) as u32,
            retrace_window_hours: (settings.retrace_window_s / 3_600) as u32,
            retrace_period_s: settings.retrace_period.as_secs() as u32,
        }
    }
}

/// What transfer screening counts as danger and as a mule pattern; the defaults were set on
/// one simulated province.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScreeningSection {
    /// Seconds after a call with a black-listed number ends that the callee's transfers are
    /// still made in its danger.
    pub call_grace_s: u32,
    /// An account opened within this many days is young ...
    pub young_account_days: u32,
    /// ... and paid by this many payers within `payers_window_days`, a mule pattern.
    pub young_account_payers: u32,
    pub payers_window_days: u32,
    /// Transfers below this many yuan are small ...
    pub small_transfer_yuan: u32,
    /// ... and this many from one payer into one account within a day split a sum.
    pub small_transfers_per_day: u32,
    /// Victims of this many different cases who paid one account make it a mule lead.
    pub mule_lead_victims: u32,
}

/// The application's defaults, in the units the configuration speaks.
impl Default for ScreeningSection {
    fn default() -> Self {
        let settings = fraudwall_app::screening::ScreeningSettings::default();
        let days = |s: i64| (s / 86_400) as u32;
        ScreeningSection {
            call_grace_s: settings.call_grace_s as u32,
            young_account_days: days(settings.young_account_s),
            young_account_payers: settings.young_account_payers as u32,
            payers_window_days: days(settings.payers_window_s),
            small_transfer_yuan: (settings.small_transfer_cents / 100) as u32,
            small_transfers_per_day: settings.small_transfers_per_day as u32,
            mule_lead_victims: settings.mule_lead_victims as u32,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSection {
    /// The Ed25519 key that signs the audit log's head (made if missing); by default
    /// `audit-signing.key` in the data directory. Keep it where the database's writers cannot.
    pub signing_key: Option<PathBuf>,
    /// The append-only file of signed checkpoints; by default `audit-checkpoints.ndjson` in the
    /// data directory.
    pub checkpoints: Option<PathBuf>,
    /// Milliseconds between checks for a moved head to sign.
    pub checkpoint_interval_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsSection {
    /// Evidence items a token may add a minute (a request may spend one minute's worth).
    pub evidence_per_minute: u32,
    /// The same for a reporter's token: citizens and reporting channels.
    pub reporter_evidence_per_minute: u32,
    /// Clues a token may send a minute.
    pub clues_per_minute: u32,
    /// The same for a reporter's token.
    pub reporter_clues_per_minute: u32,
    /// Clues one client address may send a minute without a token (`POST /v1/public/clues`).
    pub public_clues_per_minute: u32,
}

impl Default for LimitsSection {
    fn default() -> Self {
        let rates = fraudwall_app::ratelimit::Rates::default();
        let clues = fraudwall_app::ClueLimits::default();
        LimitsSection {
            evidence_per_minute: rates.per_minute,
            reporter_evidence_per_minute: rates.reporter_per_minute,
            clues_per_minute: clues.rates.per_minute,
            reporter_clues_per_minute: clues.rates.reporter_per_minute,
            public_clues_per_minute: clues.public_per_minute,
        }
    }
}

impl Default for AuditSection {
    fn default() -> Self {
        AuditSection {
            signing_key: None,
            checkpoints: None,
            checkpoint_interval_ms: 1_000,
        }
    }
}

impl Default for ReputationSection {
    fn default() -> Self {
        ReputationSection {
            enabled: true,
            period_s: 60,
        }
    }
}

impl Default for ListsSection {
    fn default() -> Self {
        ListsSection {
            refresh_ms: 200,
            official_whitelist: true,
        }
    }
}

impl Default for TextSection {
    fn default() -> Self {
        TextSection {
            model: "bundled".to_owned(),
        }
    }
}

impl Default for ServerSection {
    fn default() -> Self {
        ServerSection {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: 32 * 1024 * 1024,
            request_timeout_ms: 30_000,
            shutdown_grace_ms: 10_000,
            header_read_timeout_ms: 10_000,
            idle_timeout_ms: 60_000,
            max_connections: 1_000,
            trust_forwarded_for: false,
        }
    }
}

impl Default for StoreSection {
    fn default() -> Self {
        StoreSection {
            data_dir: PathBuf::from("fraudwall-data"),
        }
    }
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            format: LogFormat::Text,
            filter: "info".to_owned(),
        }
    }
}

impl Default for IdentifiersSection {
    fn default() -> Self {
        IdentifiersSection {
            default_region: "CN".to_owned(),
        }
    }
}

impl Default for AuthSection {
    fn default() -> Self {
        AuthSection {
            token_refresh_ms: 250,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("invalid environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

const ENV_PREFIX: &str = "FRAUDWALL_";

impl Config {
    /// Loads the configuration from an optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Config::load_from(file, std::env::vars())
    }

    /// Like [`Config::load`], with the environment given explicitly (for tests).
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table = toml::Table::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?;
            table = text
                .parse::<toml::Table>()
                .map_err(|err| ConfigError::File {
                    path: path.to_owned(),
                    message: err.message().to_owned(),
                })?;
            // Validate the file on its own first, so its errors name the file.
            table
                .clone()
                .try_into::<Config>()
                .map_err(|err| ConfigError::File {
                    path: path.to_owned(),
                    message: err.message().to_owned(),
                })?;
        }
        let mut env: Vec<(String, String)> = env
            .into_iter()
            .filter(|(name, _)| name.starts_with(ENV_PREFIX) && name.contains("__"))
            .collect();
        env.sort();
        for (name, value) in env {
            overlay_env(&mut table, &name, &value)?;
            // Check after each variable, so the error names the variable that caused it.
            table
                .clone()
                .try_into::<Config>()
                .map_err(|err| ConfigError::Env {
                    name: name.clone(),
                    message: err.message().to_owned(),
                })?;
        }
        let config: Config = table
            .try_into()
            .map_err(|err: toml::de::Error| ConfigError::Invalid(err.message().to_owned()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let limits = &self.limits;
        if [
            limits.evidence_per_minute,
            limits.reporter_evidence_per_minute,
            limits.clues_per_minute,
            limits.reporter_clues_per_minute,
            limits.public_clues_per_minute,
        ]
        .contains(&0)
        {
            return Err(ConfigError::Invalid(
                "limits must be greater than zero".to_owned(),
            ));
        }
        let region = &self.identifiers.default_region;
        if region.len() != 2 || !region.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ConfigError::Invalid(format!(
                "identifiers.default_region must be a two-letter upper-case region code, got {region:?}"
            )));
        }
        if self.server.body_limit_bytes < 1024 {
            return Err(ConfigError::Invalid(
                "server.body_limit_bytes must be at least 1024".to_owned(),
            ));
        }
        if self.server.request_timeout_ms == 0
            || self.auth.token_refresh_ms == 0
            || self.lists.refresh_ms == 0
            || self.reputation.period_s == 0
            || self.audit.checkpoint_interval_ms == 0
        {
            return Err(ConfigError::Invalid(
                "durations must be greater than zero".to_owned(),
            ));
        }
        let territory = &self.warnings.default_territory;
        if territory.is_empty() || !territory.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConfigError::Invalid(format!(
                "warnings.default_territory must be a division code of digits, got {territory:?}"
            )));
        }
        if self.warnings.window_days == 0 {
            return Err(ConfigError::Invalid(
                "warnings.window_days must be greater than zero".to_owned(),
            ));
        }
        let funds = &self.funds;
        if !(1..=fraudwall_app::funds::MAX_DEPTH).contains(&funds.depth) {
            return Err(ConfigError::Invalid(format!(
                "funds.depth must be within 1..={}, got {}",
                fraudwall_app::funds::MAX_DEPTH,
                funds.depth
            )));
        }
        if funds.retrace_window_hours == 0 || funds.retrace_period_s == 0 {
            return Err(ConfigError::Invalid(
                "funds.retrace_window_hours and funds.retrace_period_s must be greater than zero"
                    .to_owned(),
            ));
        }
        let screening = &self.screening;
        if [
            screening.young_account_days,
            screening.young_account_payers,
            screening.payers_window_days,
            screening.small_transfer_yuan,
            screening.small_transfers_per_day,
        ]
        .contains(&0)
            || screening.mule_lead_victims < 2
        {
            return Err(ConfigError::Invalid(
                "screening thresholds must be greater than zero, and mule_lead_victims at least 2"
                    .to_owned(),
            ));
        }
        Ok(())
    }
}

fn overlay_env(table: &mut toml::Table, name: &str, value: &str) -> Result<(), ConfigError> {
    let env_error = |message: String| ConfigError::Env {
        name: name.to_owned(),
        message,
    };
    let path = name[ENV_PREFIX.len()..].to_ascii_lowercase();
    let mut keys: Vec<&str> = path.split("__").collect();
    if keys.iter().any(|key| key.is_empty()) {
        return Err(env_error("empty key segment".to_owned()));
    }
    let leaf = keys.pop().unwrap_or_default();
    let mut current = table;
    for key in keys {
        let entry = current
            .entry(key.to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match entry {
            toml::Value::Table(inner) => inner,
            _ => return Err(env_error(format!("{key} is not a section"))),
        };
    }
    current.insert(leaf.to_owned(), parse_env_value(value));
    Ok(())
}

/// Environment values are strings; numbers and booleans are recognised so that
/// `FRAUDWALL_SERVER__REQUEST_TIMEOUT_MS=500` means the number 500.
fn parse_env_value(value: &str) -> toml::Value {
    if let Ok(int) = value.parse::<i64>() {
        return toml::Value::Integer(int);
    }
    match value {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_hold_without_file_or_environment() {
        let config = Config::load_from(None, env(&[])).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fraudwall.toml");
        std::fs::write(
            &path,
            "[server]\nlisten = \"0.0.0.0:9000\"\nrequest_timeout_ms = 100\n[log]\nformat = \"json\"\n",
        )
        .unwrap();
        let config = Config::load_from(
            Some(&path),
            env(&[
                ("FRAUDWALL_SERVER__REQUEST_TIMEOUT_MS", "500"),
                ("FRAUDWALL_IDENTIFIERS__DEFAULT_REGION", "HK"),
                ("FRAUDWALL_DATA_DIR", "ignored: not a config key"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(config.server.listen.port(), 9000);
        assert_eq!(config.server.request_timeout_ms, 500);
        assert_eq!(config.log.format, LogFormat::Json);
        assert_eq!(config.identifiers.default_region, "HK");
    }

    #[test]
    fn unknown_keys_are_rejected_from_file_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fraudwall.toml");
        std::fs::write(&path, "[server]\nlisten_addr = \"0.0.0.0:9000\"\n").unwrap();
        let err = Config::load_from(Some(&path), env(&[])).unwrap_err();
        assert!(matches!(err, ConfigError::File { .. }), "{err}");
        assert!(err.to_string().contains("listen_addr"), "{err}");

        let err = Config::load_from(None, env(&[("FRAUDWALL_SERVER__LISTN", "x")])).unwrap_err();
        assert!(err.to_string().contains("listn"), "{err}");

        let err = Config::load_from(None, env(&[("FRAUDWALL_NOPE__X", "1")])).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn bad_values_are_rejected() {
        let err = Config::load_from(None, env(&[("FRAUDWALL_SERVER__LISTEN", "nowhere")]));
        assert!(err.is_err());
        let err = Config::load_from(
            None,
            env(&[("FRAUDWALL_IDENTIFIERS__DEFAULT_REGION", "china")]),
        );
        assert!(err.is_err());
    }

    #[test]
    fn fund_settings_are_read_and_checked() {
        let config = Config::load_from(
            None,
            env(&[
                ("FRAUDWALL_FUNDS__RETRACE_WINDOW_HOURS", "24"),
                ("FRAUDWALL_FUNDS__MIN_REQUEST_YUAN", "50"),
            ]),
        )
        .unwrap();
        let settings = crate::funds_settings(&config);
        assert_eq!(settings.retrace_window_s, 86_400);
        assert_eq!(settings.min_request_cents, 5_000);
        assert_eq!(
            crate::funds_settings(&Config::default()),
            fraudwall_app::funds::FundsSettings::default()
        );
        for bad in [
            ("FRAUDWALL_FUNDS__DEPTH", "0"),
            ("FRAUDWALL_FUNDS__DEPTH", "33"),
            ("FRAUDWALL_FUNDS__RETRACE_PERIOD_S", "0"),
        ] {
            let err = Config::load_from(None, env(&[bad])).unwrap_err();
            assert!(err.to_string().contains("funds"), "{err}");
        }
    }

    #[test]
    fn screening_thresholds_are_read_and_checked() {
        let config = Config::load_from(
            None,
            env(&[
                ("FRAUDWALL_SCREENING__YOUNG_ACCOUNT_DAYS", "30"),
                ("FRAUDWALL_SCREENING__SMALL_TRANSFER_YUAN", "200"),
            ]),
        )
        .unwrap();
        let settings = crate::screening_settings(&config);
        assert_eq!(settings.young_account_s, 30 * 86_400);
        assert_eq!(settings.small_transfer_cents, 20_000);
        let defaults = crate::screening_settings(&Config::default());
        assert_eq!(
            defaults,
            fraudwall_app::screening::ScreeningSettings::default()
        );
        for bad in [
            ("FRAUDWALL_SCREENING__YOUNG_ACCOUNT_PAYERS", "0"),
            ("FRAUDWALL_SCREENING__MULE_LEAD_VICTIMS", "1"),
        ] {
            let err = Config::load_from(None, env(&[bad])).unwrap_err();
            assert!(err.to_string().contains("screening"), "{err}");
        }
    }
}
