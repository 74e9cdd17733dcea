//! Bearer-token authentication and role authorization.
//!
//! Requests are checked against an in-memory index of token hashes, swapped atomically when
//! tokens change, so authenticating never touches the database or takes a lock. A background
//! task polls the store's token generation to pick up tokens created by other processes (the
//! `fraudwall token create` command) within one refresh period.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fraudwall_store::{Role, Store, TokenHash, TokenRecord};
use hashbrown::HashMap;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, Code};
use crate::permissions::{self, Access};

/// Who is calling, as established from their token. Handlers read it from request extensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Principal {
    pub token_id: i64,
    pub name: String,
    #[schema(value_type = String, example = "telco")]
    pub role: Role,
    /// The organisation the holder acts for, if scoped.
    pub org: Option<String>,
    /// The territory the holder may see, if scoped.
    pub territory: Option<String>,
}

impl Principal {
    /// How the principal is named in the audit log.
    pub fn actor(&self) -> String {
        format!("token:{}:{}", self.token_id, self.name)
    }
}

struct Snapshot {
    generation: u64,
    by_hash: HashMap<TokenHash, Arc<Principal>>,
}

/// The live, swappable set of valid tokens.
pub struct TokenIndex {
    current: ArcSwap<Snapshot>,
}

impl std::fmt::Debug for TokenIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let snapshot = self.current.load();
        f.debug_struct("TokenIndex")
            .field("generation", &snapshot.generation)
            .field("tokens", &snapshot.by_hash.len())
            .finish()
    }
}

impl TokenIndex {
    pub fn load(store: &dyn Store) -> Result<TokenIndex, fraudwall_store::StoreError> {
        let index = TokenIndex {
            current: ArcSwap::from_pointee(Snapshot {
                generation: u64::MAX,
                by_hash: HashMap::new(),
            }),
        };
        index.refresh(store)?;
        Ok(index)
    }

    /// Rebuilds the index if the store's tokens changed since the last build.
    pub fn refresh(&self, store: &dyn Store) -> Result<bool, fraudwall_store::StoreError> {
        let generation = store.tokens_generation()?;
        if generation == self.current.load().generation {
            return Ok(false);
        }
        let by_hash = store
            .tokens()?
            .into_iter()
            .filter(|record| record.revoked_at.is_none())
            .map(|record| (record.hash, Arc::new(principal_of(record))))
            .collect();
        self.current.store(Arc::new(Snapshot {
            generation,
            by_hash,
        }));
        Ok(true)
    }

    /// The token's holder. Shared, not copied: this runs for every request.
    pub fn authenticate(&self, token: &str) -> Option<Arc<Principal>> {
        self.current
            .load()
            .by_hash
            .get(&TokenHash::of(token))
            .cloned()
    }
}

fn principal_of(record: TokenRecord) -> Principal {
    Principal {
        token_id: record.id,
        name: record.name,
        role: record.role,
        org: record.org,
        territory: record.territory,
    }
}

/// Keeps the token index in step with the store until the process ends. A plain thread, not
/// a task: the poll blocks on the store, and handing it to the async runtime's blocking pool
/// every period woke threads on the cores serving requests, which showed in tail latencies.
pub fn spawn_refresher(tokens: Arc<TokenIndex>, store: Arc<dyn Store>, every: Duration) {
    let spawned = std::thread::Builder::new()
        .name("fraudwall-tokens".into())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                match tokens.refresh(store.as_ref()) {
                    Ok(true) => tracing::info!("token index reloaded"),
                    Ok(false) => {}
                    Err(err) => tracing::warn!(error = %err, "token refresh failed"),
                }
            }
        });
    if let Err(err) = spawned {
        tracing::error!(error = %err, "cannot start the token refresher");
    }
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
        Ok(token) => match state.tokens.authenticate(token) {
            Some(principal) => principal,
            None => {
                return ApiError::new(Code::InvalidToken, "the token is unknown or revoked")
                    .into_response();
            }
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
