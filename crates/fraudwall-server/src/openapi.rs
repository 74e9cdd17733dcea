//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "fraudwall",
        description = "Real-time interception, fund control, early warning and case linking against telecom and network fraud. Every endpoint but /v1/health needs `Authorization: Bearer TOKEN`. Errors are `{\"error\": {\"code\", \"message\"}}` with a stable snake_case code.",
        license(name = "Apache-2.0")
    ),
    paths(
        routes::meta::health,
        routes::meta::openapi,
        routes::meta::metrics,
        routes::meta::whoami,
        routes::meta::fraud_types,
        routes::jobs::list,
        routes::decisions::decide,
        routes::tokens::create,
        routes::tokens::list,
        routes::tokens::revoke,
        routes::audit::list,
        routes::audit::verify,
        routes::lists::put,
        routes::lists::remove,
        routes::lists::get_entry,
        routes::lists::import,
        routes::lists::export,
        routes::lists::changes,
        routes::lists::status,
        routes::lists::rebuild,
        routes::lists::lookup,
        routes::rules::get,
        routes::rules::put,
        routes::rules::dry_run,
        routes::rules::signals,
        routes::evidence::post,
        routes::evidence::run_reputation,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "meta", description = "health, API description, metrics, identity"),
        (name = "decisions", description = "real-time verdicts on calls, SMS, URLs, apps and transfers"),
        (name = "tokens", description = "API tokens and their roles"),
        (name = "audit", description = "the tamper-evident audit log"),
        (name = "lists", description = "black, gray and white lists: entries, files, the change feed, hash-prefix lookup"),
        (name = "rules", description = "the rule set behind decisions: read, replace, dry-run"),
        (name = "reputation", description = "evidence about identifiers, and the job that lists them and derives ranges from it"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::PERMISSIONS;

    /// The permission table and the API description must name the same routes, so no endpoint
    /// can exist without a rule (it would be denied) or a rule outlive its endpoint.
    #[test]
    fn permission_table_covers_every_documented_route() {
        let doc = serde_json::to_value(document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let mut documented = Vec::new();
        for (path, item) in paths {
            for method in item.as_object().unwrap().keys() {
                if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    documented.push((method.to_uppercase(), path.clone()));
                }
            }
        }
        documented.sort();
        let mut table: Vec<_> = PERMISSIONS
            .iter()
            .map(|p| (p.method.to_owned(), p.path.to_owned()))
            .collect();
        table.sort();
        assert_eq!(documented, table);
        assert!(documented.len() >= 10);
    }
}
