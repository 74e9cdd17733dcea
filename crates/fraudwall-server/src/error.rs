//! The one table of API error codes. Each code has a stable snake_case name that clients match
//! on, and the HTTP status it is answered with. Codes of a single batch slot (an invalid event)
//! are listed here too; they carry 422 as their nominal status but travel inside a 200 answer.

use axum::Json;
use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

macro_rules! error_codes {
    ($($variant:ident => ($name:literal, $status:ident, $user:literal)),* $(,)?) => {
        /// Every error the API can answer with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            pub fn status(self) -> StatusCode {
                match self {
                    $(Code::$variant => StatusCode::$status,)*
                }
            }

            /// Whether the caller can fix it (a user error) or the server failed (internal).
            pub fn is_user_error(self) -> bool {
                match self {
                    $(Code::$variant => $user,)*
                }
            }
        }
    };
}

error_codes! {
    // authentication and authorization
    MissingToken => ("missing_token", UNAUTHORIZED, true),
    InvalidToken => ("invalid_token", UNAUTHORIZED, true),
    ForbiddenRole => ("forbidden_role", FORBIDDEN, true),
    // request shape
    RouteNotFound => ("route_not_found", NOT_FOUND, true),
    MethodNotAllowed => ("method_not_allowed", METHOD_NOT_ALLOWED, true),
    MalformedJson => ("malformed_json", BAD_REQUEST, true),
    UnsupportedContentType => ("unsupported_content_type", UNSUPPORTED_MEDIA_TYPE, true),
    PayloadTooLarge => ("payload_too_large", PAYLOAD_TOO_LARGE, true),
    RequestTimeout => ("request_timeout", REQUEST_TIMEOUT, true),
    EmptyBatch => ("empty_batch", BAD_REQUEST, true),
    BatchTooLarge => ("batch_too_large", BAD_REQUEST, true),
    InvalidParameter => ("invalid_parameter", BAD_REQUEST, true),
    NotFound => ("not_found", NOT_FOUND, true),
    Conflict => ("conflict", CONFLICT, true),
    // a record with fields in error, each named with its own code
    InvalidFields => ("invalid_fields", UNPROCESSABLE_ENTITY, true),
    ForbiddenOfficial => ("forbidden_official", FORBIDDEN, true),
    ForbiddenScope => ("forbidden_scope", FORBIDDEN, true),
    // one item of evidence
    UnsupportedKind => ("unsupported_kind", UNPROCESSABLE_ENTITY, true),
    TimeInFuture => ("time_in_future", UNPROCESSABLE_ENTITY, true),
    UnknownFraudType => ("unknown_fraud_type", UNPROCESSABLE_ENTITY, true),
    FieldTooLong => ("field_too_long", UNPROCESSABLE_ENTITY, true),
    // warnings on their ladders
    OutcomeRequired => ("outcome_required", UNPROCESSABLE_ENTITY, true),
    OutcomeUnknown => ("outcome_unknown", UNPROCESSABLE_ENTITY, true),
    WarningClosed => ("warning_closed", CONFLICT, true),
    StepNotFound => ("step_not_found", NOT_FOUND, true),
    StepNotTriggered => ("step_not_triggered", CONFLICT, true),
    StepAlreadyAcknowledged => ("step_already_acknowledged", CONFLICT, true),
    // freeze requests on their deadlines
    FreezeInvalidTransition => ("freeze_invalid_transition", CONFLICT, true),
    StopPaymentLimit => ("stop_payment_limit", CONFLICT, true),
    AmountTooLarge => ("amount_too_large", UNPROCESSABLE_ENTITY, true),
    AmountZero => ("amount_zero", UNPROCESSABLE_ENTITY, true),
    ReasonRequired => ("reason_required", UNPROCESSABLE_ENTITY, true),
    // allowances
    RateLimited => ("rate_limited", TOO_MANY_REQUESTS, true),
    // rule sets
    RulesSyntax => ("rules_syntax", UNPROCESSABLE_ENTITY, true),
    RulesNoVersion => ("rules_no_version", UNPROCESSABLE_ENTITY, true),
    RulesEmpty => ("rules_empty", UNPROCESSABLE_ENTITY, true),
    RulesUnknownSignal => ("rules_unknown_signal", UNPROCESSABLE_ENTITY, true),
    RulesUnknownMeasure => ("rules_unknown_measure", UNPROCESSABLE_ENTITY, true),
    RulesUnknownEvent => ("rules_unknown_event", UNPROCESSABLE_ENTITY, true),
    RulesUnknownVerdict => ("rules_unknown_verdict", UNPROCESSABLE_ENTITY, true),
    RulesBadRisk => ("rules_bad_risk", UNPROCESSABLE_ENTITY, true),
    RulesNoCondition => ("rules_no_condition", UNPROCESSABLE_ENTITY, true),
    RulesDuplicateId => ("rules_duplicate_id", UNPROCESSABLE_ENTITY, true),
    RulesBadName => ("rules_bad_name", UNPROCESSABLE_ENTITY, true),
    // one event in a batch
    InvalidEvent => ("invalid_event", UNPROCESSABLE_ENTITY, true),
    UnknownEventKind => ("unknown_event_kind", UNPROCESSABLE_ENTITY, true),
    MissingField => ("missing_field", UNPROCESSABLE_ENTITY, true),
    UnknownField => ("unknown_field", UNPROCESSABLE_ENTITY, true),
    InvalidFieldType => ("invalid_field_type", UNPROCESSABLE_ENTITY, true),
    InvalidPhone => ("invalid_phone", UNPROCESSABLE_ENTITY, true),
    InvalidSender => ("invalid_sender", UNPROCESSABLE_ENTITY, true),
    InvalidUrl => ("invalid_url", UNPROCESSABLE_ENTITY, true),
    InvalidAccount => ("invalid_account", UNPROCESSABLE_ENTITY, true),
    InvalidPackage => ("invalid_package", UNPROCESSABLE_ENTITY, true),
    InvalidCertificate => ("invalid_certificate", UNPROCESSABLE_ENTITY, true),
    InvalidAttestation => ("invalid_attestation", UNPROCESSABLE_ENTITY, true),
    InvalidAmount => ("invalid_amount", UNPROCESSABLE_ENTITY, true),
    InvalidCurrency => ("invalid_currency", UNPROCESSABLE_ENTITY, true),
    InvalidText => ("invalid_text", UNPROCESSABLE_ENTITY, true),
    // the server's own failures
    Internal => ("internal", INTERNAL_SERVER_ERROR, false),
    StoreUnavailable => ("store_unavailable", SERVICE_UNAVAILABLE, false),
}

/// An error as it goes over the wire: `{"error": {"code": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code; see the error table in the API documentation.
    #[schema(example = "invalid_token")]
    pub code: &'static str,
    /// Human-readable, lowercase explanation. Not stable: match on `code`.
    pub message: String,
    /// With `invalid_fields`: each field in error, with its own code.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorBody>,
}

/// One field in error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// Where: `victim.phone`, `contacts[2].value`.
    pub field: String,
    /// Stable snake_case code: `phone_too_short`, `unknown_fraud_type`, `invalid_time`, …
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
    pub fields: Vec<FieldErrorBody>,
    /// Seconds to wait before trying again, sent as `Retry-After`.
    pub retry_after_s: Option<u32>,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after_s: None,
        }
    }

    pub fn internal(err: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %err, "internal error");
        ApiError::new(Code::Internal, "internal error; see the server log")
    }

    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.code.name(),
            message: self.message.clone(),
            fields: self.fields.clone(),
        }
    }
}

impl From<fraudwall_app::AppError> for ApiError {
    fn from(err: fraudwall_app::AppError) -> ApiError {
        use fraudwall_app::ErrorKind as K;
        let code = match err.kind {
            K::Invalid => Code::InvalidParameter,
            // an identifier's own code travels in batch slots; a whole request says invalid
            K::Identifier(_) => Code::InvalidParameter,
            K::ForbiddenRole => Code::ForbiddenRole,
            K::ForbiddenOfficial => Code::ForbiddenOfficial,
            K::ForbiddenScope => Code::ForbiddenScope,
            K::NotFound => Code::NotFound,
            K::Conflict => Code::Conflict,
            K::Workflow(name) => Code::ALL
                .iter()
                .copied()
                .find(|c| c.name() == name)
                .unwrap_or(Code::InvalidParameter),
            K::InvalidFields => {
                let fields = err
                    .fields
                    .iter()
                    .map(|f| FieldErrorBody {
                        field: f.field.clone(),
                        code: f.code,
                        message: f.message.clone(),
                    })
                    .collect();
                return ApiError {
                    fields,
                    ..ApiError::new(Code::InvalidFields, err.message)
                };
            }
            K::UnsupportedKind => Code::UnsupportedKind,
            K::TimeInFuture => Code::TimeInFuture,
            K::UnknownFraudType => Code::UnknownFraudType,
            K::FieldTooLong => Code::FieldTooLong,
            K::RateLimited { retry_after_s } => {
                return ApiError {
                    retry_after_s: Some(retry_after_s),
                    ..ApiError::new(Code::RateLimited, err.message)
                };
            }
            K::Store => {
                tracing::error!(error = %err, "store error");
                return ApiError::new(
                    Code::StoreUnavailable,
                    "the store failed; see the server log",
                );
            }
            K::Internal => return ApiError::internal(err),
        };
        ApiError::new(code, err.message)
    }
}

impl ApiError {
    /// The error of one slot of a batch, with the use case's own code (an identifier parser's
    /// codes are stable and travel as they are).
    pub fn slot(err: &fraudwall_app::AppError) -> ErrorBody {
        if matches!(
            err.kind,
            fraudwall_app::ErrorKind::Store | fraudwall_app::ErrorKind::Internal
        ) {
            tracing::error!(error = %err, "internal error in a batch slot");
        }
        ErrorBody {
            error: ErrorDetail {
                code: err.code(),
                message: err.message.clone(),
                fields: Vec::new(),
            },
        }
    }
}

impl From<fraudwall_rules::RulesError> for ApiError {
    fn from(err: fraudwall_rules::RulesError) -> ApiError {
        use fraudwall_rules::RulesError as E;
        let code = match &err {
            E::Syntax(_) => Code::RulesSyntax,
            E::NoVersion => Code::RulesNoVersion,
            E::NoRules => Code::RulesEmpty,
            E::UnknownSignal { .. } => Code::RulesUnknownSignal,
            E::UnknownMeasure { .. } => Code::RulesUnknownMeasure,
            E::UnknownEvent { .. } => Code::RulesUnknownEvent,
            E::UnknownVerdict { .. } => Code::RulesUnknownVerdict,
            E::BadRisk { .. } => Code::RulesBadRisk,
            E::NoCondition { .. } => Code::RulesNoCondition,
            E::DuplicateId(_) => Code::RulesDuplicateId,
            E::BadName { .. } => Code::RulesBadName,
        };
        ApiError::new(code, err.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        let body = ErrorBody {
            error: self.detail(),
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: a 401 names the scheme that would be accepted
            let challenge = match self.code {
                Code::InvalidToken => "Bearer error=\"invalid_token\"",
                _ => "Bearer",
            };
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        if let Some(seconds) = self.retry_after_s {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The code for an error answer the framework made itself, by its status.
pub fn code_for_status(status: StatusCode) -> Code {
    match status {
        StatusCode::NOT_FOUND => Code::RouteNotFound,
        StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => Code::PayloadTooLarge,
        StatusCode::REQUEST_TIMEOUT => Code::RequestTimeout,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::UnsupportedContentType,
        StatusCode::UNAUTHORIZED => Code::MissingToken,
        StatusCode::FORBIDDEN => Code::ForbiddenRole,
        StatusCode::SERVICE_UNAVAILABLE => Code::StoreUnavailable,
        status if status.is_server_error() => Code::Internal,
        _ => Code::InvalidParameter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_set_errors_keep_their_own_codes() {
        let err =
            fraudwall_rules::RuleSet::parse("version = \"v\"", fraudwall_rules::RulesFormat::Toml)
                .unwrap_err();
        assert_eq!(ApiError::from(err.clone()).code.name(), err.code());
    }

    #[test]
    fn codes_are_unique_snake_case_and_statuses_are_errors() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.name();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name} is not snake_case"
            );
            assert!(code.status().is_client_error() || code.status().is_server_error());
            assert_eq!(
                code.is_user_error(),
                code.status().is_client_error(),
                "{name}"
            );
        }
    }
}
