//! The fault part of the attack battery (issue 18): the real `selfcare` binary, as production
//! runs it, killed with SIGKILL in the middle of add-on changes, voucher top-ups and
//! scheduled-job runs under load, and (on PostgreSQL, when the test may restart it) the
//! database restarted under load. Customers go on clicking as a browser without JavaScript
//! does: a request that got no answer is sent again, exactly as it was (same idempotency key,
//! same voucher), once the portal answers again. Afterwards SQL checks that
//!
//! - no change is half-applied: every new add-on row, every ended one and every charge belongs
//!   to a request that is done, and every done request has them;
//! - nothing is charged or credited twice: charges and top-ups in the ledger sum to the done
//!   requests and the redeemed vouchers, and each line's balance is its ledger's;
//! - no audit entry is lost: one per change, per top-up and per scheduled request applied;
//! - no answer lied: every change and top-up answered as done is in the database;
//! - the portal answers again within 5 s of being started again, or of the database being back.
//!
//! SQLite always; PostgreSQL too when `SELFCARE_TEST_POSTGRES` names a server, and its restart
//! when `SELFCARE_TEST_PG_RESTART` holds the command that restarts it (`.ci/run` sets both).
//! Seeded (`ATTACK_SEED`), loopback only; the figures are printed (`bash bench/attack`).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{count, execute};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::header::{ACCEPT, COOKIE, ORIGIN};
use reqwest::StatusCode;
use selfcare_store::Db;

const SECRET: &str = "fault-battery-server-secret-0123456789abcdef";
/// Customers clicking at once.
const USERS: usize = 8;
/// Kills of the portal during the load, and during scheduled-job runs.
const KILLS: usize = 3;
/// How long the portal may take to answer again.
const BACK_WITHIN: Duration = Duration::from_secs(5);

/// The portal's process, started again on the same port and database after each kill.
struct Portal {
    database: String,
    addr: String,
    base: String,
    log: PathBuf,
    child: Option<Child>,
}

impl Portal {
    fn new(database: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log =
            std::env::temp_dir().join(format!("selfcare-faults-{}-{port}.log", std::process::id()));
        Self {
            database: database.to_string(),
            addr: format!("127.0.0.1:{port}"),
            base: format!("http://127.0.0.1:{port}"),
            log,
            child: None,
        }
    }

    /// Starts the binary (`serve --demo`: an empty database gets the demo data) and waits until
    /// it answers; answers how long that took.
    async fn start(&mut self, client: &reqwest::Client) -> Duration {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let started = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_selfcare"))
            .arg("serve")
            .env("DATABASE_URL", &self.database)
            .env("SELFCARE_ADDR", &self.addr)
            .env("SELFCARE_SECRET", SECRET)
            .env("SELFCARE_DEMO", "1")
            .env("SELFCARE_DEMO_CUSTOMERS", "60")
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        self.wait_healthy(client, Duration::from_secs(120)).await;
        started.elapsed()
    }

    /// SIGKILL: no shutdown, no flush, no rollback but the database's own.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Waits until `/healthz` answers 200 (the database reached); panics after `limit`.
    async fn wait_healthy(&mut self, client: &reqwest::Client, limit: Duration) -> Duration {
        let started = Instant::now();
        loop {
            if let Ok(res) = client.get(format!("{}/healthz", self.base)).send().await {
                if res.status() == StatusCode::OK {
                    return started.elapsed();
                }
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("the portal exited ({status}); see {}", self.log.display());
            }
            assert!(
                started.elapsed() < limit,
                "the portal did not answer within {limit:?}; see {}",
                self.log.display()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A customer of the load: signed in, with a prepaid line and vouchers of their currency.
struct User {
    cookie: String,
    line: i64,
    vouchers: Vec<String>,
}

/// One form post as a browser sends it, and whether it was answered.
#[derive(Clone, Debug)]
struct Post {
    path: &'static str,
    form: Vec<(String, String)>,
}

/// What the load did, for the checks.
#[derive(Default)]
struct Tally {
    sent: usize,
    unanswered: usize,
    /// Change requests' idempotency keys whose post was answered (a redirect back).
    changes_answered: Vec<String>,
    /// Voucher codes whose post was answered.
    top_ups_answered: Vec<String>,
    server_errors: usize,
    /// Answers that said it was not done (a refusal, or the database away), by their words.
    not_done: BTreeMap<String, usize>,
}

/// The `name="…" value="…"` pairs of the hidden and other inputs of the form with `class`.
fn form_fields(html: &str, class: &str) -> Option<Vec<(String, String)>> {
    let start = html.find(&format!("class=\"{class}\""))?;
    let form = &html[start..];
    let form = &form[..form.find("</form>")?];
    let fields = form
        .split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>')?];
            Some((attribute(tag, "name")?, attribute(tag, "value")?))
        })
        .collect();
    Some(fields)
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + end]))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The previews a services page links to (`/services/change?…`).
fn preview_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(unescape)
        .filter(|href| href.starts_with("/services/change?"))
        .collect()
}

/// Whether the reply a form's answer carries (the `selfcare_reply` cookie: `<type>.<JSON in
/// hex>`) says done, and its words; `None` without one.
fn reply_of(res: &reqwest::Response) -> Option<(bool, String)> {
    let value = common::set_cookie(res, "selfcare_reply")?;
    let value = value.split_once('=').map_or(value.as_str(), |(_, v)| v);
    let hex = value.split_once('.')?.1;
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let reply: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let words = reply.get("message")?.as_str()?.to_string();
    Some((reply.get("ok")?.as_bool()?, words))
}

/// Sends `post` until it is answered, as its customer would while the portal is down (the
/// same form again: same idempotency key, same voucher); counts what happens, and answers
/// whether the answer said done.
async fn send(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    post: &Post,
    tally: &Mutex<Tally>,
) -> bool {
    let started = Instant::now();
    loop {
        let sent = client
            .post(format!("{base}{}", post.path))
            .header(ORIGIN, base)
            .header(ACCEPT, "text/html")
            .header(COOKIE, cookie)
            .form(&post.form)
            .send()
            .await;
        let answer = {
            let mut tally = tally.lock().unwrap();
            tally.sent += 1;
            match sent {
                Ok(res) if res.status().is_server_error() => {
                    // 503 while the database is away: the customer tries again.
                    tally.server_errors +=
                        usize::from(res.status() != StatusCode::SERVICE_UNAVAILABLE);
                    None
                }
                Ok(res) => {
                    assert!(
                        res.status().is_redirection(),
                        "{} answered {}",
                        post.path,
                        res.status()
                    );
                    let reply = reply_of(&res);
                    let done = reply.as_ref().is_some_and(|(ok, _)| *ok);
                    if !done {
                        let words = reply.map_or_else(
                            || format!("no reply: {} to {}", res.status(), common::location(&res)),
                            |(_, w)| w,
                        );
                        *tally.not_done.entry(words).or_default() += 1;
                    }
                    Some(done)
                }
                Err(_) => {
                    tally.unanswered += 1;
                    None
                }
            }
        };
        if let Some(done) = answer {
            return done;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{} never answered",
            post.path
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

/// A page, or `None` while the portal is down.
async fn page(client: &reqwest::Client, base: &str, path: &str, cookie: &str) -> Option<String> {
    let res = client
        .get(format!("{base}{path}"))
        .header(COOKIE, cookie)
        .send()
        .await
        .ok()?;
    (res.status() == StatusCode::OK).then_some(())?;
    res.text().await.ok()
}

/// What the customers of a load do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Add-on changes, now or from the next period, and top-ups.
    Mixed,
    /// Add-on changes from the next period only.
    Scheduled,
    /// Top-ups only.
    TopUps,
}

/// One customer clicking until `stop`: add-on changes (previewed, then confirmed with the
/// preview's own fields) and voucher top-ups, as `mode` says.
async fn click(
    client: reqwest::Client,
    base: String,
    mut user: User,
    seed: u64,
    mode: Mode,
    tally: Arc<Mutex<Tally>>,
    stop: Arc<AtomicBool>,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    while !stop.load(Ordering::Relaxed) {
        let top_up = match mode {
            Mode::Mixed => rng.gen_bool(0.4),
            Mode::Scheduled => false,
            Mode::TopUps => true,
        };
        if top_up {
            let Some(code) = user.vouchers.pop() else {
                break;
            };
            let post = Post {
                path: "/api/redeem_voucher",
                form: vec![
                    ("line".into(), user.line.to_string()),
                    ("code".into(), code.clone()),
                ],
            };
            if send(&client, &base, &user.cookie, &post, &tally).await {
                tally.lock().unwrap().top_ups_answered.push(code);
            }
            continue;
        }
        let Some(services) = page(
            &client,
            &base,
            &format!("/services?line={}", user.line),
            &user.cookie,
        )
        .await
        else {
            tokio::time::sleep(Duration::from_millis(30)).await;
            continue;
        };
        let links = preview_links(&services);
        if mode == Mode::Scheduled {
            // Every add-on the line can take, from the next period, once.
            for link in links.iter().filter(|l| l.contains("&activate=")) {
                confirm(&client, &base, &user, &format!("{link}&when=next"), &tally).await;
            }
            break;
        }
        let Some(mut link) = links.choose(&mut rng).cloned() else {
            continue;
        };
        if rng.gen_bool(0.3) {
            link.push_str("&when=next");
        }
        confirm(&client, &base, &user, &link, &tally).await;
    }
}

/// Opens the preview at `link` and confirms it with the preview's own fields, as the customer
/// presses its button; a refused preview has nothing to confirm.
async fn confirm(
    client: &reqwest::Client,
    base: &str,
    user: &User,
    link: &str,
    tally: &Mutex<Tally>,
) {
    let Some(preview) = page(client, base, link, &user.cookie).await else {
        return;
    };
    let Some(form) = form_fields(&preview, "confirm") else {
        return;
    };
    let key = form
        .iter()
        .find(|(n, _)| n == "key")
        .map(|(_, v)| v.clone())
        .expect("a confirmation carries its idempotency key");
    let post = Post {
        path: "/api/change_addon",
        form,
    };
    if send(client, base, &user.cookie, &post, tally).await {
        tally.lock().unwrap().changes_answered.push(key);
    }
}

/// The ids before the run, to tell its rows from the seed's.
#[derive(Clone, Copy, Debug)]
struct Mark {
    request: i64,
    ledger: i64,
    audit: i64,
    line_addon: i64,
}

async fn mark(db: &Db) -> Mark {
    let max = |table: &str| format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
    Mark {
        request: count(db, &max("service_requests")).await,
        ledger: count(db, &max("credit_ledger")).await,
        audit: count(db, &max("audit_log")).await,
        line_addon: count(db, &max("line_addons")).await,
    }
}

/// One invariant: `what` must be 0 violations.
struct Checks {
    failed: Vec<String>,
    checked: usize,
}

impl Checks {
    async fn zero(&mut self, db: &Db, what: &str, sql: &str) {
        self.checked += 1;
        let n = count(db, sql).await;
        if n != 0 {
            self.failed.push(format!("{what}: {n}"));
        }
    }

    async fn equal(&mut self, db: &Db, what: &str, left: &str, right: &str) {
        self.checked += 1;
        let (l, r) = (count(db, left).await, count(db, right).await);
        if l != r {
            self.failed.push(format!("{what}: {l} ≠ {r}"));
        }
    }
}

/// Which requests a check is about: `id {scope}`, as in `id > 40` or `id IN (3, 9)`.
type Scope = String;

/// The invariants over the requests in `scope` and the rows written since `m`; `asked`: the
/// requests were made in this phase (so each has its audit entry from when it was asked).
async fn check_invariants(
    db: &Db,
    m: Mark,
    r: &Scope,
    asked: bool,
    vouchers: &[String],
    tally: &Tally,
    checks: &mut Checks,
) {
    let Mark {
        ledger: l,
        audit: a,
        line_addon: la,
        ..
    } = m;
    let done = format!("FROM service_requests WHERE id {r} AND status = 'done'");
    // Half-applied changes.
    checks
        .equal(
            db,
            "new add-on rows against done activations and switches",
            &format!("SELECT COUNT(*) FROM line_addons WHERE id > {la}"),
            &format!("SELECT COUNT(*) {done} AND kind IN ('activate', 'switch')"),
        )
        .await;
    checks
        .zero(
            db,
            "new add-on rows without a done request for them",
            &format!(
                "SELECT COUNT(*) FROM line_addons a WHERE a.id > {la} AND NOT EXISTS (SELECT 1 \
                 FROM service_requests s WHERE s.id {r} AND s.status = 'done' \
                 AND s.line_id = a.line_id AND s.addon_id = a.addon_id)"
            ),
        )
        .await;
    checks
        .zero(
            db,
            "done end requests whose add-on is still on",
            &format!(
                "SELECT COUNT(*) FROM service_requests s JOIN line_addons a ON a.id = s.line_addon_id \
                 WHERE s.id {r} AND s.status = 'done' AND s.kind = 'end' AND a.ended_at IS NULL"
            ),
        )
        .await;
    // Double charges and credits.
    let prepaid_done = format!(
        "FROM service_requests s JOIN lines n ON n.id = s.line_id \
         WHERE s.id {r} AND s.status = 'done' AND n.payment_type = 'prepaid' AND s.charge_cents > 0"
    );
    checks
        .equal(
            db,
            "charges in the ledger against done prepaid requests",
            &format!("SELECT COUNT(*) FROM credit_ledger WHERE id > {l} AND kind = 'charge'"),
            &format!("SELECT COUNT(*) {prepaid_done}"),
        )
        .await;
    checks
        .equal(
            db,
            "amount charged against the done requests' charges",
            &format!("SELECT CAST(COALESCE(SUM(-amount_cents), 0) AS BIGINT) FROM credit_ledger WHERE id > {l} AND kind = 'charge'"),
            &format!("SELECT CAST(COALESCE(SUM(s.charge_cents), 0) AS BIGINT) {prepaid_done}"),
        )
        .await;
    let ours = vouchers
        .iter()
        .chain(std::iter::once(&String::new()))
        .map(|v| match selfcare::credit::VoucherCode::parse(v) {
            Ok(code) => format!("'{}'", selfcare_store::secrets::voucher_hash(&code)),
            Err(_) => "''".to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let redeemed = format!("FROM vouchers WHERE code_hash IN ({ours}) AND redeemed_at IS NOT NULL");
    checks
        .equal(
            db,
            "top-ups in the ledger against redeemed vouchers",
            &format!("SELECT COUNT(*) FROM credit_ledger WHERE id > {l} AND kind = 'top_up'"),
            &format!("SELECT COUNT(*) {redeemed}"),
        )
        .await;
    checks
        .equal(
            db,
            "amount topped up against the redeemed vouchers' amounts",
            &format!("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM credit_ledger WHERE id > {l} AND kind = 'top_up'"),
            &format!("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) {redeemed}"),
        )
        .await;
    checks
        .zero(
            db,
            "lines whose balance is not their last ledger entry's",
            &format!(
                "SELECT COUNT(*) FROM lines n WHERE EXISTS (SELECT 1 FROM credit_ledger e WHERE e.line_id = n.id AND e.id > {l}) \
                 AND n.credit_cents <> (SELECT e.balance_after_cents FROM credit_ledger e WHERE e.line_id = n.id ORDER BY e.id DESC LIMIT 1)"
            ),
        )
        .await;
    checks
        .zero(
            db,
            "ledger entries that do not follow from the one before",
            &format!(
                "SELECT COUNT(*) FROM credit_ledger e WHERE e.id > {l} AND e.balance_after_cents <> e.amount_cents + \
                 (SELECT p.balance_after_cents FROM credit_ledger p WHERE p.line_id = e.line_id AND p.id < e.id ORDER BY p.id DESC LIMIT 1)"
            ),
        )
        .await;
    // Lost audit entries: a change the customer made is audited unless it was refused when
    // asked; a scheduled one once more when the job settles it.
    if asked {
        checks
            .equal(
                db,
                "audit entries of changes against changes made",
                &format!(
                    "SELECT COUNT(*) FROM audit_log WHERE id > {a} AND action IN \
                 ('addon_activate', 'addon_switch', 'addon_end', 'addon_scheduled')"
                ),
                &format!(
                    "SELECT COUNT(*) FROM service_requests WHERE id {r} \
                 AND (failure IS NULL OR failure NOT LIKE '%\"refused\"%')"
                ),
            )
            .await;
    }
    checks
        .equal(
            db,
            "audit entries of top-ups against redeemed vouchers",
            &format!("SELECT COUNT(*) FROM audit_log WHERE id > {a} AND action = 'voucher_top_up'"),
            &format!("SELECT COUNT(*) {redeemed}"),
        )
        .await;
    // Answers that said done.
    for key in &tally.changes_answered {
        checks
            .zero(
                db,
                &format!("an answered change not in the database ({key})"),
                &format!(
                    "SELECT 1 - COUNT(*) FROM service_requests WHERE idempotency_key = '{key}'"
                ),
            )
            .await;
    }
    for code in &tally.top_ups_answered {
        let hash = selfcare_store::secrets::voucher_hash(
            &selfcare::credit::VoucherCode::parse(code).unwrap(),
        );
        checks
            .zero(
                db,
                "an answered top-up whose voucher is not redeemed",
                &format!("SELECT 1 - COUNT(*) FROM vouchers WHERE code_hash = '{hash}' AND redeemed_at IS NOT NULL"),
            )
            .await;
    }
}

/// The job's part: every scheduled request settled since `m` has its one audit entry.
async fn check_job(db: &Db, m: Mark, scheduled: usize, checks: &mut Checks) {
    checks
        .zero(db, "scheduled requests left unsettled", "SELECT COUNT(*) FROM service_requests WHERE status = 'scheduled' AND effective_on <= CURRENT_DATE")
        .await;
    checks
        .equal(
            db,
            "audit entries of settled scheduled requests against the requests",
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE id > {} AND action IN ('scheduled_change_done', 'scheduled_change_failed')",
                m.audit
            ),
            &format!("SELECT CAST({scheduled} AS BIGINT)"),
        )
        .await;
}

/// Customers with an active prepaid line, signed in, each with vouchers of their currency
/// stored for them.
/// Which customers sign in, and with which line each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// [`USERS`] customers, each with their first active prepaid line.
    Prepaid,
    /// Every customer, once per active line.
    EveryLine,
}

async fn sign_in_customers(
    db: &Db,
    portal: &Portal,
    client: &reqwest::Client,
    seed: u64,
    who: Who,
    vouchers_each: usize,
) -> (Vec<User>, Vec<String>) {
    let sql = match who {
        Who::Prepaid => {
            "SELECT c.email, c.currency, MIN(n.id) FROM customers c JOIN lines n ON n.customer_id = c.id \
             WHERE n.payment_type = 'prepaid' AND n.status = 'active' GROUP BY c.id, c.email, c.currency \
             ORDER BY c.id"
        }
        Who::EveryLine => {
            "SELECT c.email, c.currency, n.id FROM customers c JOIN lines n ON n.customer_id = c.id \
             WHERE n.status = 'active' ORDER BY c.id, n.id"
        }
    };
    let mut rows: Vec<(String, String, i64)> = match db {
        Db::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    };
    if who == Who::Prepaid {
        assert!(
            rows.len() >= USERS,
            "{} customers with a prepaid line",
            rows.len()
        );
        rows.truncate(USERS);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut users = Vec::new();
    let mut all = Vec::new();
    let mut cookies: BTreeMap<String, String> = BTreeMap::new();
    for (email, currency, line) in rows {
        if let Some(cookie) = cookies.get(&email) {
            users.push(User {
                cookie: cookie.clone(),
                line,
                vouchers: Vec::new(),
            });
            continue;
        }
        let res = client
            .post(format!("{}/api/login", portal.base))
            .header(ORIGIN, &portal.base)
            .header(ACCEPT, "text/html")
            .form(&[
                ("identifier", email.as_str()),
                ("password", selfcare::demo::CUSTOMER_PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        let cookie = common::set_cookie(&res, "selfcare_session")
            .unwrap_or_else(|| panic!("{email} signs in"));
        cookies.insert(email.clone(), cookie.clone());
        let vouchers: Vec<String> = (0..vouchers_each)
            .map(|_| format!("{:016}", rng.gen_range(0..10_u64.pow(16))))
            .collect();
        for code in &vouchers {
            let hash = selfcare_store::secrets::voucher_hash(
                &selfcare::credit::VoucherCode::parse(code).unwrap(),
            );
            execute(
                db,
                &format!(
                    "INSERT INTO vouchers (code_hash, currency, amount_cents, expires_on, created_at) \
                     VALUES ('{hash}', '{currency}', {}, '2999-12-31', '2026-01-01T00:00:00Z')",
                    rng.gen_range(1..=50) * 100
                ),
            )
            .await;
        }
        all.extend(vouchers.iter().cloned());
        users.push(User {
            cookie,
            line,
            vouchers,
        });
    }
    (users, all)
}

struct Load {
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    tally: Arc<Mutex<Tally>>,
}

fn start_load(
    client: &reqwest::Client,
    base: &str,
    users: Vec<User>,
    seed: u64,
    mode: Mode,
) -> Load {
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let tasks = users
        .into_iter()
        .enumerate()
        .map(|(i, user)| {
            tokio::spawn(click(
                client.clone(),
                base.to_string(),
                user,
                seed * 100 + i as u64,
                mode,
                tally.clone(),
                stop.clone(),
            ))
        })
        .collect();
    Load { stop, tasks, tally }
}

impl Load {
    /// Stops the clicking; each customer's post in flight is sent until answered first.
    async fn finish(self) -> Tally {
        self.stop.store(true, Ordering::Relaxed);
        self.finish_when_done().await
    }

    /// Waits until every customer has done what they came for.
    async fn finish_when_done(self) -> Tally {
        for task in self.tasks {
            task.await.unwrap();
        }
        Arc::try_unwrap(self.tally)
            .ok()
            .unwrap()
            .into_inner()
            .unwrap()
    }
}

/// The figures of one engine's run.
#[derive(Debug, Default)]
struct Figures {
    kills: usize,
    kills_mid_job: usize,
    database_restarts: usize,
    posts: usize,
    unanswered: usize,
    scheduled: usize,
    server_errors: usize,
    not_done: BTreeMap<String, usize>,
    slowest_back: Duration,
    invariants: usize,
    violations: Vec<String>,
}

async fn run(database: &str, restart_database: Option<&str>) -> Figures {
    selfcare_store::secrets::install_secret(
        selfcare_store::secrets::ServerSecret::new(SECRET, None).unwrap(),
    );
    let seed = std::env::var("ATTACK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut portal = Portal::new(database);
    portal.start(&client).await;
    let db = Db::connect(database).await.unwrap();
    // The seed's own due requests are settled at start; wait for that before marking.
    settle(&db).await;
    let (users, vouchers) = sign_in_customers(&db, &portal, &client, seed, Who::Prepaid, 200).await;
    let mut figures = Figures::default();
    let mut checks = Checks {
        failed: Vec::new(),
        checked: 0,
    };

    // 1. Kills, and the database restarted, under load.
    let before = mark(&db).await;
    let load = start_load(&client, &portal.base, users, seed, Mode::Mixed);
    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(400..1500))).await;
        portal.kill();
        figures.kills += 1;
        tokio::time::sleep(Duration::from_millis(rng.gen_range(50..300))).await;
        figures.slowest_back = figures.slowest_back.max(portal.start(&client).await);
    }
    if let Some(command) = restart_database {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(400..1000))).await;
        let status = Command::new("sh").arg("-c").arg(command).status().unwrap();
        assert!(status.success(), "{command}");
        figures.database_restarts += 1;
        // The database is back: the portal must answer within the limit.
        let back = portal.wait_healthy(&client, Duration::from_secs(60)).await;
        figures.slowest_back = figures.slowest_back.max(back);
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let tally = load.finish().await;
    figures.posts += tally.sent;
    figures.unanswered += tally.unanswered;
    figures.server_errors += tally.server_errors;
    for (words, n) in &tally.not_done {
        *figures.not_done.entry(words.clone()).or_default() += n;
    }
    check_invariants(
        &db,
        before,
        &format!("> {}", before.request),
        true,
        &vouchers,
        &tally,
        &mut checks,
    )
    .await;

    // 2. Kills in the middle of the scheduled-change job, under a load of top-ups: more
    // changes from the next period, all made due today, then the portal (whose job runs at
    // start) killed as it works through them, again and again.
    let (users, _) = sign_in_customers(&db, &portal, &client, seed + 1, Who::EveryLine, 0).await;
    let load = start_load(&client, &portal.base, users, seed + 1, Mode::Scheduled);
    figures.posts += load.finish_when_done().await.sent;
    let scheduled: Vec<i64> = match &db {
        Db::Sqlite(pool) => {
            sqlx::query_scalar("SELECT id FROM service_requests WHERE status = 'scheduled'")
                .fetch_all(pool)
                .await
                .unwrap()
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar("SELECT id FROM service_requests WHERE status = 'scheduled'")
                .fetch_all(pool)
                .await
                .unwrap()
        }
    };
    figures.scheduled = scheduled.len();
    let scope = format!(
        "IN ({})",
        scheduled
            .iter()
            .map(i64::to_string)
            .chain(["0".into()])
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (users, vouchers) =
        sign_in_customers(&db, &portal, &client, seed + 2, Who::Prepaid, 100).await;
    let before = mark(&db).await;
    let load = start_load(&client, &portal.base, users, seed + 2, Mode::TopUps);
    let today = chrono::Utc::now().date_naive();
    execute(
        &db,
        &format!("UPDATE service_requests SET effective_on = '{today}' WHERE id {scope}"),
    )
    .await;
    let waiting_sql =
        format!("SELECT COUNT(*) FROM service_requests WHERE status = 'scheduled' AND id {scope}");
    // The job starts with the portal: kill it sooner or later after start until kills have
    // landed with part of the batch settled and part not, or the batch is through.
    let mut delay = 0;
    for _ in 0..20 {
        portal.kill();
        let left = count(&db, &waiting_sql).await;
        if left == 0 || figures.kills_mid_job == KILLS {
            break;
        }
        figures.slowest_back = figures.slowest_back.max(portal.start(&client).await);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        portal.kill();
        figures.kills += 1;
        match count(&db, &waiting_sql).await {
            now_left if now_left == left => delay += 20,
            0 => {}
            _ => figures.kills_mid_job += 1,
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(50..300))).await;
    }
    figures.slowest_back = figures.slowest_back.max(portal.start(&client).await);
    settle(&db).await;
    let tally = load.finish().await;
    figures.posts += tally.sent;
    figures.unanswered += tally.unanswered;
    figures.server_errors += tally.server_errors;
    for (words, n) in &tally.not_done {
        *figures.not_done.entry(words.clone()).or_default() += n;
    }
    check_job(&db, before, figures.scheduled, &mut checks).await;
    check_invariants(&db, before, &scope, false, &vouchers, &tally, &mut checks).await;

    // A positive control: a charge that no request explains is seen.
    execute(
        &db,
        "INSERT INTO credit_ledger (line_id, at, kind, amount_cents, balance_after_cents, description) \
         SELECT line_id, at, 'charge', -1, balance_after_cents - 1, 'control' FROM credit_ledger \
         WHERE id = (SELECT MAX(id) FROM credit_ledger)",
    )
    .await;
    let mut control = Checks {
        failed: Vec::new(),
        checked: 0,
    };
    check_invariants(&db, before, &scope, false, &vouchers, &tally, &mut control).await;
    assert!(!control.failed.is_empty(), "the checks see a stray charge");

    figures.invariants = checks.checked;
    figures.violations = checks.failed;
    figures
}

/// Waits until the job has settled every request due (it runs at start and each minute).
async fn settle(db: &Db) {
    let started = Instant::now();
    while count(db, "SELECT COUNT(*) FROM service_requests WHERE status = 'scheduled' AND effective_on <= CURRENT_DATE").await > 0 {
        assert!(started.elapsed() < Duration::from_secs(90), "the job settles the due requests");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn report(engine: &str, f: &Figures) {
    println!(
        "attack battery faults ({engine}): {} kills -9 ({} in the middle of a job run), {} database restarts, \
         {} posts ({} unanswered and sent again, {} answered not done), {} scheduled changes settled, \
         back within {:.2} s at the slowest, {} 5xx other than 503, {} invariants checked, {} violations",
        f.kills,
        f.kills_mid_job,
        f.database_restarts,
        f.posts,
        f.unanswered,
        f.not_done.values().sum::<usize>(),
        f.scheduled,
        f.slowest_back.as_secs_f64(),
        f.server_errors,
        f.invariants,
        f.violations.len()
    );
    for (words, n) in &f.not_done {
        println!("  answered not done, {n}×: {words}");
    }
    for v in &f.violations {
        println!("  violated: {v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_and_cut_off_the_portal_loses_nothing_and_charges_nothing_twice() {
    let mut runs = BTreeMap::new();
    runs.insert("SQLite", run(&common::fresh_sqlite_url(), None).await);
    if let Some(server) = std::env::var("SELFCARE_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.trim().is_empty())
    {
        let name = format!("selfcare_test_faults_{}", std::process::id());
        let url = common::fresh_postgres_database(&server, &name).await;
        let restart = std::env::var("SELFCARE_TEST_PG_RESTART")
            .ok()
            .filter(|s| !s.trim().is_empty());
        if restart.is_none() {
            eprintln!(
                "SELFCARE_TEST_PG_RESTART is not set: PostgreSQL is not restarted under load"
            );
        }
        runs.insert("PostgreSQL", run(&url, restart.as_deref()).await);
        let admin = sqlx::PgPool::connect(&server).await.unwrap();
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin)
            .await;
    } else {
        eprintln!("SELFCARE_TEST_POSTGRES is not set: the faults run on SQLite only");
    }
    for (engine, figures) in &runs {
        report(engine, figures);
    }
    for (engine, f) in &runs {
        assert!(f.violations.is_empty(), "{engine}: {:?}", f.violations);
        assert_eq!(f.server_errors, 0, "{engine}: 5xx other than 503");
        assert!(
            f.slowest_back <= BACK_WITHIN,
            "{engine}: back after {:?}",
            f.slowest_back
        );
        assert!(f.scheduled > 0, "{engine}: the job had changes to settle");
        assert!(
            f.kills_mid_job > 0,
            "{engine}: no kill landed in the middle of a job run"
        );
    }
}
