//! The one table that says which role may call which endpoint. Everything not listed here is
//! denied; a test checks that the table and the OpenAPI document name exactly the same routes.

use fraudwall_app::records::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed.
    Public,
    /// A valid token whose role is one of these.
    Roles(&'static [Role]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutePermission {
    pub method: &'static str,
    /// The route as the router and the OpenAPI document write it, with `{param}` placeholders.
    pub path: &'static str,
    pub access: Access,
}

use Role::*;

const EVERY_ROLE: &[Role] = &Role::ALL;
/// Every role that uses the API. A monitor token sits in a metrics scraper's configuration,
/// often on another team's host, so it reads metrics and its own identity and nothing else.
const USERS: &[Role] = &[Admin, Analyst, Station, Bank, Telco, Reporter];
/// Metrics: the Prometheus text and the job stats it carries.
const MONITORS: &[Role] = &[Admin, Monitor];
const DECIDERS: &[Role] = &[Admin, Analyst, Telco, Bank];
const ADMIN_ONLY: &[Role] = &[Admin];
const CURATORS: &[Role] = &[Admin, Analyst];
/// Operators' and banks' nodes follow the lists to decide locally.
const LIST_READERS: &[Role] = &[Admin, Analyst, Telco, Bank];
/// Who files victims' cases: stations take the reports, banks and operators forward them.
const CASE_FILERS: &[Role] = &[Admin, Analyst, Station, Bank, Telco];
/// Who reads and moves cases on; a station within its territory.
const INVESTIGATORS: &[Role] = &[Admin, Analyst, Station];
/// Who says who holds a card: operators their SIMs, banks their accounts.
const CARD_SOURCES: &[Role] = &[Admin, Analyst, Telco, Bank];
/// Everyone who sees fraud first-hand: each token counts as one source of evidence (a
/// reporter's only once proven by reviews of its clues; unproven reporters are one source).
const WITNESSES: &[Role] = &[Admin, Analyst, Station, Telco, Bank, Reporter];
/// Who imports other platforms' shared intelligence as clues, under its own name.
const SHARED_INTEL: &[Role] = &[Admin, Analyst, Telco, Bank];
/// Who sends clues: citizens with a token, the stations that take reports, operators and
/// banks forwarding their customers', the centre itself. Each sees its own clues listed.
const CLUE_REPORTERS: &[Role] = &[Admin, Analyst, Station, Telco, Bank, Reporter];

/// Who sends activity records: operators their network's, banks their transfers, the centre.
const RECORD_SOURCES: &[Role] = &[Admin, Analyst, Telco, Bank];
/// Who keeps the subscriber registry: operators, and the centre.
const REGISTRY_SOURCES: &[Role] = &[Admin, Analyst, Telco];
/// Who sees freeze requests and acts on them: banks their own accounts', stations their
/// territory's cases', which the use cases enforce, as they do which side takes which action.
const FUND_CONTROL: &[Role] = &[Admin, Analyst, Station, Bank];
/// Who sees the accounts put to their banks for holder re-verification: a bank its own.
const VERIFIERS: &[Role] = &[Admin, Analyst, Bank];
/// Who answers for a bank's accounts.
const BANKS: &[Role] = &[Admin, Bank];

pub const PERMISSIONS: &[RoutePermission] = &[
    route("GET", "/v1/health", Access::Public),
    route("GET", "/openapi.json", Access::Roles(USERS)),
    route("GET", "/metrics", Access::Roles(MONITORS)),
    route("GET", "/v1/whoami", Access::Roles(EVERY_ROLE)),
    route("GET", "/v1/fraud-types", Access::Roles(USERS)),
    route("GET", "/v1/jobs", Access::Roles(MONITORS)),
    route("POST", "/v1/decisions", Access::Roles(DECIDERS)),
    route("POST", "/v1/tokens", Access::Roles(ADMIN_ONLY)),
    route("GET", "/v1/tokens", Access::Roles(ADMIN_ONLY)),
    route("DELETE", "/v1/tokens/{id}", Access::Roles(ADMIN_ONLY)),
    route("GET", "/v1/audit", Access::Roles(ADMIN_ONLY)),
    route("GET", "/v1/audit/verify", Access::Roles(ADMIN_ONLY)),
    route("POST", "/v1/lists/{list}/entries", Access::Roles(CURATORS)),
    route("POST", "/v1/lists/{list}/remove", Access::Roles(CURATORS)),
    route(
        "GET",
        "/v1/lists/{list}/entries/{kind}/{value}",
        Access::Roles(CURATORS),
    ),
    route("POST", "/v1/lists/{list}/import", Access::Roles(CURATORS)),
    route(
        "GET",
        "/v1/lists/{list}/export",
        Access::Roles(LIST_READERS),
    ),
    route("GET", "/v1/lists/changes", Access::Roles(LIST_READERS)),
    route("GET", "/v1/lists/status", Access::Roles(LIST_READERS)),
    route("POST", "/v1/lists/rebuild", Access::Roles(ADMIN_ONLY)),
    // citizens' apps check by hash prefix; the answer reveals nothing about the asker
    route("GET", "/v1/lookup/{prefix}", Access::Roles(USERS)),
    route("GET", "/v1/rules", Access::Roles(CURATORS)),
    route("PUT", "/v1/rules", Access::Roles(ADMIN_ONLY)),
    route("POST", "/v1/rules/dry-run", Access::Roles(CURATORS)),
    route("GET", "/v1/rules/signals", Access::Roles(CURATORS)),
    route("POST", "/v1/evidence", Access::Roles(WITNESSES)),
    route("POST", "/v1/reputation/run", Access::Roles(ADMIN_ONLY)),
    route("POST", "/v1/clues", Access::Roles(CLUE_REPORTERS)),
    route("GET", "/v1/clues", Access::Roles(CLUE_REPORTERS)),
    route("POST", "/v1/clues/{id}/review", Access::Roles(CURATORS)),
    route("POST", "/v1/clues/misp", Access::Roles(SHARED_INTEL)),
    // citizens without a token; limited per client address by the route itself
    route("POST", "/v1/public/clues", Access::Public),
    route("POST", "/v1/cases", Access::Roles(CASE_FILERS)),
    route("GET", "/v1/cases/{id}", Access::Roles(INVESTIGATORS)),
    route("PATCH", "/v1/cases/{id}", Access::Roles(INVESTIGATORS)),
    route("GET", "/v1/cases/{id}/linked", Access::Roles(INVESTIGATORS)),
    route("GET", "/v1/cases/{id}/export", Access::Roles(INVESTIGATORS)),
    route("POST", "/v1/cases/{id}/links/cut", Access::Roles(CURATORS)),
    route(
        "POST",
        "/v1/cases/{id}/links/restore",
        Access::Roles(CURATORS),
    ),
    route("POST", "/v1/cases/{id}/convicted", Access::Roles(CURATORS)),
    route("GET", "/v1/leads", Access::Roles(INVESTIGATORS)),
    route("POST", "/v1/cards/import", Access::Roles(CARD_SOURCES)),
    route("POST", "/v1/events", Access::Roles(RECORD_SOURCES)),
    route(
        "POST",
        "/v1/subscribers/import",
        Access::Roles(REGISTRY_SOURCES),
    ),
    route("POST", "/v1/units/import", Access::Roles(CURATORS)),
    // a station within its territory, which the use case enforces
    route("GET", "/v1/warnings", Access::Roles(INVESTIGATORS)),
    route("GET", "/v1/warnings/kpis", Access::Roles(INVESTIGATORS)),
    route(
        "POST",
        "/v1/warnings/{id}/outcome",
        Access::Roles(INVESTIGATORS),
    ),
    route(
        "POST",
        "/v1/warnings/{id}/steps/{step}/ack",
        Access::Roles(INVESTIGATORS),
    ),
    route("GET", "/v1/cases/{id}/trace", Access::Roles(INVESTIGATORS)),
    route(
        "POST",
        "/v1/cases/{id}/freeze-requests",
        Access::Roles(INVESTIGATORS),
    ),
    route("GET", "/v1/freeze-requests", Access::Roles(FUND_CONTROL)),
    route(
        "GET",
        "/v1/freeze-requests/{id}",
        Access::Roles(FUND_CONTROL),
    ),
    route(
        "POST",
        "/v1/freeze-requests/{id}/{action}",
        Access::Roles(FUND_CONTROL),
    ),
    route("GET", "/v1/funds/stats", Access::Roles(FUND_CONTROL)),
    route(
        "GET",
        "/v1/accounts/verifications",
        Access::Roles(VERIFIERS),
    ),
    route(
        "POST",
        "/v1/accounts/verifications/{id}/answer",
        Access::Roles(BANKS),
    ),
];

const fn route(method: &'static str, path: &'static str, access: Access) -> RoutePermission {
    RoutePermission {
        method,
        path,
        access,
    }
}

/// The access rule for a matched route; `None` means the route is not in the table and must
/// be denied.
pub fn lookup(method: &str, path: &str) -> Option<Access> {
    PERMISSIONS
        .iter()
        .find(|p| p.method == method && p.path == path)
        .map(|p| p.access)
}

/// The table as Markdown, as the README carries it.
pub fn markdown() -> String {
    let mut table = String::from("| method | route | roles |\n|---|---|---|\n");
    for p in PERMISSIONS {
        let roles = match p.access {
            Access::Public => "anyone, without a token".to_owned(),
            Access::Roles(roles) => roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        };
        table.push_str(&format!("| {} | `{}` | {roles} |\n", p.method, p.path));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_carries_this_table() {
        let readme = include_str!("../../../README.md");
        let table = markdown();
        assert!(
            readme.contains(&table),
            "README.md must carry the permission table:\n{table}"
        );
    }

    #[test]
    fn every_route_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for p in PERMISSIONS {
            assert!(
                seen.insert((p.method, p.path)),
                "{} {} listed twice",
                p.method,
                p.path
            );
        }
    }

    #[test]
    fn only_health_and_citizens_clues_are_public_and_unknown_routes_are_denied() {
        let public: Vec<_> = PERMISSIONS
            .iter()
            .filter(|p| p.access == Access::Public)
            .map(|p| p.path)
            .collect();
        assert_eq!(public, ["/v1/health", "/v1/public/clues"]);
        assert_eq!(lookup("GET", "/v1/secrets"), None);
        assert_eq!(lookup("POST", "/v1/health"), None);
    }

    /// What a role may call, as `METHOD path` lines.
    fn routes_of(role: Role) -> Vec<String> {
        PERMISSIONS
            .iter()
            .filter(|p| match p.access {
                Access::Public => true,
                Access::Roles(roles) => roles.contains(&role),
            })
            .map(|p| format!("{} {}", p.method, p.path))
            .collect()
    }

    #[test]
    fn a_monitor_reads_metrics_and_nothing_else() {
        assert_eq!(
            routes_of(Monitor),
            [
                "GET /v1/health",
                "GET /metrics",
                "GET /v1/whoami",
                "GET /v1/jobs",
                // what anyone may do without a token
                "POST /v1/public/clues",
            ]
        );
    }

    #[test]
    fn a_reporter_cannot_ask_for_decisions_or_manage_tokens() {
        let Some(Access::Roles(roles)) = lookup("POST", "/v1/decisions") else {
            panic!("decisions must need a role");
        };
        assert!(!roles.contains(&Reporter));
        assert!(roles.contains(&Telco));
        let Some(Access::Roles(roles)) = lookup("POST", "/v1/tokens") else {
            panic!("token creation must need a role");
        };
        assert_eq!(roles, &[Admin]);
    }
}
