//! The errors use cases answer with. Each has a stable snake_case code; the HTTP adapter maps
//! the kinds to statuses and keeps the codes.

use fraudwall_store::StoreError;

/// Why a use case refused or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller's input is wrong.
    Invalid,
    /// An identifier did not parse; the code is the identifier parser's own.
    Identifier(&'static str),
    /// The role may not do this.
    ForbiddenRole,
    /// Official entries are an administrator's.
    ForbiddenOfficial,
    /// The record is outside the caller's territory or organisation.
    ForbiddenScope,
    NotFound,
    /// Evidence is taken about numbers, sender ids, domains, urls and ips only.
    UnsupportedKind,
    TimeInFuture,
    /// A fraud type outside the taxonomy.
    UnknownFraudType,
    /// A text or list longer than its bound (see [`crate::limits`]).
    FieldTooLong,
    /// The caller sent more than its allowance (see [`crate::ratelimit`]); try again after this.
    RateLimited {
        retry_after_s: u32,
    },
    /// Several fields of one record are wrong; each is named in [`AppError::fields`].
    InvalidFields,
    /// The record changed since the caller read it, or is already in the state asked for.
    Conflict,
    /// A warning or freeze request refused the transition; the code is the workflow's own
    /// (`outcome_required`, `warning_closed`, …).
    Workflow(&'static str),
    /// The store failed; the message is for the log, not the caller.
    Store,
    /// The server's own failure: a file, a thread.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    /// With [`ErrorKind::InvalidFields`]: each field in error, with its own code.
    pub fields: Vec<FieldError>,
}

/// One field of a record in error: where (`contacts[2].value`), a stable code, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> FieldError {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> AppError {
        AppError {
            kind,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A record with these fields in error.
    pub fn fields(fields: Vec<FieldError>) -> AppError {
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        AppError {
            kind: ErrorKind::InvalidFields,
            message: format!("invalid fields: {}", names.join(", ")),
            fields,
        }
    }

    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::Invalid, message)
    }

    /// The stable code of the error.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Invalid => "invalid_parameter",
            ErrorKind::Identifier(code) => code,
            ErrorKind::ForbiddenRole => "forbidden_role",
            ErrorKind::ForbiddenOfficial => "forbidden_official",
            ErrorKind::ForbiddenScope => "forbidden_scope",
            ErrorKind::NotFound => "not_found",
            ErrorKind::UnsupportedKind => "unsupported_kind",
            ErrorKind::TimeInFuture => "time_in_future",
            ErrorKind::UnknownFraudType => "unknown_fraud_type",
            ErrorKind::FieldTooLong => "field_too_long",
            ErrorKind::RateLimited { .. } => "rate_limited",
            ErrorKind::InvalidFields => "invalid_fields",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Workflow(code) => code,
            ErrorKind::Store => "store_unavailable",
            ErrorKind::Internal => "internal",
        }
    }
}

/// A fraud type as given, empty meaning none, checked against the taxonomy.
pub fn fraud_type(given: Option<String>) -> Result<Option<String>, AppError> {
    match given {
        Some(code) if code.trim().is_empty() => Ok(None),
        Some(code) if !fraudwall_lists::taxonomy::is_fraud_type(&code) => Err(AppError::new(
            ErrorKind::UnknownFraudType,
            fraudwall_lists::taxonomy::unknown_fraud_type(&code),
        )),
        given => Ok(given),
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> AppError {
        match err {
            StoreError::InvalidHashPrefix { .. } => AppError::invalid(err.to_string()),
            other => AppError::new(ErrorKind::Store, other.to_string()),
        }
    }
}

impl From<fraudwall_lists::entry::IdentifierError> for AppError {
    fn from(err: fraudwall_lists::entry::IdentifierError) -> AppError {
        AppError::new(ErrorKind::Identifier(err.code), err.message)
    }
}

impl From<fraudwall_records::IndexError> for AppError {
    fn from(err: fraudwall_records::IndexError) -> AppError {
        AppError::new(ErrorKind::Store, err.to_string())
    }
}
