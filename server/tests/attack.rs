//! The standing attack battery (issue 18), over real HTTP on loopback against the portal started
//! as production starts it: every route the router registers (`server::router::registry`, so a
//! new page or function is probed without being listed here), probed
//!
//! - for access control: as two customers, as members of staff of each role with an open access
//!   to one of them and without, and signed out, with the ids of *other* customers' lines,
//!   invoices, requests, accounts and customers. Afterwards no other customer's data may have
//!   appeared in any answer (their e-mails, names and invoice numbers are looked for) and none
//!   of it may have changed (compared row by row in the database);
//! - with generated input: huge, empty, non-UTF-8, control-character and numeric-edge values in
//!   every field and query parameter. No answer may be a 5xx, and nothing may panic.
//!
//! Seeded and bounded: `ATTACK_SEED` (1), `ATTACK_PROBES` (10,000), `ATTACK_INPUTS` (100,000).
//! The figures are printed at the end (`bash bench/attack` shows them).

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{spawn_app, TestApp};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::header::{ACCEPT, COOKIE, ORIGIN};
use reqwest::Method;
use selfcare_store::Db;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Routes a probe leaves alone: signing in and out and changing passwords end or lock the
/// probing sessions themselves, and what an admin or a supervisor may do by design (manage the
/// team, open a customer without a code) is not a hole.
fn is_probed(path: &str) -> bool {
    !matches!(
        path,
        "/api/login"
            | "/api/logout"
            | "/api/staff/login"
            | "/api/staff/logout"
            | "/api/staff/change_password"
            | "/api/staff/open_customer"
            | "/api/staff/team_add"
            | "/api/staff/team_change"
    ) && !path.starts_with("/pkg")
}

/// One customer's ids and what would show that their data leaked.
#[derive(Clone, Debug, Default)]
struct Holdings {
    customer: i64,
    lines: Vec<i64>,
    invoices: Vec<String>,
    requests: Vec<i64>,
    accounts: Vec<i64>,
    /// Text only this customer's pages show.
    markers: Vec<String>,
}

async fn rows<T>(db: &Db, sql: &str, customer: i64) -> Vec<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send + Unpin,
{
    let Db::Sqlite(pool) = db else {
        unreachable!("the battery runs on SQLite")
    };
    sqlx::query_scalar(sql)
        .bind(customer)
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn holdings(db: &Db, customer: i64) -> Holdings {
    let invoices: Vec<String> = rows(
        db,
        "SELECT number FROM invoices WHERE customer_id = $1",
        customer,
    )
    .await;
    let mut markers: Vec<String> =
        rows(db, "SELECT email FROM customers WHERE id = $1", customer).await;
    markers.extend(rows::<String>(db, "SELECT name FROM customers WHERE id = $1", customer).await);
    markers.extend(invoices.iter().cloned());
    Holdings {
        customer,
        lines: rows(db, "SELECT id FROM lines WHERE customer_id = $1", customer).await,
        requests: rows(
            db,
            "SELECT id FROM service_requests WHERE customer_id = $1",
            customer,
        )
        .await,
        accounts: rows(
            db,
            "SELECT id FROM billing_accounts WHERE customer_id = $1",
            customer,
        )
        .await,
        invoices,
        markers,
    }
}

/// Everything of a customer's that a request could change, as one text.
async fn state_of(db: &Db, customer: i64) -> String {
    let queries = [
        "SELECT COALESCE(low_credit_threshold_cents, -1) || ':' || COALESCE(password_hash, '') FROM customers WHERE id = $1",
        "SELECT id || ':' || status || ':' || credit_cents || ':' || COALESCE(credit_expires_on, '') FROM lines WHERE customer_id = $1 ORDER BY id",
        "SELECT a.id || ':' || a.paper_invoices FROM billing_accounts a WHERE a.customer_id = $1 ORDER BY a.id",
        "SELECT la.id || ':' || la.addon_id || ':' || COALESCE(la.ended_at, '') FROM line_addons la JOIN lines l ON l.id = la.line_id WHERE l.customer_id = $1 ORDER BY la.id",
        "SELECT r.line_id || ':' || r.roaming_on || ':' || r.data_roaming_on || ':' || COALESCE(r.data_cap_cents, -1) || ':' || r.continue_past_cap FROM roaming_settings r JOIN lines l ON l.id = r.line_id WHERE l.customer_id = $1 ORDER BY r.line_id",
        "SELECT id || ':' || status FROM service_requests WHERE customer_id = $1 ORDER BY id",
        "SELECT c.id || ':' || c.amount_cents FROM credit_ledger c JOIN lines l ON l.id = c.line_id WHERE l.customer_id = $1 ORDER BY c.id",
        "SELECT COUNT(*) || '' FROM staff_access WHERE customer_id = $1",
        "SELECT COUNT(*) || '' FROM verification_codes WHERE customer_id = $1",
    ];
    let mut state = String::new();
    for sql in queries {
        for row in rows::<String>(db, sql, customer).await {
            state.push_str(&row);
            state.push('\n');
        }
        state.push('|');
    }
    state
}

/// Who probes: a cookie, and the customer whose data they may see (`None`: nobody's).
struct Prober {
    name: &'static str,
    cookie: String,
    sees: Option<i64>,
    /// Staff see any customer's name and lines by design (search, the page before
    /// verification); only the rest of a customer's data is theirs to open.
    staff: bool,
}

/// The values a field or placeholder may get in an access-control probe: mostly the victims'
/// ids, sometimes the prober's own or junk.
fn id_value(rng: &mut ChaCha8Rng, name: &str, victims: &[Holdings], own: &Holdings) -> String {
    let who = if rng.gen_bool(0.8) {
        victims.choose(rng).unwrap()
    } else {
        own
    };
    let pick = |rng: &mut ChaCha8Rng, ids: &[i64]| {
        ids.choose(rng)
            .map_or_else(|| who.customer.to_string(), i64::to_string)
    };
    match name {
        "line" => pick(rng, &who.lines),
        "number" => who
            .invoices
            .choose(rng)
            .cloned()
            .unwrap_or_else(|| "2026-000001".into()),
        "request" => pick(rng, &who.requests),
        "account" => pick(rng, &who.accounts),
        "customer" | "acting_for" | "id" => who.customer.to_string(),
        "key" => format!("{:032x}", rng.gen::<u128>()),
        "action" => ["activate", "end", "switch"]
            .choose(rng)
            .unwrap()
            .to_string(),
        "when" => ["now", "next_period"].choose(rng).unwrap().to_string(),
        "change" => ["roaming-off", "roaming-on", "data-off", "cap-50"]
            .choose(rng)
            .unwrap()
            .to_string(),
        "code" => "1234 5678 9012 3456".into(),
        "channel" => "phone".into(),
        "paper" => ["true", "false"].choose(rng).unwrap().to_string(),
        _ => pick(rng, &who.lines),
    }
}

/// A generated input: huge, empty, not UTF-8 (sent percent-encoded), control characters,
/// numeric edges, or markup.
fn fuzz_value(rng: &mut ChaCha8Rng) -> String {
    // Huge values are few: each costs the server its parsing in full.
    if rng.gen_ratio(1, 40) {
        return "x".repeat(rng.gen_range(10_000..100_000));
    }
    match rng.gen_range(0..12) {
        0 => String::new(),
        1 => "9".repeat(rng.gen_range(19..400)),
        2 => [
            "-1",
            "0",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551616",
        ]
        .choose(rng)
        .unwrap()
        .to_string(),
        3 => ["NaN", "inf", "1e309", "-0", "0x10", "1.5", " 7 "]
            .choose(rng)
            .unwrap()
            .to_string(),
        4 => (0..rng.gen_range(1..40))
            .map(|_| char::from(rng.gen_range(0u8..32)))
            .collect(),
        5 => "ü".repeat(rng.gen_range(100..2_000)),
        6 => "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>".into(),
        7 => "'; DROP TABLE customers; --".into(),
        8 => "%ff%fe%00%c3%28".into(),
        9 => (0..rng.gen_range(1..60))
            .map(|_| char::from_u32(rng.gen_range(0x80..0x2_FFFF)).unwrap_or('\u{fffd}'))
            .collect(),
        10 => "2026-13-45_1".into(),
        _ => "../../etc/passwd\\..\\%2e%2e/".into(),
    }
}

/// The field names server functions take across the portal; a probe sends all of them (serde
/// ignores the ones a function does not take).
const FIELDS: [&str; 22] = [
    "line",
    "number",
    "request",
    "account",
    "customer",
    "acting_for",
    "id",
    "key",
    "action",
    "when",
    "change",
    "code",
    "channel",
    "reason",
    "q",
    "paper",
    "threshold",
    "addon",
    "after",
    "kind",
    "from",
    "to",
];

/// Fills `{placeholder}`s of a path.
fn fill(path: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let name = rest[start + 1..end].trim_start_matches('*');
        out.push_str(&urlencoding(&value(name)));
        rest = &rest[(end + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

fn urlencoding(text: &str) -> String {
    app::ssr::urlencode(text)
}

/// Sends one probe: GET with the fields as a query, or POST with them as a form (the raw
/// `%ff` style values stay percent-encoded, so bytes that are not UTF-8 reach the server).
async fn send(
    app: &TestApp,
    method: &Method,
    path: &str,
    fields: &[(&str, String)],
    cookie: &str,
    json: bool,
) -> Option<(u16, String)> {
    let encoded = fields
        .iter()
        .map(|(k, v)| {
            let v = if v.starts_with('%') {
                v.clone()
            } else {
                urlencoding(v)
            };
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&");
    let accept = if json {
        "application/json"
    } else {
        "text/html"
    };
    let request = if *method == Method::GET {
        let sep = if path.contains('?') { '&' } else { '?' };
        app.client.get(app.url(&format!("{path}{sep}{encoded}")))
    } else {
        app.client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encoded)
    };
    let res = request
        .header(ORIGIN, &app.base)
        .header(ACCEPT, accept)
        .header(COOKIE, cookie)
        .send()
        .await
        .ok()?;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    Some((status, body))
}

/// The access-control probes and the fuzzer, with their figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_attack_battery_finds_no_leak_no_5xx_and_no_panic() {
    let panics = Arc::new(AtomicUsize::new(0));
    {
        let panics = panics.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            panics.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    }
    let seed = env_number("ATTACK_SEED", 1) as u64;
    let probes = env_number("ATTACK_PROBES", 10_000);
    let inputs = env_number("ATTACK_INPUTS", 100_000);
    let app = Arc::new(spawn_app().await);
    let db = app.db.clone();

    // Two customers probe; every other customer is a victim.
    let Db::Sqlite(pool) = &db else {
        unreachable!("spawn_app serves SQLite")
    };
    let jana: i64 = sqlx::query_scalar("SELECT id FROM customers WHERE email = 'demo@example.com'")
        .fetch_one(pool)
        .await
        .unwrap();
    let (second, second_email): (i64, String) = sqlx::query_as(
        "SELECT id, email FROM customers WHERE email GLOB '*.[0-9]*@*' ORDER BY id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM customers ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    // What the sign-in pages show anyone (the demo sign-ins) is not a leak.
    let mut public = String::new();
    for page in ["/login", "/staff/login"] {
        public += &app.public_text(page).await;
    }
    let mut victims = Vec::new();
    for id in all
        .iter()
        .copied()
        .filter(|id| *id != jana && *id != second)
    {
        let mut victim = holdings(&db, id).await;
        victim.markers.retain(|m| !public.contains(m.as_str()));
        victims.push(victim);
    }
    let own_jana = holdings(&db, jana).await;
    let own_second = holdings(&db, second).await;
    let before: BTreeMap<i64, String> = {
        let mut map = BTreeMap::new();
        for v in &victims {
            map.insert(v.customer, state_of(&db, v.customer).await);
        }
        map
    };

    // The probers: two customers, staff of each role (the agent with an open access to Jana),
    // and nobody.
    let mut probers = vec![
        Prober {
            name: "customer",
            cookie: app.customer_cookie("demo@example.com").await,
            sees: Some(jana),
            staff: false,
        },
        Prober {
            name: "second customer",
            cookie: app.customer_cookie(&second_email).await,
            sees: Some(second),
            staff: false,
        },
        Prober {
            name: "signed out",
            cookie: String::new(),
            sees: None,
            staff: false,
        },
    ];
    for email in [
        "agent@example.com",
        "supervisor@example.com",
        "admin@example.com",
    ] {
        let cookie = app
            .staff_cookie(email, selfcare::demo::password_of(email))
            .await;
        let sees = if email == "agent@example.com" {
            // Jana reads her code out to the agent.
            app.verify_by_code(&cookie, jana).await;
            Some(jana)
        } else {
            None
        };
        probers.push(Prober {
            name: "staff",
            cookie,
            sees,
            staff: true,
        });
    }

    let routes: Vec<(String, Method)> = server::router::registry()
        .into_iter()
        .filter(|(path, _)| is_probed(path))
        .map(|(path, method)| {
            (
                path,
                Method::from_bytes(method.as_str().as_bytes()).unwrap(),
            )
        })
        .collect();
    assert!(
        routes.len() > 40,
        "the registry lists {} routes",
        routes.len()
    );

    // The oracle sees what it looks for: Jana's own invoice, on her page and, with her access
    // open, on the agent's.
    let jana_invoice = own_jana
        .invoices
        .first()
        .expect("Jana has invoices")
        .clone();
    for (prober, path) in [
        (&probers[0], "/invoices".to_string()),
        (&probers[3], format!("/staff/customers/{jana}/invoices")),
    ] {
        let (status, body) = send(&app, &Method::GET, &path, &[], &prober.cookie, false)
            .await
            .unwrap();
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(&jana_invoice), "{path} shows {jana_invoice}");
    }

    // Access control.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut leaks: Vec<String> = Vec::new();
    let mut sent = 0;
    let started = std::time::Instant::now();
    for _ in 0..probes {
        let prober = probers.choose(&mut rng).unwrap();
        let own = match prober.sees {
            Some(id) if id == second => &own_second,
            _ => &own_jana,
        };
        let (path, method) = routes.choose(&mut rng).unwrap();
        let url = fill(path, |name| id_value(&mut rng, name, &victims, own));
        let mut fields: Vec<(&str, String)> = Vec::new();
        for f in FIELDS {
            if rng.gen_bool(0.6) {
                fields.push((f, id_value(&mut rng, f, &victims, own)));
            }
        }
        let json = rng.gen_bool(0.5);
        let Some((status, body)) = send(&app, method, &url, &fields, &prober.cookie, json).await
        else {
            continue;
        };
        sent += 1;
        assert!(
            status < 500,
            "{} {method} {url}: {status}\n{body:.500}",
            prober.name
        );
        for victim in victims.iter().filter(|v| Some(v.customer) != prober.sees) {
            for marker in &victim.markers {
                // Staff see names by design (search, a customer's page before verification).
                let is_name = !marker.contains('@') && !marker.chars().any(|c| c.is_ascii_digit());
                if prober.staff && is_name {
                    continue;
                }
                if marker.len() > 4 && body.contains(marker.as_str()) {
                    leaks.push(format!(
                        "{} {method} {url} showed customer {}'s {marker:?}",
                        prober.name, victim.customer
                    ));
                }
            }
        }
    }
    let mut changed = Vec::new();
    for v in &victims {
        if state_of(&db, v.customer).await != before[&v.customer] {
            changed.push(v.customer);
        }
    }

    let probing = started.elapsed();
    let started = std::time::Instant::now();

    // Input fuzzing, as a customer, as the agent with an open access, and signed out.
    let fuzzers = [&probers[0], &probers[2], &probers[3]];
    let mut server_errors: Vec<String> = Vec::new();
    let mut tried = 0;
    let concurrency = 16;
    let batches = inputs.div_ceil(concurrency);
    for _ in 0..batches {
        let mut batch = Vec::new();
        for _ in 0..concurrency {
            let prober = fuzzers.choose(&mut rng).unwrap();
            let (path, method) = routes.choose(&mut rng).unwrap().clone();
            let url = fill(&path, |_| fuzz_value(&mut rng));
            let mut fields: Vec<(&'static str, String)> = Vec::new();
            for f in FIELDS {
                if rng.gen_bool(0.3) {
                    fields.push((f, fuzz_value(&mut rng)));
                }
            }
            let json = rng.gen_bool(0.5);
            let (app, cookie) = (app.clone(), prober.cookie.clone());
            batch.push(tokio::spawn(async move {
                let answer = send(&app, &method, &url, &fields, &cookie, json).await;
                (method, url, answer)
            }));
        }
        for task in batch {
            let (method, url, answer) = task.await.unwrap();
            tried += 1;
            if let Some((status, body)) = answer {
                if status >= 500 {
                    server_errors.push(format!("{method} {url:.200}: {status} {body:.200}"));
                }
            }
        }
    }

    let panicked = panics.load(Ordering::SeqCst);
    println!(
        "attack battery (seed {seed}): {} routes; access-control probes sent {sent} in {:.0?}, \
         leaks {}, other customers changed {}; inputs tried {tried} in {:.0?}, 5xx {}, panics \
         {panicked}",
        routes.len(),
        probing,
        leaks.len(),
        changed.len(),
        started.elapsed(),
        server_errors.len()
    );
    assert!(
        leaks.is_empty(),
        "leaks:\n{}",
        leaks[..leaks.len().min(20)].join("\n")
    );
    assert!(
        changed.is_empty(),
        "other customers' data changed: {changed:?}"
    );
    assert!(
        server_errors.is_empty(),
        "5xx answers:\n{}",
        server_errors[..server_errors.len().min(20)].join("\n")
    );
    assert_eq!(panicked, 0, "panics");
}
