//! Who acts, and what they may see. Every use case receives a [`Principal`]; the adapters
//! (HTTP, the command line) only establish it.

use fraudwall_lists::reporters;
use fraudwall_store::Role;

/// The caller of a use case: a token's holder, or the local command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token that authenticated the caller; none for the local command line.
    pub token_id: Option<i64>,
    pub name: String,
    pub role: Role,
    /// The organisation the holder acts for (a bank's or an operator's code), if scoped.
    pub org: Option<String>,
    /// The administrative division the holder may see (such as 350102), if scoped.
    pub territory: Option<String>,
}

impl Principal {
    /// The operator of the command line. Whoever runs it holds the database file and could
    /// change anything in it, so it acts as an administrator; its actions are audited as `cli`.
    pub fn command_line() -> Principal {
        Principal {
            token_id: None,
            name: "cli".to_owned(),
            role: Role::Admin,
            org: None,
            territory: None,
        }
    }

    /// How the principal is named in the audit log and in list histories.
    pub fn actor(&self) -> String {
        match self.token_id {
            Some(id) => format!("token:{id}:{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Someone reporting without a token, through the public endpoint. Acts as a citizen and
    /// is audited as `public`.
    pub fn anonymous() -> Principal {
        Principal {
            token_id: None,
            name: reporters::ANONYMOUS.to_owned(),
            role: Role::Reporter,
            org: None,
            territory: None,
        }
    }

    pub fn is_anonymous(&self) -> bool {
        self.token_id.is_none() && self.role == Role::Reporter
    }

    /// The source name of the evidence this principal sends: the token id, not its name,
    /// because names repeat and ids do not. A citizen's is marked as one, since a reputation
    /// pass weighs citizens by their record and pools the unproven (`reporters`).
    pub fn evidence_source(&self) -> String {
        match (self.role, self.token_id) {
            (Role::Reporter, Some(id)) => format!("{}{id}", reporters::CITIZEN_PREFIX),
            (Role::Reporter, None) => reporters::ANONYMOUS.to_owned(),
            (_, Some(id)) => format!("token:{id}"),
            (_, None) => self.name.clone(),
        }
    }

    /// How the reporters' records name this principal's role: its role, or `public`.
    pub fn reporter_role(&self) -> &'static str {
        if self.is_anonymous() {
            reporters::ANONYMOUS
        } else {
            self.role.as_str()
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The scope this principal's reads of personal data are limited to.
    pub fn scope(&self) -> Scope<'_> {
        match self.role {
            Role::Station => Scope::Territory(self.territory.as_deref().unwrap_or(NO_TERRITORY)),
            Role::Bank => Scope::Org(self.org.as_deref().unwrap_or(NO_ORG)),
            _ => match (&self.territory, &self.org) {
                (Some(territory), _) => Scope::Territory(territory),
                (None, Some(org)) => Scope::Org(org),
                (None, None) => Scope::Everything,
            },
        }
    }
}

/// A station without a territory or a bank without an org sees nothing scoped: scopes fail
/// closed.
const NO_TERRITORY: &str = "";
const NO_ORG: &str = "";

/// What a principal may see of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Centre-wide roles with no scope on their token.
    Everything,
    /// A division code and every division below it: `3501` covers `350102` and `35010201`.
    Territory(&'a str),
    /// One organisation's own records.
    Org(&'a str),
}

/// Where a record of personal data belongs, to check it against a [`Scope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Owner<'a> {
    pub territory: Option<&'a str>,
    pub org: Option<&'a str>,
}

impl Scope<'_> {
    /// Whether a record owned by `owner` is visible. A record with no territory (or org) is
    /// outside every territory (or org) scope.
    pub fn covers(&self, owner: Owner<'_>) -> bool {
        match *self {
            Scope::Everything => true,
            Scope::Territory(scope) => owner
                .territory
                .is_some_and(|code| !scope.is_empty() && within_division(code, scope)),
            Scope::Org(scope) => owner
                .org
                .is_some_and(|org| !scope.is_empty() && org == scope),
        }
    }
}

/// Chinese division codes nest by prefix once trailing zero pairs are dropped: 350000 is the
/// province, 350100 a city in it, 350102 a district in that.
fn within_division(code: &str, scope: &str) -> bool {
    code.starts_with(division_prefix(scope))
}

/// A division code without its trailing zero pairs: the prefix every code inside it starts with.
pub fn division_prefix(code: &str) -> &str {
    let mut prefix = code;
    while prefix.len() > 2 && prefix.ends_with("00") {
        prefix = &prefix[..prefix.len() - 2];
    }
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, org: Option<&str>, territory: Option<&str>) -> Principal {
        Principal {
            token_id: Some(7),
            name: "t".into(),
            role,
            org: org.map(str::to_owned),
            territory: territory.map(str::to_owned),
        }
    }

    fn owner<'a>(territory: Option<&'a str>, org: Option<&'a str>) -> Owner<'a> {
        Owner { territory, org }
    }

    #[test]
    fn every_role_and_scope_sees_exactly_its_own_records() {
        let records = [
            ("gulou", owner(Some("350102"), None)),
            ("taijiang", owner(Some("350103"), None)),
            ("xiamen", owner(Some("350203"), None)),
            ("icbc", owner(None, Some("icbc"))),
            ("ccb", owner(None, Some("ccb"))),
            ("nowhere", owner(None, None)),
        ];
        let cases: [(Principal, &[&str]); 8] = [
            (
                principal(Role::Admin, None, None),
                &["gulou", "taijiang", "xiamen", "icbc", "ccb", "nowhere"],
            ),
            (
                principal(Role::Analyst, None, None),
                &["gulou", "taijiang", "xiamen", "icbc", "ccb", "nowhere"],
            ),
            (
                principal(Role::Analyst, None, Some("350100")),
                &["gulou", "taijiang"],
            ),
            (principal(Role::Station, None, Some("350102")), &["gulou"]),
            (
                principal(Role::Station, None, Some("350000")),
                &["gulou", "taijiang", "xiamen"],
            ),
            // a station token without a territory fails closed
            (principal(Role::Station, None, None), &[]),
            (principal(Role::Bank, Some("icbc"), None), &["icbc"]),
            (principal(Role::Bank, None, None), &[]),
        ];
        for (who, visible) in cases {
            let seen: Vec<&str> = records
                .iter()
                .filter(|(_, owner)| who.scope().covers(*owner))
                .map(|(name, _)| *name)
                .collect();
            assert_eq!(
                seen, visible,
                "{:?} {:?} {:?}",
                who.role, who.org, who.territory
            );
        }
    }

    #[test]
    fn the_command_line_acts_as_an_administrator_named_cli() {
        let cli = Principal::command_line();
        assert!(cli.is_admin());
        assert_eq!(cli.actor(), "cli");
        assert_eq!(principal(Role::Telco, None, None).actor(), "token:7:t");
    }
}
