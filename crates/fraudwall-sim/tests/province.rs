//! The generated province against its documented parameters (`docs/simulation.md`), its
//! determinism, and whether single statistics give the fraud away.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use fraudwall_sim::separability::{Observer, parse_time};
use fraudwall_sim::{MemoryOutput, Params, generate};
use serde_json::Value;

struct Province {
    files: HashMap<String, Vec<u8>>,
    truth: Vec<Value>,
    /// Every record of every day, in file order.
    records: Vec<Value>,
}

impl Province {
    fn text(&self, name: &str) -> &str {
        std::str::from_utf8(&self.files[name]).unwrap()
    }

    fn truth_of(&self, kind: &str) -> impl Iterator<Item = &Value> {
        let kind = kind.to_owned();
        self.truth.iter().filter(move |t| t["type"] == kind)
    }

    fn lines(&self, name: &str) -> Vec<Value> {
        self.text(name)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {l}: {e}")))
            .collect()
    }
}

fn make(params: &Params) -> MemoryOutput {
    let mut out = MemoryOutput::default();
    generate(params, &mut out, &mut |_| {}).unwrap();
    out
}

/// A small province with more victims than the default, so that victims' statistics have
/// enough cases to be measured.
fn province() -> &'static Province {
    static PROVINCE: OnceLock<Province> = OnceLock::new();
    PROVINCE.get_or_init(|| {
        let mut params = Params::new(2026, 20_000, 3);
        params.victims_per_100k = 400.0;
        params.threads = 2;
        let out = make(&params);
        let files: HashMap<String, Vec<u8>> = out.files().into_iter().collect();
        let parse = |name: &str| -> Vec<Value> {
            std::str::from_utf8(&files[name])
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {l}: {e}")))
                .collect()
        };
        let truth = parse("truth.ndjson");
        let mut records = Vec::new();
        for day in 1..=3 {
            records.extend(parse(&format!("records-day-{day:03}.ndjson")));
        }
        Province {
            files,
            truth,
            records,
        }
    })
}

/// Subscribers a gang works on (victims and targets): their calls are not spray.
fn story_phones(p: &Province) -> HashSet<&str> {
    p.truth
        .iter()
        .filter(|t| t["type"] == "victim" || t["type"] == "target")
        .map(|t| t["phone"].as_str().unwrap())
        .collect()
}

fn share<T>(items: &[T], f: impl Fn(&T) -> bool) -> f64 {
    items.iter().filter(|i| f(i)).count() as f64 / items.len().max(1) as f64
}

fn time(v: &Value) -> i64 {
    parse_time(v.as_str().unwrap_or_else(|| panic!("time {v}"))).unwrap()
}

#[test]
fn same_seed_same_bytes_with_one_or_two_threads() {
    let mut params = Params::new(99, 3_000, 2);
    params.victims_per_100k = 100.0;
    params.threads = 1;
    let one = make(&params).files();
    params.threads = 2;
    let two = make(&params).files();
    assert_eq!(one.len(), two.len());
    for ((a, x), (b, y)) in one.iter().zip(&two) {
        assert_eq!(a, b);
        assert!(x == y, "{a} differs between 1 and 2 threads");
    }
    params.seed = 100;
    let other = make(&params).files();
    let records = |files: &[(String, Vec<u8>)]| {
        files
            .iter()
            .find(|f| f.0 == "records-day-001.ndjson")
            .unwrap()
            .1
            .clone()
    };
    assert_ne!(
        records(&one),
        records(&other),
        "another seed, another province"
    );
}

#[test]
fn every_file_parses_and_records_are_in_time_order() {
    let p = province();
    for name in ["scenario.json", "lists/manifest.json"] {
        serde_json::from_slice::<Value>(&p.files[name]).unwrap();
    }
    let scenario: Value = serde_json::from_slice(&p.files["scenario.json"]).unwrap();
    assert_eq!(
        scenario["counts"]["records_total"].as_u64().unwrap() as usize,
        p.records.len()
    );
    for day in 1..=3 {
        let name = format!("records-day-{day:03}.ndjson");
        let mut last = i64::MIN;
        for r in p.lines(&name) {
            let kind = r["kind"].as_str().unwrap();
            let (field, fields): (&str, &[&str]) = match kind {
                "call_record" => ("start", &["caller", "callee", "duration_s"]),
                "sms_record" => ("time", &["sender", "recipient", "text"]),
                "visit" => ("time", &["subscriber", "url"]),
                "app_install" => ("time", &["subscriber", "package"]),
                "transfer_record" => (
                    "time",
                    &["from_account", "to_account", "amount", "currency"],
                ),
                other => panic!("kind {other}"),
            };
            for f in fields {
                assert!(r.get(*f).is_some(), "{kind} without {f}: {r}");
            }
            let t = time(&r[field]);
            assert!(t >= last, "{name} out of order at {r}");
            last = t;
        }
    }
    for name in ["cases.ndjson", "clues.ndjson"] {
        let mut last = i64::MIN;
        for c in p.lines(name) {
            let t = time(&c["filed_at"]);
            assert!(t >= last, "{name} out of order");
            last = t;
        }
    }
    // the csv files have their headers and as many fields on every line
    for (name, header) in [
        ("subscribers.csv", "phone,territory,birth_year,occupation"),
        ("sims.csv", "phone,operator,activated_on,device"),
        ("accounts.csv", "account,holder_phone,bank,opened_on,type"),
        ("territories.csv", "code,name,level,parent"),
    ] {
        let text = p.text(name);
        assert!(text.starts_with(header), "{name}");
        let columns = header.split(',').count();
        assert!(
            text.lines().all(|l| l.split(',').count() == columns),
            "{name}"
        );
        if name != "territories.csv" {
            // in key order: a row's place says nothing about who holds the number or account
            let keys: Vec<&str> = text
                .lines()
                .skip(1)
                .map(|l| l.split(',').next().unwrap())
                .collect();
            assert!(
                keys.windows(2)
                    .all(|w| (w[0].len(), w[0]) < (w[1].len(), w[1])),
                "{name} is not in key order"
            );
        }
    }
}

#[test]
fn identifiers_are_what_fraudwall_reads() {
    let p = province();
    for line in p.text("subscribers.csv").lines().skip(1).step_by(97) {
        let phone = line.split(',').next().unwrap();
        assert!(
            fraudwall_ids::phone::normalize(phone)
                .unwrap()
                .e164()
                .is_some(),
            "{phone}"
        );
    }
    for line in p.text("accounts.csv").lines().skip(1).step_by(97) {
        fraudwall_ids::account::Account::parse(line.split(',').next().unwrap()).unwrap();
    }
    for app in p.truth_of("app") {
        app["value"]
            .as_str()
            .unwrap()
            .parse::<fraudwall_ids::app::PackageName>()
            .unwrap();
    }
    // the list files import: every line is a candidate, none is rejected
    let manifest: Value = serde_json::from_slice(&p.files["lists/manifest.json"]).unwrap();
    for list in manifest["lists"].as_array().unwrap() {
        let file = format!("lists/{}", list["file"].as_str().unwrap());
        let format: fraudwall_lists::import::Format =
            list["format"].as_str().unwrap().parse().unwrap();
        let parsed = fraudwall_lists::import::parse(format, p.text(&file));
        assert!(parsed.rejected.is_empty(), "{file}: {:?}", parsed.rejected);
        assert!(
            !parsed.candidates.is_empty() || file.ends_with("app.txt"),
            "{file} is empty"
        );
    }
    // numbers no list holds: many of the numbers the gangs use during the scenario
    let fresh = p
        .truth_of("number")
        .filter(|n| time(&n["from"]) >= time(&Value::from("2026-03-02T00:00:00+08:00")))
        .collect::<Vec<_>>();
    assert!(!fresh.is_empty());
    assert!(fresh.iter().all(|n| n["listed_at_start"] == false));
}

#[test]
fn victims_match_the_reports() {
    let p = province();
    let victims: Vec<&Value> = p.truth_of("victim").collect();
    assert!(victims.len() > 200, "{} victims", victims.len());
    // Shanghai: people born after 1990 are 62.7% of victims
    let post1990 = share(&victims, |v| v["birth_year"].as_u64().unwrap() >= 1990);
    assert!(
        (post1990 - 0.627).abs() < 0.08,
        "post-1990 share {post1990}"
    );
    // Shanghai: internet fraud is more than 85% of cases
    let internet = share(&victims, |v| v["internet"] == true);
    assert!(
        internet > 0.82 && internet < 0.97,
        "internet share {internet}"
    );
    // targeting
    let of = |t: &str| {
        victims
            .iter()
            .filter(|v| v["fraud_type"] == t)
            .copied()
            .collect::<Vec<_>>()
    };
    let elderly = of("elderly_care_investment");
    assert!(!elderly.is_empty());
    assert!(
        elderly
            .iter()
            .all(|v| 2026 - v["birth_year"].as_u64().unwrap() >= 60)
    );
    let boss = of("impersonate_boss_acquaintance");
    assert!(
        share(&boss, |v| v["occupation"] == "accountant") > 0.5,
        "boss victims: {boss:?}"
    );
    let tasks = of("task_brushing_parttime");
    // the mix of types among stories that begin in the scenario (long cons already running at
    // the start are extra)
    let started: Vec<&&Value> = victims
        .iter()
        .filter(|v| time(&v["first_contact"]) >= time(&Value::from("2026-03-02T00:00:00+08:00")))
        .collect();
    let task_share = share(&started, |v| v["fraud_type"] == "task_brushing_parttime");
    let subscribers: Vec<&str> = p.text("subscribers.csv").lines().skip(1).collect();
    let student_population = share(&subscribers, |l| l.ends_with(",student"));
    let student_victims = share(&tasks, |v| v["occupation"] == "student");
    assert!(
        student_victims > 1.5 * student_population,
        "{student_victims} vs {student_population}"
    );
    // task scams are the most common type, about a third of cases
    assert!((task_share - 0.33).abs() < 0.08, "task share {task_share}");
    // every victim paid a first-layer mule of their gang
    let gangs: HashMap<&str, &Value> = p
        .truth_of("gang")
        .map(|g| (g["id"].as_str().unwrap(), g))
        .collect();
    for v in &victims {
        let layer1: HashSet<&str> = gangs[v["gang"].as_str().unwrap()]["mule_accounts"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for pay in v["payments"].as_array().unwrap() {
            assert!(layer1.contains(pay["to_account"].as_str().unwrap()));
        }
    }
}

#[test]
fn reports_are_late_and_incomplete() {
    let p = province();
    let cases = p.lines("cases.ndjson");
    assert!(cases.len() > 50, "{} cases", cases.len());
    let victims: HashMap<&str, &Value> = p
        .truth_of("victim")
        .filter(|v| !v["case"].is_null())
        .map(|v| (v["case"].as_str().unwrap(), v))
        .collect();
    let mut incomplete = 0;
    for c in &cases {
        let v = victims[c["id"].as_str().unwrap()];
        let last_payment = v["payments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| time(&p["time"]))
            .max()
            .unwrap();
        assert!(
            time(&c["reported_at"]) > last_payment,
            "a report comes after the payments"
        );
        assert!(time(&c["filed_at"]) >= time(&c["reported_at"]));
        assert!(c["contacts"].as_array().unwrap().len() <= v["contacts"].as_array().unwrap().len());
        if c["contacts"].as_array().unwrap().len() < v["contacts"].as_array().unwrap().len()
            || c["payments"].as_array().unwrap().len() < v["payments"].as_array().unwrap().len()
        {
            incomplete += 1;
        }
        for key in [
            "fraud_type",
            "reported_at",
            "victim",
            "loss",
            "contacts",
            "payments",
        ] {
            assert!(c.get(key).is_some(), "case without {key}");
        }
        assert!(c["loss"]["amount"].as_f64().unwrap() > 0.0);
    }
    assert!(
        incomplete as f64 > 0.3 * cases.len() as f64,
        "{incomplete} of {} incomplete",
        cases.len()
    );
    // clues: most right, some mistaken, the malicious in bursts against one number
    let labels: Vec<String> = p
        .truth_of("clue")
        .map(|c| c["label"].as_str().unwrap().to_owned())
        .collect();
    assert!(labels.iter().any(|l| l == "correct"));
    assert!(labels.iter().any(|l| l == "mistaken"));
    let correct = share(&labels, |l| l == "correct");
    assert!(correct > 0.6, "{correct}");
}

#[test]
fn calls_have_a_heavy_tail_and_fraud_calls_are_mostly_short() {
    let p = province();
    let fraud: HashSet<&str> = p
        .truth_of("number")
        .map(|n| n["value"].as_str().unwrap())
        .collect();
    let worked_on = story_phones(p);
    let mut ordinary = Vec::new();
    let mut spray = Vec::new();
    for r in p.records.iter().filter(|r| r["kind"] == "call_record") {
        let d = r["duration_s"].as_u64().unwrap();
        if fraud.contains(r["caller"].as_str().unwrap()) {
            if !worked_on.contains(r["callee"].as_str().unwrap()) {
                spray.push(d);
            }
        } else {
            ordinary.push(d);
        }
    }
    ordinary.sort_unstable();
    let answered: Vec<u64> = ordinary.iter().copied().filter(|&d| d > 0).collect();
    let median = answered[answered.len() / 2];
    let p99 = answered[answered.len() * 99 / 100];
    assert!((30..=120).contains(&median), "median {median}");
    assert!(p99 > 8 * median, "tail: p99 {p99}, median {median}");
    let unanswered = share(&ordinary, |&d| d == 0);
    assert!(unanswered > 0.08 && unanswered < 0.3, "{unanswered}");
    let short = share(&spray, |&d| d < 10);
    assert!(short > 0.5, "fraud calls short: {short}");
    assert!(short < 0.9, "some gangs are careful: {short}");
}

#[test]
fn the_population_follows_the_census() {
    let p = province();
    let subscribers: Vec<&str> = p.text("subscribers.csv").lines().skip(1).collect();
    let ages: Vec<u64> = subscribers
        .iter()
        .map(|l| 2026 - l.split(',').nth(2).unwrap().parse::<u64>().unwrap())
        .collect();
    let weights: f64 = fraudwall_sim::population::AGE_BANDS
        .iter()
        .map(|b| b.2 * b.3)
        .sum();
    let expected60: f64 = fraudwall_sim::population::AGE_BANDS
        .iter()
        .filter(|b| b.0 >= 60)
        .map(|b| b.2 * b.3)
        .sum::<f64>()
        / weights;
    let old = share(&ages, |&a| a >= 60);
    assert!((old - expected60).abs() < 0.03, "{old} vs {expected60}");
    let students_young = share(
        &subscribers
            .iter()
            .filter(|l| l.split(',').nth(2).unwrap().parse::<u32>().unwrap() >= 2010)
            .collect::<Vec<_>>(),
        |l| l.ends_with(",student"),
    );
    assert!(students_young > 0.95, "{students_young}");
    // SMS: the legitimate carry links and amounts too; fraud messages are often obfuscated
    let fraud_texts: Vec<&str> = p
        .truth_of("message")
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(!fraud_texts.is_empty());
    let obfuscated = share(&fraud_texts, |t| {
        t.chars().any(|c| {
            ('\u{ff10}'..='\u{ff19}').contains(&c) || "丨*~。".contains(c) || t.contains("[.]")
        })
    });
    assert!(obfuscated > 0.2, "{obfuscated}");
    let sms: Vec<&Value> = p
        .records
        .iter()
        .filter(|r| r["kind"] == "sms_record")
        .collect();
    let fraud_set: HashSet<&str> = fraud_texts.iter().copied().collect();
    let legit_with_link = share(&sms, |r| {
        let t = r["text"].as_str().unwrap();
        !fraud_set.contains(t) && (t.contains(".cn/") || t.contains(".com/"))
    });
    assert!(legit_with_link > 0.05, "{legit_with_link}");
    // a fraud contact reaches about 2.5% of subscribers a day
    let fraud_numbers: HashSet<&str> = p
        .truth_of("number")
        .map(|n| n["value"].as_str().unwrap())
        .collect();
    let worked_on = story_phones(p);
    let contacts = p
        .records
        .iter()
        .filter(|r| {
            !worked_on.contains(
                r["callee"]
                    .as_str()
                    .or(r["recipient"].as_str())
                    .unwrap_or(""),
            )
        })
        .filter(|r| {
            (r["kind"] == "call_record" && fraud_numbers.contains(r["caller"].as_str().unwrap()))
                || (r["kind"] == "sms_record"
                    && fraud_numbers.contains(r["sender"].as_str().unwrap()))
        })
        .count() as f64
        / 3.0
        / 20_000.0;
    assert!((contacts - 0.025).abs() < 0.01, "contact rate {contacts}");
}

#[test]
fn money_moves_through_the_layers_within_hours() {
    let p = province();
    let hops: Vec<&Value> = p.truth_of("hop").collect();
    assert!(!hops.is_empty());
    let typologies: HashSet<&str> = p
        .truth_of("gang")
        .map(|g| g["typology"].as_str().unwrap())
        .collect();
    assert!(typologies.len() >= 5, "{typologies:?}");
    let by_story: HashMap<&str, Vec<&Value>> = hops.iter().fold(HashMap::new(), |mut m, h| {
        m.entry(h["story"].as_str().unwrap()).or_default().push(*h);
        m
    });
    let mut first_hop_delays = Vec::new();
    for v in p.truth_of("victim") {
        let Some(hs) = by_story.get(v["id"].as_str().unwrap()) else {
            continue;
        };
        for pay in v["payments"].as_array().unwrap() {
            let t = time(&pay["time"]);
            if let Some(next) = hs
                .iter()
                .filter(|h| h["from_account"] == pay["to_account"] && time(&h["time"]) >= t)
                .map(|h| time(&h["time"]) - t)
                .min()
            {
                first_hop_delays.push(next);
            }
        }
    }
    first_hop_delays.sort_unstable();
    let median = first_hop_delays[first_hop_delays.len() / 2];
    assert!(
        (60..=6 * 3600).contains(&median),
        "first hop after {median} s"
    );
    // every hop is also a transfer record
    let transfers: HashSet<(String, String)> = p
        .records
        .iter()
        .filter(|r| r["kind"] == "transfer_record")
        .map(|r| {
            (
                r["from_account"].as_str().unwrap().to_owned(),
                r["to_account"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for h in hops.iter().take(500) {
        let key = (
            h["from_account"].as_str().unwrap().to_owned(),
            h["to_account"].as_str().unwrap().to_owned(),
        );
        assert!(transfers.contains(&key), "{h}");
    }
}

/// A province at the default density of gangs (one per 4,000 subscribers, 13 at least: 52,000
/// subscribers) and with ten times the default victims, so that money through the mules is
/// plentiful: the account statistics are measured where they are strongest.
#[test]
fn no_single_statistic_gives_the_fraud_away() {
    let mut params = Params::new(77, 52_000, 2);
    params.victims_per_100k = 100.0;
    params.threads = 2;
    let out = make(&params);
    let text = |name: &str| String::from_utf8(out.get(name).unwrap()).unwrap();
    let mut observer = Observer::default();
    for line in text("sims.csv").lines().skip(1) {
        let mut f = line.split(',');
        let phone = f.next().unwrap();
        let date: fraudwall_sim::calendar::Date = f.nth(1).unwrap().parse().unwrap();
        observer.activated(phone, date.to_days());
    }
    for day in 1..=2 {
        for line in text(&format!("records-day-{day:03}.ndjson")).lines() {
            // only calls and transfers are measured; skip parsing the rest
            if !(line.starts_with("{\"kind\":\"call_record\"")
                || line.starts_with("{\"kind\":\"transfer_record\""))
            {
                continue;
            }
            let r: Value = serde_json::from_str(line).unwrap();
            if r["kind"] == "call_record" {
                observer.call(
                    r["caller"].as_str().unwrap(),
                    r["callee"].as_str().unwrap(),
                    time(&r["start"]),
                    r["duration_s"].as_u64().unwrap(),
                );
            } else {
                observer.transfer(
                    r["from_account"].as_str().unwrap(),
                    r["to_account"].as_str().unwrap(),
                    time(&r["time"]),
                );
            }
        }
    }
    let truth: Vec<Value> = text("truth.ndjson")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |kind: &str| -> HashSet<String> {
        truth
            .iter()
            .filter(|t| t["type"] == kind)
            .map(|t| t["value"].as_str().unwrap().to_owned())
            .collect()
    };
    let rules: Vec<_> = observer
        .number_rules(&of("number"))
        .into_iter()
        .chain(observer.account_rules(&of("account")))
        .collect();
    for rule in &rules {
        eprintln!("{rule}");
        assert!(
            rule.positives > 20,
            "{} has too few positives to measure",
            rule.statistic
        );
    }
    for rule in &rules {
        assert!(rule.f1 < 0.8, "{rule:?}");
    }
}
