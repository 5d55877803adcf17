//! The server over real HTTP: sessions, sign-in, throttling, CSRF, redirects, 404 and 503.
//! Each test starts the app on a random port with a fresh SQLite database holding the demo data.

mod common;

use common::{spawn_app, TestApp};
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::StatusCode;
use selfcare_store::Db;

impl TestApp {
    /// Posts the sign-in form as a browser does (same-origin, accepting HTML).
    async fn sign_in(
        &self,
        identifier: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(self.url("/api/login"))
            .header(ORIGIN, &self.base)
            .header("accept", "text/html")
            .header("referer", self.url("/login"))
            .form(&[
                ("identifier", identifier),
                ("password", password),
                ("next", "/"),
            ]);
        if let Some(cookie) = cookie {
            req = req.header(COOKIE, cookie);
        }
        req.send().await.unwrap()
    }

    /// Signs in with the demo password; answers the `Cookie` header that carries the session.
    async fn signed_in_cookie(&self, identifier: &str) -> String {
        let res = self
            .sign_in(identifier, selfcare::demo::CUSTOMER_PASSWORD, None)
            .await;
        let set = session_cookie(&res).expect("signed in");
        set.split(';').next().unwrap_or_default().to_string()
    }

    async fn page(&self, path: &str, cookie: &str) -> (StatusCode, String) {
        let res = self
            .client
            .get(self.url(path))
            .header(COOKIE, cookie)
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }
}

/// The `name=value` pairs a response sets, joined as a `Cookie` header.
fn cookies_of(res: &reqwest::Response) -> String {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter(|pair| !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("selfcare_session=") && !v.starts_with("selfcare_session=;"))
        .map(str::to_string)
}

/// The health check answers 200 while the database answers, and 503 once it is gone.
#[tokio::test]
async fn health_follows_the_database() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    app.db.close().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// A signed-out visitor is sent to sign in, and back to where they were going.
#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_back() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/?line=7")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/login?next=%2F%3Fline%3D7");

    let res = app
        .client
        .post(app.url("/api/login"))
        .header(ORIGIN, &app.base)
        .header("accept", "text/html")
        .form(&[
            ("identifier", "demo@example.com"),
            ("password", selfcare::demo::CUSTOMER_PASSWORD),
            ("next", "/?line=7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[LOCATION], "/?line=7");
}

/// Sign-in sets an HttpOnly, SameSite session cookie with a new id, and the overview is the
/// customer's; sign-out ends the session on the server.
#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let app = spawn_app().await;
    let planted = format!("selfcare_session={}", "a".repeat(64));
    let res = app
        .sign_in(
            "demo@example.com",
            selfcare::demo::CUSTOMER_PASSWORD,
            Some(&planted),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let set = session_cookie(&res).expect("a session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    assert_ne!(cookie, planted);
    assert_eq!(cookie.len(), "selfcare_session=".len() + 64);

    let (status, html) = app.page("/", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Jana Nováková"),
        "the overview names the customer"
    );
    assert!(html.contains("+420 601 123 456"));
    assert!(
        !html.contains("+420 603 100 001"),
        "another customer's line is not shown"
    );

    let res = app
        .client
        .post(app.url("/api/logout"))
        .header(ORIGIN, &app.base)
        .header("accept", "text/html")
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/login");
    let (status, _) = app.page("/", &cookie).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer signs in"
    );
}

/// Signing in by phone number works as by email.
#[tokio::test]
async fn a_customer_signs_in_with_a_phone_number() {
    let app = spawn_app().await;
    let res = app
        .sign_in("+420 601 123 456", selfcare::demo::CUSTOMER_PASSWORD, None)
        .await;
    assert!(session_cookie(&res).is_some());
}

/// A wrong password and an unknown user get the same message, and the login page keeps what
/// was typed.
#[tokio::test]
async fn a_failed_sign_in_says_why_and_keeps_the_identifier() {
    let app = spawn_app().await;
    for identifier in ["demo@example.com", "nobody@example.com"] {
        let res = app.sign_in(identifier, "wrong password", None).await;
        assert_eq!(res.status(), StatusCode::FOUND);
        assert!(session_cookie(&res).is_none());
        assert!(res.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login"));
        let flash = cookies_of(&res);
        let (status, html) = app.page("/login", &flash).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("The email, phone number or password is not right."),
            "{html}"
        );
        assert!(
            html.contains(&format!("value=\"{identifier}\"")),
            "the identifier is kept"
        );
    }
}

/// After five failures for one account, even the right password is refused for a while.
#[tokio::test]
async fn the_sixth_try_after_five_failures_is_throttled() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.sign_in("demo@example.com", "wrong password", None)
            .await;
    }
    let res = app
        .sign_in("demo@example.com", selfcare::demo::CUSTOMER_PASSWORD, None)
        .await;
    assert!(session_cookie(&res).is_none(), "locked out");
    let (_, html) = app.page("/login", &cookies_of(&res)).await;
    assert!(
        html.contains("Too many failed sign-in attempts. Try again in 15 minutes."),
        "{html}"
    );
}

/// A form posted from another site is refused before it reaches a server function.
#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header(ORIGIN, "https://evil.example")
        .form(&[
            ("identifier", "demo@example.com"),
            ("password", selfcare::demo::CUSTOMER_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&res).is_none());
}

/// An unknown path answers 404 with a page.
#[tokio::test]
async fn an_unknown_path_is_a_404_page() {
    let app = spawn_app().await;
    let cookie = app.signed_in_cookie("demo@example.com").await;
    let (status, html) = app.page("/no/such/page", &cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

/// With the database gone, pages answer 503 with a plain explanation, not a stack trace.
#[tokio::test]
async fn an_unreachable_database_gives_a_503_page() {
    let app = spawn_app().await;
    let cookie = app.signed_in_cookie("demo@example.com").await;
    app.db.close().await;
    let (status, html) = app.page("/", &cookie).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(html.contains("Temporarily unavailable"));
    let (status, html) = app.page("/login", "").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{html}");
    assert!(html.contains("temporarily unavailable"));
}

/// The newest invoice number of a signed-in customer, read from the invoice list.
async fn first_invoice_number(app: &TestApp, cookie: &str) -> String {
    let (status, html) = app.page("/invoices", cookie).await;
    assert_eq!(status, StatusCode::OK);
    let start = html.find("href=\"/invoices/").expect("an invoice link") + 16;
    html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// An invoice's PDF is a PDF for its owner, not found for anyone else, and sign-in first for
/// a signed-out visitor.
#[tokio::test]
async fn an_invoice_pdf_is_only_its_owners() {
    let app = spawn_app().await;
    let demo = app.signed_in_cookie("demo@example.com").await;
    let business = app.signed_in_cookie("business@example.com").await;
    let number = first_invoice_number(&app, &demo).await;
    let path = format!("/invoices/{number}/pdf");

    let res = app
        .client
        .get(app.url(&path))
        .header(COOKIE, &demo)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));

    let (theirs, _) = app.page(&path, &business).await;
    assert_eq!(theirs, StatusCode::NOT_FOUND);
    let (missing, _) = app.page("/invoices/999999999/pdf", &business).await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
    let (page, html) = app.page(&format!("/invoices/{number}"), &business).await;
    assert_eq!(page, StatusCode::NOT_FOUND);
    assert!(
        !html.contains("Left to pay"),
        "nothing of the invoice shows"
    );

    let res = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()[LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/login?next="));
}

/// Switching paper invoices by a plain form post comes back to the list, changes the setting
/// once, and cannot touch another customer's account.
#[tokio::test]
async fn paper_invoices_switch_by_a_plain_form_post() {
    let app = spawn_app().await;
    let demo = app.signed_in_cookie("demo@example.com").await;
    let customer = customer_id(&app, "demo@example.com").await;
    let account = app.db.billing_accounts(customer).await.unwrap()[0].id;
    let post = |account: i64, paper: &'static str| {
        app.client
            .post(app.url("/api/paper_invoices"))
            .header(ORIGIN, &app.base)
            .header(COOKIE, &demo)
            .header("accept", "text/html")
            .form(&[
                ("account", account.to_string()),
                ("paper", paper.to_string()),
            ])
            .send()
    };
    for _ in 0..2 {
        let res = post(account.get(), "false").await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()[LOCATION], "/invoices#electronic-billing");
    }
    assert!(!app.db.billing_accounts(customer).await.unwrap()[0].paper_invoices);
    let audited = app.db.audit_of(customer, 20).await.unwrap();
    assert_eq!(
        audited
            .iter()
            .filter(|e| e.action == "paper_invoices")
            .count(),
        1
    );

    let (_, html) = app.page("/invoices", &demo).await;
    assert!(html.contains("You receive invoices electronically only."));

    let other = customer_id(&app, "business@example.com").await;
    let theirs = app.db.billing_accounts(other).await.unwrap()[0].id;
    let res = post(theirs.get(), "true").await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        res.headers()[LOCATION],
        "/invoices?paper=failed#electronic-billing"
    );
    assert!(!app.db.billing_accounts(other).await.unwrap()[0].paper_invoices);
}

async fn customer_id(app: &TestApp, email: &str) -> selfcare::ids::CustomerId {
    app.db
        .login_candidate(&selfcare::ids::LoginIdentifier::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .customer_id
}

/// The rows of a CSV body, header first, split on the CRLF RFC 4180 ends them with.
fn csv_rows(body: &str) -> Vec<&str> {
    assert!(body.ends_with("\r\n"), "every row ends with CRLF");
    body.trim_end_matches("\r\n").split("\r\n").collect()
}

/// A line's usage records download as CSV for its owner, row for row what the store holds
/// (also past one streamed batch, and filtered); another customer's line is not found.
#[tokio::test]
async fn usage_records_download_as_csv_only_for_their_owner() {
    use selfcare::usage::csv::{record_row, row, RECORD_COLUMNS};
    use selfcare::usage::UsageFilter;

    let app = spawn_app().await;
    let piotr = app.signed_in_cookie("prepaid@example.com").await;
    let demo = app.signed_in_cookie("demo@example.com").await;
    let owner = customer_id(&app, "prepaid@example.com").await;
    let today = chrono::Utc::now().date_naive();
    let line = app
        .db
        .dashboard(owner, chrono::Utc::now())
        .await
        .unwrap()
        .lines[0]
        .id;
    // More records than one batch of the stream.
    let Db::Sqlite(pool) = &app.db else {
        unreachable!("the test app runs on SQLite")
    };
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) \
         INSERT INTO usage_records (line_id, started_at, kind, quantity, counterpart, roaming, country, charge_cents, rated_at) \
         SELECT $1, strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-01-01', '+' || i || ' minutes'), \
                'data', i, NULL, FALSE, 'PL', i % 3, '2026-01-02T00:00:00+00:00' FROM n",
    )
    .bind(line)
    .execute(pool)
    .await
    .unwrap();

    let path = format!("/usage/{line}/records.csv");
    let res = app
        .client
        .get(app.url(&path))
        .header(COOKIE, &piotr)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"usage-48601234567.csv\""
    );
    let body = res.text().await.unwrap();
    let expected = app
        .db
        .usage_records(owner, line, &UsageFilter::default(), None, 100_000)
        .await
        .unwrap()
        .items;
    assert!(expected.len() > 1_500);
    let rows = csv_rows(&body);
    assert_eq!(format!("{}\r\n", rows[0]), row(&RECORD_COLUMNS));
    let written: Vec<String> = expected.iter().map(record_row).collect();
    let read: Vec<String> = rows[1..].iter().map(|r| format!("{r}\r\n")).collect();
    assert_eq!(read, written);

    let filter = UsageFilter::parse("sms", "2026-01-01", &today.to_string()).unwrap();
    let (status, body) = app
        .page(
            &format!("{path}?type=sms&from=2026-01-01&to={today}"),
            &piotr,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let sms = app
        .db
        .usage_records(owner, line, &filter, None, 100_000)
        .await
        .unwrap()
        .items;
    assert!(!sms.is_empty());
    assert_eq!(csv_rows(&body).len(), sms.len() + 1);
    assert!(csv_rows(&body)[1..]
        .iter()
        .all(|r| r.contains(",sms,1,message,")));
    let (bad, message) = app.page(&format!("{path}?from=tomorrow"), &piotr).await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
    assert!(message.contains("is not a date"));

    let (theirs, html) = app.page(&path, &demo).await;
    assert_eq!(theirs, StatusCode::NOT_FOUND);
    assert!(!html.contains("started_at"));
    for missing in ["/usage/999999/records.csv", "/usage/abc/records.csv"] {
        assert_eq!(app.page(missing, &piotr).await.0, StatusCode::NOT_FOUND);
    }
    let (page, _) = app.page(&format!("/usage?line={line}"), &demo).await;
    assert_eq!(page, StatusCode::NOT_FOUND, "nor is the page");
    let res = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// A filter the usage page cannot read says why in the page, which still answers.
#[tokio::test]
async fn a_bad_usage_filter_is_explained_in_the_page() {
    let app = spawn_app().await;
    let piotr = app.signed_in_cookie("prepaid@example.com").await;
    let (status, html) = app.page("/usage?from=2026-13-01", &piotr).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("“From” is not a date."), "{html}");
    let (status, html) = app
        .page("/usage?from=2026-11-20&to=2026-11-10", &piotr)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("is after “To”"));
    assert!(html.contains("Allowances of +48 601 234 567"));
}

/// The overview of every line downloads sorted as the page sorts it, with the same figures.
#[tokio::test]
async fn the_line_overview_downloads_sorted_as_the_page_shows_it() {
    use selfcare::usage::csv::line_row;
    use selfcare::usage::lines::sort_lines;
    use selfcare::usage::{LineSort, SortDirection};

    let app = spawn_app().await;
    let business = app.signed_in_cookie("business@example.com").await;
    let who = customer_id(&app, "business@example.com").await;
    let mut lines = app
        .db
        .dashboard(who, chrono::Utc::now())
        .await
        .unwrap()
        .lines;
    assert_eq!(lines.len(), 5);
    sort_lines(&mut lines, LineSort::Data, SortDirection::Desc);

    let (status, body) = app
        .page("/usage/lines.csv?sort=data&dir=desc", &business)
        .await;
    assert_eq!(status, StatusCode::OK);
    let rows = csv_rows(&body);
    assert!(rows[0].starts_with("number,label,plan,minutes_left"));
    let expected: Vec<String> = lines.iter().map(line_row).collect();
    let read: Vec<String> = rows[1..].iter().map(|r| format!("{r}\r\n")).collect();
    assert_eq!(read, expected);

    let (status, html) = app.page("/usage/lines?sort=data&dir=desc", &business).await;
    assert_eq!(status, StatusCode::OK);
    let positions: Vec<usize> = lines
        .iter()
        .map(|l| {
            html.find(&l.msisdn.display())
                .expect("every line is listed")
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "the page's order"
    );
    assert!(html.contains(r#"aria-sort="descending""#));
}

/// Server functions read their arguments as the domain's types (a line id, a roaming change
/// named in words): a change nobody offers, a line id that is no number or a missing field is
/// the sender's mistake, answered with a 4xx and a sentence, never a 500; a known change is made.
#[tokio::test]
async fn a_server_function_refuses_arguments_of_the_wrong_type_with_a_4xx() {
    let app = spawn_app().await;
    let demo = app.signed_in_cookie("demo@example.com").await;
    let customer = customer_id(&app, "demo@example.com").await;
    let line = app.db.service_lines(customer).await.unwrap()[0].id.get();
    let post = |fields: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/api/change_roaming"))
            .header(ORIGIN, &app.base)
            .header(COOKIE, &demo)
            .form(&fields)
            .send()
    };
    let field = |name: &'static str, value: &str| (name, value.to_string());
    for (why, fields) in [
        (
            "unknown change",
            vec![
                field("line", &line.to_string()),
                field("change", "everything-on"),
                field("key", "typed-1"),
            ],
        ),
        (
            "line not a number",
            vec![
                field("line", "abc"),
                field("change", "data-off"),
                field("key", "typed-2"),
            ],
        ),
        (
            "no line",
            vec![field("change", "data-off"), field("key", "typed-3")],
        ),
    ] {
        let res = post(fields).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("This form could not be read"),
            "{why}: {body}"
        );
    }
    let res = post(vec![
        field("line", &line.to_string()),
        field("change", "stop-at-cap"),
        field("key", "typed-4"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(
        body.contains(r#""ok":true"#) && body.contains(r#""settings":{"#),
        "{body}"
    );
}
