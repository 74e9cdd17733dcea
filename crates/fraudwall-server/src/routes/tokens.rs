//! Token administration over the API (the command line offers the same for bootstrapping).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use fraudwall_app::records::{NewToken, Role, TokenRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::{ApiPath, JsonBody};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// admin, analyst, station, bank, telco, reporter or monitor.
    #[schema(example = "station")]
    pub role: String,
    #[schema(example = "gulou police station", min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub org: Option<String>,
    #[schema(example = "350102", max_length = 64)]
    pub territory: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub role: &'static str,
    pub name: String,
    pub org: Option<String>,
    pub territory: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    /// The clear token. It is shown once and never stored.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenInfo,
}

impl From<TokenRecord> for TokenInfo {
    fn from(record: TokenRecord) -> TokenInfo {
        TokenInfo {
            id: record.id,
            role: record.role.as_str(),
            name: record.name,
            org: record.org,
            territory: record.territory,
            created_at: super::rfc3339(record.created_at),
            revoked_at: record.revoked_at.map(super::rfc3339),
        }
    }
}

/// Creates a token. The clear token is in the answer and nowhere else.
#[utoipa::path(post, path = "/v1/tokens", tag = "tokens", request_body = CreateToken,
    responses(
        (status = 201, description = "created", body = CreatedToken),
        (status = 400, description = "invalid body", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed, or the token outside the caller's scope", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    JsonBody(body): JsonBody<CreateToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let role: Role = body
        .role
        .parse()
        // the role is part of the body's shape, as it was when serde read it
        .map_err(|err: fraudwall_app::records::UnknownRole| {
            ApiError::new(Code::MalformedJson, format!("invalid json body: {err}"))
        })?;
    let new = NewToken {
        role,
        name: body.name,
        org: body.org,
        territory: body.territory,
    };
    let created = state
        .blocking(move |app| app.create_token(&principal, new))
        .await?;
    let (token, record) = created;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token,
            info: record.into(),
        }),
    ))
}

/// Lists tokens (never their secrets).
#[utoipa::path(get, path = "/v1/tokens", tag = "tokens",
    responses(
        (status = 200, description = "all tokens", body = [TokenInfo]),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    let records = state
        .blocking(move |app| app.list_tokens(&principal))
        .await?;
    Ok(Json(records.into_iter().map(TokenInfo::from).collect()))
}

/// Revokes a token; it stops working within the token refresh period on every node.
#[utoipa::path(delete, path = "/v1/tokens/{id}", tag = "tokens",
    params(("id" = i64, Path, description = "token id")),
    responses(
        (status = 204, description = "revoked"),
        (status = 404, description = "no such active token", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .blocking(move |app| app.revoke_token(&principal, id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
