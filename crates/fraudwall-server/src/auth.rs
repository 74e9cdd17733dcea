//! Bearer-token authentication and role authorization.
//!
//! Requests are checked against the application's in-memory token index, swapped atomically
//! when tokens change, so authenticating a known token never touches the database or takes a
//! lock. A token the index does not know yet (one `fraudwall token create` just made in another
//! process) is looked up in the store once, off the reactor, before it is refused.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
pub use fraudwall_app::Principal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, Code};
use crate::permissions::{self, Access};

/// The caller as `GET /v1/whoami` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = Principal)]
pub struct PrincipalView {
    pub token_id: i64,
    pub name: String,
    #[schema(example = "telco")]
    pub role: &'static str,
    /// The organisation the holder acts for, if scoped.
    pub org: Option<String>,
    /// The territory the holder may see, if scoped.
    pub territory: Option<String>,
}

impl From<&Principal> for PrincipalView {
    fn from(principal: &Principal) -> PrincipalView {
        PrincipalView {
            token_id: principal.token_id.unwrap_or_default(),
            name: principal.name.clone(),
            role: principal.role.as_str(),
            org: principal.org.clone(),
            territory: principal.territory.clone(),
        }
    }
}

async fn authenticate(state: &AppState, token: &str) -> Result<Arc<Principal>, ApiError> {
    if let Some(principal) = state.app.tokens().authenticate(token) {
        return Ok(principal);
    }
    let token = token.to_owned();
    state
        .blocking(move |app| app.authenticate_unknown(&token))
        .await?
        .ok_or_else(|| ApiError::new(Code::InvalidToken, "the token is unknown or revoked"))
}

/// Denies by default: a route must be in the permission table, and unless it is public the
/// caller must present a valid token whose role the table allows.
pub async fn authorize(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(path) = matched else {
        return ApiError::new(Code::RouteNotFound, "no such route").into_response();
    };
    let access = permissions::lookup(request.method().as_str(), path.as_str());
    let roles = match access {
        Some(Access::Public) => return next.run(request).await,
        Some(Access::Roles(roles)) => roles,
        None => {
            return ApiError::new(Code::ForbiddenRole, "this route is not open to any role")
                .into_response();
        }
    };
    let principal = match bearer_token(&request) {
        Err(err) => return err.into_response(),
        Ok(token) => match authenticate(&state, token).await {
            Ok(principal) => principal,
            Err(err) => return err.into_response(),
        },
    };
    if !roles.contains(&principal.role) {
        return ApiError::new(
            Code::ForbiddenRole,
            format!(
                "role {} may not call {} {}",
                principal.role,
                request.method(),
                path.as_str()
            ),
        )
        .into_response();
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

fn bearer_token(request: &Request) -> Result<&str, ApiError> {
    let header = request.headers().get(AUTHORIZATION).ok_or_else(|| {
        ApiError::new(
            Code::MissingToken,
            "an authorization bearer token is required",
        )
    })?;
    let value = header
        .to_str()
        .map_err(|_| ApiError::new(Code::InvalidToken, "the authorization header is not ascii"))?;
    let (scheme, token) = value.split_once(' ').ok_or_else(|| {
        ApiError::new(Code::InvalidToken, "expected `Authorization: Bearer TOKEN`")
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::new(
            Code::InvalidToken,
            "expected `Authorization: Bearer TOKEN`",
        ));
    }
    Ok(token.trim())
}
