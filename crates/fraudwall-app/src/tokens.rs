//! API tokens: the in-memory index requests are authenticated against, and the use cases that
//! create, list and revoke tokens.
//!
//! Known tokens are checked against an index swapped atomically when tokens change, so the
//! common case never touches the store or takes a lock. A token the index does not know yet
//! (made by `fraudwall token create` in another process a moment ago) is looked up in the store
//! once before it is refused; misses are remembered for a short while and store lookups for
//! unknown tokens are rationed, so that guessing tokens cannot flood the store.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use fraudwall_store::{
    AuditStore, NewToken, StoreError, TokenHash, TokenRecord, TokenStore, mint_token,
};
use hashbrown::HashMap;

use crate::audit;
use crate::error::{AppError, ErrorKind};
use crate::principal::{Owner, Principal, Scope};

/// How long a token the store did not know is refused without asking again.
const MISS_TTL: Duration = Duration::from_secs(2);
/// Misses remembered at most; past it the oldest half is forgotten.
const MISS_CAPACITY: usize = 4_096;
/// Store lookups of unknown tokens allowed per second, across all callers.
const LOOKUPS_PER_SECOND: u32 = 64;

struct Index {
    generation: u64,
    by_hash: HashMap<TokenHash, Arc<Principal>>,
}

/// Recently refused tokens and the lookup budget.
struct Misses {
    seen: HashMap<TokenHash, Instant>,
    window: Instant,
    lookups: u32,
}

/// The live, swappable set of valid tokens.
pub struct TokenIndex {
    current: ArcSwap<Index>,
    misses: Mutex<Misses>,
}

impl std::fmt::Debug for TokenIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let index = self.current.load();
        f.debug_struct("TokenIndex")
            .field("generation", &index.generation)
            .field("tokens", &index.by_hash.len())
            .finish()
    }
}

impl TokenIndex {
    pub fn load(store: &dyn TokenStore) -> Result<TokenIndex, StoreError> {
        let index = TokenIndex {
            current: ArcSwap::from_pointee(Index {
                generation: u64::MAX,
                by_hash: HashMap::new(),
            }),
            misses: Mutex::new(Misses {
                seen: HashMap::new(),
                window: Instant::now(),
                lookups: 0,
            }),
        };
        index.refresh(store)?;
        Ok(index)
    }

    /// Rebuilds the index if the store's tokens changed since the last build.
    pub fn refresh(&self, store: &dyn TokenStore) -> Result<bool, StoreError> {
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
        self.current.store(Arc::new(Index {
            generation,
            by_hash,
        }));
        Ok(true)
    }

    /// The holder of a token the index knows: lock-free, no store. Shared, not copied: this
    /// runs for every request.
    pub fn authenticate(&self, token: &str) -> Option<Arc<Principal>> {
        self.current
            .load()
            .by_hash
            .get(&TokenHash::of(token))
            .cloned()
    }

    /// The holder of a token the index does not know, looked up in the store once: blocks on
    /// the store, so async callers run it off the reactor. Refused without a lookup when the
    /// token was refused a moment ago or the lookup budget of this second is spent.
    pub fn authenticate_unknown(
        &self,
        store: &dyn TokenStore,
        token: &str,
    ) -> Result<Option<Arc<Principal>>, StoreError> {
        let hash = TokenHash::of(token);
        if let Some(known) = self.current.load().by_hash.get(&hash) {
            return Ok(Some(known.clone()));
        }
        if !self.may_look_up(&hash) {
            return Ok(None);
        }
        match store.token_by_hash(&hash)? {
            Some(record) if record.revoked_at.is_none() => {
                // the index catches up with every token of that generation, not just this one
                if let Err(err) = self.refresh(store) {
                    tracing::warn!(error = %err, "token refresh failed");
                }
                Ok(Some(Arc::new(principal_of(record))))
            }
            _ => {
                self.remember_miss(hash);
                Ok(None)
            }
        }
    }

    fn may_look_up(&self, hash: &TokenHash) -> bool {
        let mut misses = self.misses.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if misses
            .seen
            .get(hash)
            .is_some_and(|at| now.duration_since(*at) < MISS_TTL)
        {
            return false;
        }
        if now.duration_since(misses.window) >= Duration::from_secs(1) {
            misses.window = now;
            misses.lookups = 0;
        }
        if misses.lookups >= LOOKUPS_PER_SECOND {
            return false;
        }
        misses.lookups += 1;
        true
    }

    fn remember_miss(&self, hash: TokenHash) {
        let mut misses = self.misses.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if misses.seen.len() >= MISS_CAPACITY {
            misses
                .seen
                .retain(|_, at| now.duration_since(*at) < MISS_TTL);
            if misses.seen.len() >= MISS_CAPACITY / 2 {
                misses.seen.clear();
            }
        }
        misses.seen.insert(hash, now);
    }
}

fn principal_of(record: TokenRecord) -> Principal {
    Principal {
        token_id: Some(record.id),
        name: record.name,
        role: record.role,
        org: record.org,
        territory: record.territory,
    }
}

/// Creates a token and returns the clear token (shown once, never stored) with its record.
pub fn create<S: TokenStore + AuditStore + ?Sized>(
    store: &S,
    principal: &Principal,
    new: NewToken,
) -> Result<(String, TokenRecord), AppError> {
    let new = NewToken {
        name: new.name.trim().to_owned(),
        org: non_empty(new.org),
        territory: non_empty(new.territory),
        ..new
    };
    if new.name.is_empty() {
        return Err(AppError::invalid("name must not be empty"));
    }
    crate::limits::check("name", &new.name, crate::limits::NAME)?;
    crate::limits::check_optional("org", new.org.as_deref(), crate::limits::ORG)?;
    crate::limits::check_optional(
        "territory",
        new.territory.as_deref(),
        crate::limits::TERRITORY,
    )?;
    // a scoped administrator hands out tokens inside its own scope only
    if !principal.scope().covers(owner_of(&new.territory, &new.org)) {
        return Err(out_of_scope());
    }
    let (token, hash) = mint_token()?;
    let record = store.create_token(&new, &hash)?;
    audit::record(
        store,
        principal,
        "token.create",
        &format!("token:{}", record.id),
        serde_json::json!({"role": record.role.as_str(), "name": record.name}),
    )?;
    Ok((token, record))
}

/// Every token the principal's scope covers, never its secret.
pub fn list(store: &dyn TokenStore, principal: &Principal) -> Result<Vec<TokenRecord>, AppError> {
    let scope = principal.scope();
    Ok(store
        .tokens()?
        .into_iter()
        .filter(|record| scope.covers(owner_of(&record.territory, &record.org)))
        .collect())
}

fn owner_of<'a>(territory: &'a Option<String>, org: &'a Option<String>) -> Owner<'a> {
    Owner {
        territory: territory.as_deref(),
        org: org.as_deref(),
    }
}

fn out_of_scope() -> AppError {
    AppError::new(
        ErrorKind::ForbiddenScope,
        "the token is outside the caller's territory or organisation",
    )
}

/// Revokes an active token.
pub fn revoke<S: TokenStore + AuditStore + ?Sized>(
    store: &S,
    principal: &Principal,
    id: i64,
) -> Result<(), AppError> {
    let scope = principal.scope();
    if scope != Scope::Everything {
        let record = store.tokens()?.into_iter().find(|record| record.id == id);
        if let Some(record) = record
            && !scope.covers(owner_of(&record.territory, &record.org))
        {
            return Err(out_of_scope());
        }
    }
    if !store.revoke_token(id)? {
        return Err(AppError::new(
            ErrorKind::NotFound,
            format!("no active token {id}"),
        ));
    }
    audit::record(
        store,
        principal,
        "token.revoke",
        &format!("token:{id}"),
        serde_json::json!({}),
    )?;
    Ok(())
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use fraudwall_store::{Role, SqliteStore};

    use super::*;

    fn admin_of(territory: Option<&str>, org: Option<&str>) -> Principal {
        Principal {
            token_id: Some(1),
            name: "admin".into(),
            role: Role::Admin,
            org: org.map(str::to_owned),
            territory: territory.map(str::to_owned),
        }
    }

    #[test]
    fn scoped_administrators_see_create_and_revoke_only_inside_their_scope() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let token = |role, territory: Option<&str>, org: Option<&str>| NewToken {
            role,
            name: format!("{role}"),
            org: org.map(str::to_owned),
            territory: territory.map(str::to_owned),
        };
        let root = admin_of(None, None);
        let fuzhou = admin_of(Some("350100"), None);
        let icbc = admin_of(None, Some("icbc"));
        let (_, gulou) = create(&store, &root, token(Role::Station, Some("350102"), None)).unwrap();
        let (_, xiamen) =
            create(&store, &root, token(Role::Station, Some("350203"), None)).unwrap();
        let (_, bank) = create(&store, &root, token(Role::Bank, None, Some("icbc"))).unwrap();
        let names = |who: &Principal| -> Vec<i64> {
            list(&store, who).unwrap().iter().map(|r| r.id).collect()
        };
        assert_eq!(names(&root), [gulou.id, xiamen.id, bank.id]);
        assert_eq!(names(&fuzhou), [gulou.id]);
        assert_eq!(names(&icbc), [bank.id]);

        let refused = create(&store, &fuzhou, token(Role::Station, Some("350203"), None));
        assert_eq!(refused.unwrap_err().kind, ErrorKind::ForbiddenScope);
        let unscoped = create(&store, &fuzhou, token(Role::Analyst, None, None));
        assert_eq!(unscoped.unwrap_err().kind, ErrorKind::ForbiddenScope);
        assert!(
            create(
                &store,
                &fuzhou,
                token(Role::Station, Some("35010301"), None)
            )
            .is_ok()
        );

        assert_eq!(
            revoke(&store, &fuzhou, xiamen.id).unwrap_err().kind,
            ErrorKind::ForbiddenScope
        );
        assert_eq!(
            revoke(&store, &icbc, gulou.id).unwrap_err().kind,
            ErrorKind::ForbiddenScope
        );
        revoke(&store, &fuzhou, gulou.id).unwrap();
        revoke(&store, &icbc, bank.id).unwrap();
    }

    #[test]
    fn a_token_made_elsewhere_works_at_once_and_guesses_are_rationed() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let index = TokenIndex::load(&store).unwrap();
        // another process (another handle) creates a token after the index was built
        let other = SqliteStore::open(dir.path()).unwrap();
        let new = NewToken {
            role: Role::Station,
            name: "gulou".into(),
            org: None,
            territory: Some("350102".into()),
        };
        let (token, _) = create(&other, &Principal::command_line(), new).unwrap();
        assert!(index.authenticate(&token).is_none());
        let found = index.authenticate_unknown(&store, &token).unwrap().unwrap();
        assert_eq!(found.territory.as_deref(), Some("350102"));
        // and the index has caught up, so the next request needs no store
        assert!(index.authenticate(&token).is_some());

        let refused: usize = (0..1_000)
            .filter(|n| {
                index
                    .authenticate_unknown(&store, &format!("fw_guess{n}"))
                    .unwrap()
                    .is_none()
            })
            .count();
        assert_eq!(refused, 1_000);
        let budget = index.misses.lock().unwrap().lookups;
        assert!(budget <= LOOKUPS_PER_SECOND, "{budget} lookups");
    }
}
