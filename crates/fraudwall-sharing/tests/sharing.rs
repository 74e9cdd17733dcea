//! Exports checked against STIX 2.1's rules, bundles broken by hand so that the checks are seen
//! to fail, MISP documents in every shape MISP writes them, and round trips.

use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Identifier, Kind};
use fraudwall_sharing::{ClusterExport, ExportCase, ExportIdentifier, PRODUCER, misp, stix};
use proptest::prelude::*;
use serde_json::{Value, json};
use time::OffsetDateTime;

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

fn identifier(kind: Kind, value: &str, cases: &[i64]) -> ExportIdentifier {
    ExportIdentifier {
        kind,
        value: value.to_owned(),
        cases: cases.to_vec(),
        first_seen: Some(at(1_700_000_000)),
        last_seen: Some(at(1_700_100_000)),
    }
}

fn cluster() -> ClusterExport {
    let case = |id: i64, reported: i64, territory: &str| ExportCase {
        id,
        fraud_type: "impersonate_police_government".to_owned(),
        reported_at: at(reported),
        territory: Some(territory.to_owned()),
        loss_cents: 1_250_000,
        currency: "CNY".to_owned(),
    };
    ClusterExport {
        cluster: 1,
        producer: PRODUCER.to_owned(),
        generated_at: at(1_700_500_000),
        cases: vec![
            case(1, 1_700_200_000, "350102"),
            case(2, 1_700_300_000, "350103"),
            case(3, 1_700_400_000, "500101"),
        ],
        identifiers: vec![
            identifier(Kind::Number, "+8617100000001", &[1, 2, 3]),
            identifier(Kind::Account, "6222020200000000001", &[1, 2]),
            // a card: 13 to 19 digits passing the Luhn check
            identifier(Kind::Account, "4111111111111111", &[3]),
            identifier(Kind::Url, "evil.example/login/", &[2]),
            identifier(Kind::Domain, "evil.example", &[2]),
            identifier(Kind::Ip, "203.0.113.7", &[3]),
            identifier(Kind::Social, "wechat:wxid_abc", &[1]),
            identifier(Kind::App, "com.evil.app", &[1]),
            identifier(Kind::Sender, "royalmail", &[3]),
        ],
    }
}

fn object<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == kind)
        .collect()
}

#[test]
fn an_exported_bundle_passes_the_checks() {
    let bundle = stix::bundle(&cluster());
    if let Err(violations) = stix::validate(&bundle) {
        panic!("{violations:#?}\n{bundle:#}");
    }
    assert_eq!(object(&bundle, "identity").len(), 1);
    assert_eq!(
        object(&bundle, "grouping")[0]["context"],
        "suspicious-activity"
    );
    assert_eq!(object(&bundle, "incident").len(), 3);
    assert_eq!(
        object(&bundle, "phone-number")[0]["value"],
        "+8617100000001"
    );
    assert_eq!(
        object(&bundle, "bank-account")[0]["account_number"],
        "6222020200000000001"
    );
    assert_eq!(
        object(&bundle, "payment-card")[0]["card_number"],
        "4111111111111111"
    );
    assert_eq!(
        object(&bundle, "url")[0]["value"],
        "http://evil.example/login/"
    );
    assert_eq!(object(&bundle, "domain-name")[0]["value"], "evil.example");
    let account = &object(&bundle, "user-account")[0];
    assert_eq!(account["account_type"], "wechat");
    assert_eq!(account["account_login"], "wxid_abc");
    // number, account, card, url, domain, ip
    assert_eq!(object(&bundle, "indicator").len(), 6);
    assert_eq!(
        object(&bundle, "phone-number")[0]["extensions"][stix::OPENCTI_NEW_SCO]["extension_type"],
        "new-sco"
    );
    // the grouping names every object but itself and the identity and marking it refers to
    let refs = object(&bundle, "grouping")[0]["object_refs"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(refs, bundle["objects"].as_array().unwrap().len() - 3);
}

#[test]
fn the_same_cluster_exports_the_same_ids() {
    let ids = |bundle: &Value| -> Vec<String> {
        bundle["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = stix::bundle(&cluster());
    let mut later = cluster();
    later.generated_at = at(1_800_000_000);
    let second = stix::bundle(&later);
    assert_eq!(ids(&first), ids(&second));
    assert_ne!(first["id"], second["id"], "each export is its own bundle");
    // a later export is a later version of the same objects
    let grouping = |b: &Value| object(b, "grouping")[0]["modified"].clone();
    assert!(grouping(&first).as_str() < grouping(&second).as_str());
    assert_eq!(
        first,
        stix::bundle(&cluster()),
        "an export is deterministic"
    );
}

#[test]
fn observable_ids_are_the_ones_opencti_gives() {
    // the python stix2 library (and so OpenCTI) derives the same id for these values
    let bundle = stix::bundle(&cluster());
    let domain = &object(&bundle, "domain-name")[0];
    assert_eq!(
        domain["id"],
        "domain-name--69228563-c8d2-54ae-aeca-5f4134cb59aa"
    );
}

/// The bundle with one change made to the first object of `kind`.
fn broken(kind: &str, change: impl FnOnce(&mut Value)) -> Vec<&'static str> {
    let mut bundle = stix::bundle(&cluster());
    let object = bundle["objects"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|o| o["type"] == kind)
        .unwrap();
    change(object);
    match stix::validate(&bundle) {
        Ok(()) => panic!("a broken {kind} passed"),
        Err(violations) => violations.iter().map(|v| v.code).collect(),
    }
}

#[test]
fn broken_bundles_fail_the_checks() {
    let remove = |key: &'static str| {
        move |o: &mut Value| {
            o.as_object_mut().unwrap().remove(key);
        }
    };
    assert!(broken("indicator", remove("pattern")).contains(&"missing_property"));
    assert!(broken("indicator", remove("valid_from")).contains(&"missing_property"));
    assert!(broken("grouping", remove("context")).contains(&"missing_property"));
    assert!(broken("grouping", remove("spec_version")).contains(&"missing_property"));
    assert!(broken("identity", remove("name")).contains(&"missing_property"));
    assert!(broken("relationship", remove("created")).contains(&"missing_property"));
    assert!(broken("phone-number", remove("value")).contains(&"missing_property"));
    assert!(broken("bank-account", remove("account_number")).contains(&"missing_property"));
    assert!(
        broken("indicator", |o| o["id"] = json!("indicator--not-a-uuid")).contains(&"invalid_id")
    );
    assert!(
        broken("incident", |o| o["id"] =
            json!("report--6ba7b810-9dad-41d1-80b4-00c04fd430c8"))
        .contains(&"id_type_mismatch")
    );
    // upper-case hex and a variant outside RFC 4122 are not STIX ids
    assert!(
        broken("url", |o| o["id"] =
            json!("url--6BA7B810-9DAD-41D1-80B4-00C04FD430C8"))
        .contains(&"invalid_id")
    );
    assert!(
        broken("url", |o| o["id"] =
            json!("url--6ba7b810-9dad-41d1-70b4-00c04fd430c8"))
        .contains(&"invalid_id")
    );
    assert_eq!(
        broken("grouping", |o| o["spec_version"] = json!("2.0")),
        ["wrong_spec_version"]
    );
    assert_eq!(
        broken("incident", |o| o["created"] =
            json!("2023-11-14T22:13:20+08:00")),
        ["invalid_timestamp"]
    );
    assert_eq!(
        broken("incident", |o| o["modified"] =
            json!("2000-01-01T00:00:00.000Z")),
        ["modified_before_created"]
    );
    assert_eq!(
        broken("relationship", |o| o["target_ref"] =
            json!("url--6ba7b810-9dad-41d1-80b4-00c04fd430c8")),
        ["dangling_ref"]
    );
    assert!(broken("grouping", |o| o["object_refs"] = json!([])).contains(&"empty_list"));
    assert_eq!(
        broken("indicator", |o| o["pattern"] = json!("url:value = 'x'")),
        ["invalid_pattern"]
    );
    assert_eq!(
        broken("grouping", |o| o["type"] = json!("Grouping")),
        ["invalid_type", "id_type_mismatch"]
    );
    // a second object with an id already taken
    let mut bundle = stix::bundle(&cluster());
    let copy = bundle["objects"][2].clone();
    bundle["objects"].as_array_mut().unwrap().push(copy);
    let codes: Vec<_> = stix::validate(&bundle)
        .unwrap_err()
        .iter()
        .map(|v| v.code)
        .collect();
    assert_eq!(codes, ["duplicate_id"]);
    assert!(stix::validate(&json!({"type": "bundle", "id": "bundle--x"})).is_err());
    assert!(stix::validate(&json!([])).is_err());
}

/// What an identifier is once normalized as fraudwall files it.
fn canonical(kind: Kind, value: &str) -> (Kind, String) {
    let normalizer = PhoneNormalizer::new(Region::CN);
    let id = Identifier::parse(kind, value, &normalizer).unwrap();
    (id.kind, id.value)
}

fn blockable(cluster: &ClusterExport) -> Vec<(Kind, String)> {
    let mut expected: Vec<_> = cluster
        .identifiers
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                Kind::Number | Kind::Account | Kind::Url | Kind::Domain
            )
        })
        .map(|i| canonical(i.kind, &i.value))
        .collect();
    expected.sort();
    expected
}

fn read(document: &Value) -> Vec<(Kind, String)> {
    let imported = misp::attributes(document.to_string().as_bytes()).unwrap();
    assert!(imported.malformed.is_empty(), "{:?}", imported.malformed);
    let mut got: Vec<_> = imported
        .identifiers
        .iter()
        .map(|i| canonical(i.kind, &i.value))
        .collect();
    got.sort();
    got.dedup();
    got
}

#[test]
fn a_misp_export_reads_back_as_the_clusters_identifiers() {
    let cluster = cluster();
    let event = misp::event(&cluster);
    let attributes = event["Event"]["Attribute"].as_array().unwrap();
    let typed = |kind: &str| {
        attributes
            .iter()
            .filter(|a| a["type"] == kind)
            .map(|a| a["value"].as_str().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(typed("phone-number"), ["+8617100000001"]);
    assert_eq!(typed("bank-account-nr"), ["6222020200000000001"]);
    assert_eq!(typed("cc-number"), ["4111111111111111"]);
    assert_eq!(typed("url"), ["http://evil.example/login/"]);
    assert_eq!(typed("domain"), ["evil.example"]);
    for attribute in attributes {
        for key in [
            "uuid",
            "type",
            "category",
            "value",
            "to_ids",
            "timestamp",
            "comment",
        ] {
            assert!(attribute.get(key).is_some(), "{key} in {attribute}");
        }
    }
    assert_eq!(event["Event"]["Tag"][0]["name"], "tlp:amber");
    assert_eq!(read(&event), blockable(&cluster));
    let imported = misp::attributes(event.to_string().as_bytes()).unwrap();
    // ip, app, social account and sender are not taken in
    assert_eq!(imported.skipped, 4);
}

#[test]
fn a_stix_export_reads_back_as_the_clusters_identifiers() {
    let cluster = cluster();
    assert_eq!(read(&stix::bundle(&cluster)), blockable(&cluster));
}

#[test]
fn misp_documents_in_every_shape() {
    let event = json!({
        "info": "smishing",
        "Attribute": [
            {"type": "phone-number", "category": "Financial fraud", "value": "+86 171 0000 0002",
             "to_ids": true, "uuid": "5a1e6b8f-7c4d-4e2a-9f3b-0c1d2e3f4a5b", "comment": "caller"},
            {"type": "iban", "value": "DE89370400440532013000"},
            {"type": "link", "value": "https://phish.example/a"},
            {"type": "hostname", "value": "phish.example"},
            {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"},
            {"type": "url", "value": "https://deleted.example/", "deleted": true},
            {"type": "url"},
            {"type": "url", "value": 7},
            {"value": "no type"},
            "not an attribute",
        ],
        "Object": [{
            "name": "bank-account",
            "Attribute": [
                {"type": "bank-account-nr", "object_relation": "account", "value": "1234567890"},
                {"type": "text", "object_relation": "beneficiary", "value": "someone"},
            ],
        }],
    });
    let expect = |document: Value| {
        let imported = misp::attributes(document.to_string().as_bytes()).unwrap();
        let values: Vec<_> = imported
            .identifiers
            .iter()
            .map(|i| (i.kind, i.value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                (Kind::Number, "+86 171 0000 0002"),
                (Kind::Account, "DE89370400440532013000"),
                (Kind::Url, "https://phish.example/a"),
                (Kind::Domain, "phish.example"),
                (Kind::Account, "1234567890"),
            ]
        );
        assert_eq!(imported.skipped, 3, "md5, a deleted url, text");
        let codes: Vec<_> = imported.malformed.iter().map(|m| m.code).collect();
        assert_eq!(
            codes,
            [
                "missing_value",
                "missing_value",
                "missing_type",
                "not_an_attribute"
            ]
        );
        imported
    };
    let one = expect(json!({"Event": event}));
    assert_eq!(one.malformed[0].at, "Event.Attribute[6]");
    assert_eq!(one.identifiers[0].comment.as_deref(), Some("caller"));
    assert_eq!(
        one.identifiers[0].uuid.as_deref(),
        Some("5a1e6b8f-7c4d-4e2a-9f3b-0c1d2e3f4a5b")
    );
    expect(json!([{"Event": event}]));
    let search = expect(json!({"response": [{"Event": event}]}));
    assert_eq!(search.malformed[0].at, "response[0].Event.Attribute[6]");
    expect(event.clone());
}

#[test]
fn misp_stix_exports_read_through_their_fallbacks() {
    let bundle = json!({
        "type": "bundle",
        "id": "bundle--7b1e8c44-2d0a-4d7e-9d0c-3f4a5b6c7d8e",
        "objects": [
            {"type": "x-misp-attribute", "spec_version": "2.1",
             "id": "x-misp-attribute--91ae0a21-c7ae-4c7f-b84b-b84a7ce53d1f",
             "created": "2020-10-25T16:22:00.000Z", "modified": "2020-10-25T16:22:00.000Z",
             "x_misp_category": "Financial fraud", "x_misp_type": "phone-number",
             "x_misp_value": "+8617100000003", "x_misp_comment": "mule's number"},
            {"type": "x-misp-attribute", "spec_version": "2.1",
             "id": "x-misp-attribute--518b4bcb-a86b-4783-9457-391d548b605b",
             "created": "2020-10-25T16:22:00.000Z", "modified": "2020-10-25T16:22:00.000Z",
             "x_misp_type": "btc", "x_misp_value": "1E38kt7ryhbRXUzbam6iQ6sd93VHUUdjEE"},
            {"type": "x-misp-object", "spec_version": "2.1",
             "id": "x-misp-object--695e7924-2518-4054-9cea-f82853d37410",
             "created": "2020-10-25T16:22:00.000Z", "modified": "2020-10-25T16:22:00.000Z",
             "x_misp_name": "bank-account",
             "x_misp_attributes": [
                 {"type": "iban", "object_relation": "iban", "value": "LU1234567890ABCDEF1234567890"},
                 {"type": "bic", "object_relation": "swift", "value": "CTBKLUPP"},
             ]},
            {"type": "indicator", "spec_version": "2.1",
             "id": "indicator--91ae0a21-c7ae-4c7f-b84b-b84a7ce53d1f",
             "created": "2020-10-25T16:22:00.000Z", "modified": "2020-10-25T16:22:00.000Z",
             "pattern": "[domain-name:value = 'circl.lu' AND domain-name:resolves_to_refs[*].value = '149.13.33.14']",
             "pattern_type": "stix", "valid_from": "2020-10-25T16:22:00Z"},
            {"type": "indicator", "spec_version": "2.1",
             "id": "indicator--0b1e8c44-2d0a-4d7e-9d0c-3f4a5b6c7d8e",
             "created": "2020-10-25T16:22:00.000Z", "modified": "2020-10-25T16:22:00.000Z",
             "pattern": "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
             "pattern_type": "stix", "valid_from": "2020-10-25T16:22:00Z"},
            {"type": "domain-name", "spec_version": "2.1",
             "id": "domain-name--91ae0a21-c7ae-4c7f-b84b-b84a7ce53d1f", "value": "circl.lu"},
            {"type": "phone-number", "id": "phone-number--1ae0a21c-c7ae-4c7f-b84b-b84a7ce53d1f"},
            {"type": "bank-account", "id": "bank-account--2ae0a21c-c7ae-4c7f-b84b-b84a7ce53d1f",
             "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP"},
            {"type": "ipv4-addr", "id": "ipv4-addr--3ae0a21c-c7ae-4c7f-b84b-b84a7ce53d1f",
             "value": "149.13.33.14"},
        ],
    });
    let imported = misp::attributes(bundle.to_string().as_bytes()).unwrap();
    let values: Vec<_> = imported
        .identifiers
        .iter()
        .map(|i| (i.kind, i.value.as_str(), i.source_type.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            (Kind::Number, "+8617100000003", "phone-number"),
            (Kind::Account, "LU1234567890ABCDEF1234567890", "iban"),
            (Kind::Domain, "circl.lu", "domain-name"),
            (Kind::Account, "FR7630006000011234567890189", "bank-account"),
        ]
    );
    assert_eq!(
        imported.identifiers[0].comment.as_deref(),
        Some("mule's number")
    );
    // btc, bic, the md5 indicator, the ip
    assert_eq!(imported.skipped, 4);
    assert_eq!(imported.malformed.len(), 1, "{:?}", imported.malformed);
    assert_eq!(imported.malformed[0].at, "objects[6]");
}

#[test]
fn documents_that_are_not_shared_fail_whole() {
    for text in ["", "nul", "{\"a\": 1}", "42", "{\"response\": 1}"] {
        let err = misp::attributes(text.as_bytes()).unwrap_err();
        assert!(
            matches!(err.code(), "invalid_json" | "not_misp_or_stix"),
            "{text}"
        );
    }
    let mut many = Vec::new();
    many.resize(
        fraudwall_sharing::MAX_ATTRIBUTES + 1,
        json!({"type": "md5", "value": "x"}),
    );
    let err = misp::attributes(json!({"Attribute": many}).to_string().as_bytes()).unwrap_err();
    assert_eq!(err.code(), "too_many_attributes");
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop_oneof![
            Just("phone-number"),
            Just("iban"),
            Just("url"),
            Just("domain"),
            Just("bundle"),
            Just("indicator"),
            Just("x-misp-attribute"),
            Just("[url:value = 'a']"),
            Just("'"),
        ]
        .prop_map(|s| json!(s)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let keys = prop_oneof![
            Just("Event".to_owned()),
            Just("Attribute".to_owned()),
            Just("Object".to_owned()),
            Just("response".to_owned()),
            Just("type".to_owned()),
            Just("value".to_owned()),
            Just("objects".to_owned()),
            Just("pattern".to_owned()),
            Just("x_misp_type".to_owned()),
            Just("x_misp_value".to_owned()),
            Just("x_misp_attributes".to_owned()),
            Just("deleted".to_owned()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn reading_never_panics(document in arbitrary_json()) {
        let _ = misp::attributes(document.to_string().as_bytes());
        let _ = stix::validate(&document);
    }

    #[test]
    fn reading_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = misp::attributes(&bytes);
    }

    #[test]
    fn any_cluster_exports_valid_stix_and_reads_back(
        numbers in prop::collection::btree_set(10_000_000u32..99_999_999, 1..5),
        accounts in prop::collection::btree_set(10_000_000u64..99_999_999_999, 0..4),
        hosts in prop::collection::btree_set("[a-z]{1,10}", 0..4),
        generated in 1_600_000_000i64..1_900_000_000,
    ) {
        let mut cluster = cluster();
        cluster.generated_at = at(generated);
        cluster.identifiers = numbers.iter().map(|n| identifier(Kind::Number, &format!("+86171{n}"), &[1]))
            .chain(accounts.iter().map(|a| identifier(Kind::Account, &a.to_string(), &[2])))
            .chain(hosts.iter().map(|h| identifier(Kind::Domain, &format!("{h}.example"), &[3])))
            .chain(hosts.iter().map(|h| identifier(Kind::Url, &format!("{h}.example/it's/"), &[3])))
            .collect();
        let bundle = stix::bundle(&cluster);
        prop_assert!(stix::validate(&bundle).is_ok(), "{:?}", stix::validate(&bundle));
        prop_assert_eq!(read(&bundle), blockable(&cluster));
        prop_assert_eq!(read(&misp::event(&cluster)), blockable(&cluster));
    }
}
