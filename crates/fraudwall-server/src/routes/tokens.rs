//! Token administration over the API (the command line offers the same for bootstrapping).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use fraudwall_store::{NewToken, Role, TokenRecord, mint_token};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::JsonBody;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    #[schema(value_type = String, example = "station")]
    pub role: Role,
    #[schema(example = "gulou police station")]
    pub name: String,
    pub org: Option<String>,
    #[schema(example = "350102")]
    pub territory: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    #[schema(value_type = String)]
    pub role: Role,
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
            role: record.role,
            name: record.name,
            org: record.org,
            territory: record.territory,
            created_at: record.created_at,
            revoked_at: record.revoked_at,
        }
    }
}

/// Creates a token. The clear token is in the answer and nowhere else.
#[utoipa::path(post, path = "/v1/tokens", tag = "tokens", request_body = CreateToken,
    responses(
        (status = 201, description = "created", body = CreatedToken),
        (status = 400, description = "invalid body", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    JsonBody(body): JsonBody<CreateToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let name = body.name.trim().to_owned();
    if name.is_empty() {
        return Err(ApiError::new(
            Code::InvalidParameter,
            "name must not be empty",
        ));
    }
    let new = NewToken {
        role: body.role,
        name,
        org: non_empty(body.org),
        territory: non_empty(body.territory),
    };
    let actor = principal.actor();
    let created = state
        .blocking(move |store| {
            let (token, hash) = mint_token()?;
            let record = store.create_token(&new, &hash)?;
            crate::audit_event(
                store,
                &actor,
                "token.create",
                &format!("token:{}", record.id),
                serde_json::json!({"role": record.role, "name": record.name}),
            )?;
            Ok((token, record))
        })
        .await?;
    state.refresh_tokens().await;
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
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    let records = state.blocking(|store| store.tokens()).await?;
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
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = principal.actor();
    let revoked = state
        .blocking(move |store| {
            let revoked = store.revoke_token(id)?;
            if revoked {
                crate::audit_event(
                    store,
                    &actor,
                    "token.revoke",
                    &format!("token:{id}"),
                    serde_json::json!({}),
                )?;
            }
            Ok(revoked)
        })
        .await?;
    if !revoked {
        return Err(ApiError::new(
            Code::NotFound,
            format!("no active token {id}"),
        ));
    }
    state.refresh_tokens().await;
    Ok(StatusCode::NO_CONTENT)
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}
