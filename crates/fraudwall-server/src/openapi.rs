//! The OpenAPI document, generated from the handlers' annotations.

use fraudwall_lists::entry::{Kind, List, Source};
use fraudwall_lists::import::Format;
use serde_json::{Value, json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::permissions::{Access, PERMISSIONS};
use crate::routes;
use fraudwall_app::funds::{FreezeAction, Rule};
use fraudwall_app::records::Role;

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
        routes::clues::post,
        routes::clues::list,
        routes::clues::review,
        routes::clues::post_public,
        routes::clues::post_shared,
        routes::cases::file,
        routes::cases::get,
        routes::cases::patch,
        routes::cases::linked,
        routes::sharing::export,
        routes::cases::cut,
        routes::cases::restore,
        routes::cases::convicted,
        routes::leads::list,
        routes::leads::import_cards,
        routes::warnings::post_events,
        routes::warnings::import_subscribers,
        routes::warnings::import_units,
        routes::warnings::list,
        routes::warnings::kpis,
        routes::warnings::outcome,
        routes::warnings::acknowledge,
        routes::funds::trace,
        routes::funds::request,
        routes::funds::list,
        routes::funds::get,
        routes::funds::act,
        routes::funds::stats,
        routes::funds::verifications,
        routes::funds::answer_verification,
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
        (name = "clues", description = "reports from citizens, operators and banks, weighed by their reporters' records, and analysts' reviews of them"),
        (name = "warnings", description = "activity records, the subscriber registry and unit tree, and the warnings counter-inspection raises: listed by territory, acknowledged, closed with an outcome"),
        (name = "cases", description = "victims' cases, and the clusters they link into through shared identifiers"),
        (name = "funds", description = "a case's money traced through the transfer records, and the freeze requests that follow it to the banks"),
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

/// The OpenAPI document as served: the annotations' document, then what annotations cannot say
/// well, written once for every operation — the closed sets of names path and query parameters
/// take, the answers every route can give (bad parameters, a missing token, a refused role, an
/// oversized or malformed body), and the roles allowed, from the permission table itself.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the openapi document serializes");
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                describe_parameters(operation);
                add_common_answers(operation);
                add_roles(&method.to_uppercase(), path, operation);
            }
        }
    }
    loosen_decision_events(&mut doc);
    describe_rule_bodies(&mut doc);
    describe_list_files(&mut doc);
    describe_token_roles(&mut doc);
    doc
}

/// List files: an import may be empty (it imports nothing); an export is csv or plain text.
fn describe_list_files(doc: &mut Value) {
    if let Some(body) = doc["paths"]["/v1/lists/{list}/import"]["post"].get_mut("requestBody") {
        body["required"] = json!(false);
    }
    if let Some(ok) = doc["paths"]["/v1/lists/{list}/export"]["get"]["responses"].get_mut("200") {
        ok["content"] = json!({
            "text/plain; charset=utf-8": {"schema": {"type": "string"}},
            "text/csv; charset=utf-8": {"schema": {"type": "string"}},
        });
    }
    // list versions and audit sequence numbers are unsigned 64-bit
    for (path, name) in [("/v1/audit", "after"), ("/v1/lists/changes", "since")] {
        if let Some(parameters) = doc["paths"][path]["get"]["parameters"].as_array_mut() {
            for parameter in parameters.iter_mut().filter(|p| p["name"] == name) {
                parameter["schema"] = json!({"type": "integer", "minimum": 0, "maximum": u64::MAX});
            }
        }
    }
}

/// A token's role is one of the store's roles.
fn describe_token_roles(doc: &mut Value) {
    let role = &mut doc["components"]["schemas"]["CreateToken"]["properties"]["role"];
    if role.is_object() {
        role["enum"] = json!(
            Role::ALL
                .iter()
                .map(|role| role.as_str())
                .collect::<Vec<_>>()
        );
    }
}

/// Names, patterns and bounds of the parameters, by parameter name.
fn describe_parameters(operation: &mut Value) {
    let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
        let schema = match name.as_str() {
            "list" => names(List::ALL.iter().map(|list| list.as_str())),
            "kind" => names(Kind::ALL.iter().map(|kind| kind.as_str())),
            "format" => names(
                [Format::Plain, Format::Hosts, Format::Abp, Format::Csv]
                    .into_iter()
                    .map(Format::as_str),
            ),
            "source" => names(Source::ALL.iter().map(|source| source.as_str())),
            "fraud_type" => names(
                fraudwall_lists::taxonomy::FRAUD_TYPES
                    .iter()
                    .map(|t| t.code),
            ),
            "prefix" => json!({"type": "string", "pattern": "^([0-9a-fA-F]{2}){4,32}$"}),
            "id" => {
                json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX})
            }
            "value" => json!({"type": "string", "minLength": 1}),
            "action" => names(FreezeAction::ALL.iter().map(|action| action.as_str())),
            "rule" => names(Rule::ALL.iter().map(|rule| rule.as_str())),
            _ => continue,
        };
        parameter["schema"] = schema;
    }
}

fn names<'a>(values: impl Iterator<Item = &'a str>) -> Value {
    json!({"type": "string", "enum": values.collect::<Vec<_>>()})
}

/// Answers any route can give, added where its annotation does not already name them.
fn add_common_answers(operation: &mut Value) {
    let public = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|schemes| {
            schemes
                .iter()
                .all(|scheme| scheme.as_object().is_some_and(|s| s.is_empty()))
        });
    let has_parameters = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|parameters| !parameters.is_empty());
    let has_path_parameters = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|parameters| parameters.iter().any(|p| p["in"] == "path"));
    let has_body = operation.get("requestBody").is_some();
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut add = |status: &str, description: &str| {
        responses.entry(status.to_owned()).or_insert_with(|| {
            json!({
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
            })
        });
    };
    if public {
        return;
    }
    add(
        "401",
        "missing or invalid token (`missing_token`, `invalid_token`)",
    );
    add(
        "403",
        "the token's role or scope does not allow this (`forbidden_role`, `forbidden_scope`)",
    );
    if has_parameters || has_body {
        add(
            "400",
            "a malformed parameter or body (`invalid_parameter`, `malformed_json`, `empty_batch`, `batch_too_large`)",
        );
    }
    if has_path_parameters {
        add("404", "no such resource (`not_found`)");
    }
    if has_body {
        add(
            "413",
            "the body is larger than `server.body_limit_bytes` (`payload_too_large`)",
        );
        add(
            "415",
            "the body's content type is not one this route reads (`unsupported_content_type`)",
        );
        add(
            "422",
            "a field the route does not take, or a value out of bounds (`unknown_field`, `field_too_long`, …)",
        );
    }
    add(
        "408",
        "the request took longer than `server.request_timeout_ms` (`request_timeout`)",
    );
}

/// The roles of the permission table, as a list and as a sentence of the description.
fn add_roles(method: &str, path: &str, operation: &mut Value) {
    let Some(permission) = PERMISSIONS
        .iter()
        .find(|p| p.method == method && p.path == path)
    else {
        return;
    };
    let roles: Vec<&str> = match permission.access {
        Access::Public => Vec::new(),
        Access::Roles(roles) => roles.iter().map(|role| role.as_str()).collect(),
    };
    let sentence = if roles.is_empty() {
        "Anyone may call this, without a token.".to_owned()
    } else {
        format!("Roles allowed: {}.", roles.join(", "))
    };
    let description = match operation.get("description").and_then(Value::as_str) {
        Some(text) if !text.is_empty() => format!("{text}\n\n{sentence}"),
        _ => sentence,
    };
    operation["description"] = Value::String(description);
    operation["x-roles"] = json!(roles);
}

/// `/v1/decisions` answers every event in its own slot, a malformed one with an error there, so
/// the request schema takes any object per event; the `Event` schema describes the valid ones.
fn loosen_decision_events(doc: &mut Value) {
    let request = &mut doc["components"]["schemas"]["DecisionRequest"];
    if request.is_object() {
        request["additionalProperties"] = json!(false);
    }
    let events = &mut request["properties"]["events"];
    if events.is_object() {
        events["items"] = json!({
            "description": "an `Event` (see its schema); anything else gets an error in its own slot of the answer"
        });
    }
}

/// The rule endpoints take a rule set as TOML (the default) or as JSON with the same keys.
fn describe_rule_bodies(doc: &mut Value) {
    for path in ["/v1/rules", "/v1/rules/dry-run"] {
        let Some(item) = doc["paths"].get_mut(path).and_then(Value::as_object_mut) else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if method != "put" && method != "post" {
                continue;
            }
            operation["requestBody"]["content"] = json!({
                "application/toml": {
                    "schema": {
                        "type": "string",
                        "minLength": 1,
                        "description": "a rule set: a `version` and `[[rule]]` tables, each with an `id`, the `events` it reads, `when` and `unless` conditions over signals and measures (`GET /v1/rules/signals`), a `verdict`, a `risk` and a `reason`; the example is the rule set fraudwall starts with",
                    },
                    "example": DEFAULT_RULES,
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "the same rule set, as JSON with the TOML form's keys",
                    }
                }
            });
        }
    }
}

const DEFAULT_RULES: &str = include_str!("../../fraudwall-rules/rules/default.toml");

#[cfg(test)]
mod tests {
    use super::*;

    /// The permission table and the API description must name the same routes, so no endpoint
    /// can exist without a rule (it would be denied) or a rule outlive its endpoint.
    #[test]
    fn permission_table_covers_every_documented_route() {
        let doc = document();
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

    /// Query parameters are declared in the query, names take their closed sets, and every
    /// operation names its roles and the answers any route can give.
    #[test]
    fn the_document_tells_the_truth_about_parameters_answers_and_roles() {
        let doc = document();
        let changes = &doc["paths"]["/v1/lists/changes"]["get"]["parameters"];
        for parameter in changes.as_array().unwrap() {
            assert_eq!(parameter["in"], "query", "{parameter}");
        }
        let export = &doc["paths"]["/v1/lists/{list}/export"]["get"];
        let list = export["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "list")
            .unwrap();
        assert_eq!(list["schema"]["enum"], json!(["black", "gray", "white"]));
        let names: Vec<&str> = export["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["list", "kind", "format"],
            "an export takes no import options"
        );
        let lookup = &doc["paths"]["/v1/lookup/{prefix}"]["get"]["parameters"][0];
        assert_eq!(lookup["schema"]["pattern"], "^([0-9a-fA-F]{2}){4,32}$");
        let events = &doc["components"]["schemas"]["PostEvidence"]["properties"]["evidence"];
        assert_eq!(
            (events["minItems"].clone(), events["maxItems"].clone()),
            (json!(1), json!(10000))
        );

        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let responses = operation["responses"].as_object().unwrap();
                if path == "/v1/health" || path == "/v1/public/clues" {
                    assert_eq!(operation["x-roles"], json!([]));
                    continue;
                }
                for status in ["401", "403"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
                if operation.get("requestBody").is_some() {
                    assert!(
                        responses.contains_key("413") && responses.contains_key("422"),
                        "{method} {path}"
                    );
                }
                let roles = operation["x-roles"].as_array().unwrap();
                assert!(!roles.is_empty(), "{method} {path}");
                assert!(
                    operation["description"]
                        .as_str()
                        .unwrap()
                        .contains("Roles allowed:")
                );
            }
        }
        let put_rules = &doc["paths"]["/v1/rules"]["put"]["requestBody"]["content"];
        assert!(
            put_rules["application/toml"]["example"]
                .as_str()
                .unwrap()
                .contains("[[rule]]")
        );
        assert!(put_rules.get("application/json").is_some());
    }
}
