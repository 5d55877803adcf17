//! The outside review's findings (issue 18), each as an attack over real HTTP against the portal
//! started as production starts it: demo data only on request, the sign-in throttle under
//! concurrency, per-address limits, `next` never leading away, the client address behind a
//! proxy, body limits, security headers, CSRF without Origin, sessions ending with their
//! credential, CSV injection and paging cursors.

mod common;

use common::{
    count, execute, fresh_sqlite_url, location, set_cookie, spawn_app, spawn_app_with, TestApp,
};
use reqwest::header::{COOKIE, ORIGIN};
use reqwest::StatusCode;
use selfcare_store::Actor;
use server::config::ServeConfig;

async fn sign_in(app: &TestApp, identifier: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/login",
        &[
            ("identifier", identifier),
            ("password", password),
            ("next", "/"),
        ],
        None,
    )
    .await
}

/// A fresh install serves no demo sign-in: it does not start without a server secret; with one
/// and without `--demo` the database stays empty, the sign-in pages list nobody and the demo
/// admin's published password opens nothing; and once the operator has added its first admin,
/// `--demo` adds no demo account beside it.
#[tokio::test]
async fn a_fresh_install_has_no_demo_accounts_unless_asked() {
    let url = fresh_sqlite_url();
    let refused = server::startup::Application::build(&url, ServeConfig::default()).await;
    let error = format!("{:#}", refused.err().expect("no start without a secret"));
    assert!(error.contains("SELFCARE_SECRET"), "{error}");
    let real = ServeConfig {
        secret: Some("an operator's own secret of 32+ characters".into()),
        ..ServeConfig::default()
    };
    let app = spawn_app_with(&url, real.clone()).await;
    assert!(app.db.is_empty().await.unwrap());
    for page in ["/login", "/staff/login"] {
        let html = app.public_text(page).await;
        assert!(!html.contains("example.com"), "{page} lists demo sign-ins");
    }
    let admin = "admin@example.com";
    let res = app
        .staff_sign_in(admin, selfcare::demo::password_of(admin))
        .await;
    assert!(set_cookie(&res, "selfcare_staff").is_none());

    // The operator's first admin, as `selfcare staff add` makes it.
    let first =
        selfcare::support::team::NewStaff::parse("boss@operator.cz", "Boss", "admin").unwrap();
    app.db
        .add_staff_member(
            Actor::System,
            &first,
            &selfcare_store::secrets::hash_password("a long admin password"),
            chrono::Utc::now(),
            None,
        )
        .await
        .unwrap()
        .unwrap();
    let again = spawn_app_with(&url, ServeConfig { demo: true, ..real }).await;
    assert!(!again.db.has_demo_data().await.unwrap());
    assert_eq!(
        count(&again.db, "SELECT COUNT(*) FROM staff_users").await,
        1
    );
    assert_eq!(count(&again.db, "SELECT COUNT(*) FROM customers").await, 0);
    let res = again
        .staff_sign_in(admin, selfcare::demo::password_of(admin))
        .await;
    assert!(set_cookie(&res, "selfcare_staff").is_none());
    let res = again
        .staff_sign_in("boss@operator.cz", "a long admin password")
        .await;
    assert!(set_cookie(&res, "selfcare_staff").is_some());
}

/// Forty wrong passwords for one account at once, by its email and by its phone number: no
/// more than five are checked; then, one after another, the account's fifth failure locks it
/// and the right password waits too.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_parallel_wrong_passwords_check_no_more_than_five() {
    let app = std::sync::Arc::new(spawn_app().await);
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let identifier = if i % 2 == 0 {
                    "demo@example.com"
                } else {
                    "+420 601 123 456"
                };
                sign_in(&app, identifier, &format!("wrong {i}"))
                    .await
                    .status()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::FOUND);
    }
    let checked = count(
        &app.db,
        "SELECT COUNT(*) FROM login_attempts WHERE NOT succeeded",
    )
    .await;
    assert!(checked <= 5, "{checked} passwords checked");
    for i in 0..10 {
        sign_in(&app, "+420601123456", &format!("again {i}")).await;
    }
    let checked = count(
        &app.db,
        "SELECT COUNT(*) FROM login_attempts WHERE NOT succeeded",
    )
    .await;
    assert_eq!(checked, 5, "one counter for the e-mail and the number");
    let res = sign_in(&app, "demo@example.com", selfcare::demo::CUSTOMER_PASSWORD).await;
    assert!(set_cookie(&res, "selfcare_session").is_none(), "locked out");
}

/// Mobile subscribers share addresses: one address's failures for five accounts lock none of
/// the others out, and the per-address limit is configurable.
#[tokio::test]
async fn one_address_may_fail_for_several_accounts() {
    let app = spawn_app_with(
        &fresh_sqlite_url(),
        ServeConfig {
            demo: true,
            demo_customers: 0,
            address_failures: 12,
            ..ServeConfig::default()
        },
    )
    .await;
    for who in ["a", "b"] {
        for i in 0..5 {
            sign_in(&app, &format!("{who}@nobody.example"), &format!("x{i}")).await;
        }
    }
    let res = sign_in(&app, "demo@example.com", selfcare::demo::CUSTOMER_PASSWORD).await;
    assert!(
        set_cookie(&res, "selfcare_session").is_some(),
        "ten failures from the address"
    );
    for i in 0..3 {
        sign_in(&app, "c@nobody.example", &format!("x{i}")).await;
    }
    let res = sign_in(
        &app,
        "prepaid@example.com",
        selfcare::demo::CUSTOMER_PASSWORD,
    )
    .await;
    assert!(
        set_cookie(&res, "selfcare_session").is_none(),
        "the address's thirteenth"
    );
}

/// Whatever `next` holds (a tab, CR/LF, a backslash, an encoded slash), the sign-in leads to a
/// page of this site, and the request never fails.
#[tokio::test]
async fn next_never_leads_to_another_host() {
    let app = spawn_app().await;
    for next in [
        "/\t/evil.example",
        "/\r\nSet-Cookie: planted=1",
        "/%2F/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example",
        "/\u{0}",
        "/invoices?q=Dvořák a spol",
    ] {
        let res = app
            .post(
                "/api/login",
                &[
                    ("identifier", "demo@example.com"),
                    ("password", selfcare::demo::CUSTOMER_PASSWORD),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::FOUND, "{next:?}");
        let to = location(&res);
        assert!(
            to.starts_with('/') && !to.starts_with("//"),
            "{next:?} -> {to}"
        );
        assert!(!to.contains("evil"), "{next:?} -> {to}");
        assert!(res.headers().get("planted").is_none());
        // The signed-out page asks with `next` in its query: the page renders too.
        let page = app
            .client
            .get(app.url(&format!("/login?next={}", app::ssr::urlencode(next))))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{next:?}");
    }
}

/// Behind the operator's proxy the client is the address the proxy added, never one the
/// client put in `X-Forwarded-For` itself.
#[tokio::test]
async fn behind_a_proxy_the_client_cannot_choose_its_address() {
    let app = spawn_app_with(
        &fresh_sqlite_url(),
        ServeConfig {
            demo: true,
            demo_customers: 0,
            trust_proxy: true,
            ..ServeConfig::default()
        },
    )
    .await;
    for spoofed in ["1.1.1.1", "2.2.2.2, 3.3.3.3"] {
        app.client
            .post(app.url("/api/login"))
            .header(ORIGIN, &app.base)
            .header("accept", "text/html")
            .header("x-forwarded-for", format!("{spoofed}, 203.0.113.9"))
            .form(&[("identifier", "demo@example.com"), ("password", "wrong")])
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        count(
            &app.db,
            "SELECT COUNT(*) FROM login_attempts WHERE ip = '203.0.113.9'"
        )
        .await,
        2
    );
}

/// A body over the limit is refused with 413, whether it declares its length or streams
/// without one, and the server stays up.
#[tokio::test]
async fn a_huge_post_is_refused_without_being_read() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header(ORIGIN, &app.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Streamed without a length: 3 GB announced by nothing, refused after the limit.
    let chunks = futures_util::stream::iter(
        (0..3 * 1024).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1024 * 1024])),
    );
    let res = app
        .client
        .post(app.url("/api/login"))
        .header(ORIGIN, &app.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await;
    if let Ok(res) = res {
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

/// Every response carries the security headers, the session layer's own redirects too; a
/// page's policy allows only scripts with the nonce its loader carries.
#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let cookie = app.customer_cookie("demo@example.com").await;
    let page = app.get("/", &cookie).await;
    let redirect = app.client.get(app.url("/invoices")).send().await.unwrap();
    assert_eq!(redirect.status(), StatusCode::SEE_OTHER);
    let refused = app.client.post(app.url("/api/login")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    for res in [&page, &redirect, &refused] {
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let csp = header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert_eq!(header("x-frame-options"), "DENY");
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("cross-origin-opener-policy"), "same-origin");
        assert!(header("permissions-policy").contains("camera=()"));
    }
    let csp = page
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a page's policy names its nonce")
        .to_string();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the loader carries it"
    );
    for script in html.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(
            tag.contains("src=") || tag.contains(&format!("nonce=\"{nonce}\"")),
            "an inline script without the nonce: <script{tag}>"
        );
    }
}

/// A state-changing post with neither `Origin` nor `Sec-Fetch-Site` is refused; with the
/// browser's `Sec-Fetch-Site: same-origin` it goes through.
#[tokio::test]
async fn a_post_without_origin_or_fetch_metadata_is_refused() {
    let app = spawn_app().await;
    let form = [
        ("identifier", "demo@example.com"),
        ("password", selfcare::demo::CUSTOMER_PASSWORD),
    ];
    let bare = app
        .client
        .post(app.url("/api/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&bare, "selfcare_session").is_none());
    let other_port = app
        .client
        .post(app.url("/api/login"))
        .header(ORIGIN, app.base.replace("127.0.0.1:", "127.0.0.1:1"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(other_port.status(), StatusCode::FORBIDDEN);
    let fetched = app
        .client
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(set_cookie(&fetched, "selfcare_session").is_some());
}

/// Without `Origin` and `Sec-Fetch-Site`, a post goes through only with the CSRF token the
/// forms of this browser's session carry; a made-up token or another session's is refused.
#[tokio::test]
async fn a_post_without_origin_goes_through_with_its_sessions_csrf_token() {
    let app = spawn_app().await;
    let mine = app.customer_cookie("demo@example.com").await;
    let theirs = app.customer_cookie("business@example.com").await;
    let token = |html: String| {
        html.split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the sign-out form carries a CSRF token")
            .to_string()
    };
    let my_token = token(app.get("/", &mine).await.text().await.unwrap());
    let their_token = token(app.get("/", &theirs).await.text().await.unwrap());
    assert_ne!(my_token, their_token);
    let bare_sign_out = |csrf: Option<String>| {
        let mut req = app
            .client
            .post(app.url("/api/logout"))
            .header(COOKIE, &mine)
            .header("accept", "text/html");
        req = match csrf {
            Some(csrf) => req.form(&[("csrf", csrf)]),
            None => req.form(&[("nothing", "")]),
        };
        req.send()
    };
    for refused in [
        None,
        Some("00".repeat(32)),
        Some(their_token),
        Some("not hex".into()),
    ] {
        let res = bare_sign_out(refused.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{refused:?}");
        assert_eq!(
            app.get("/", &mine).await.status(),
            StatusCode::OK,
            "still signed in"
        );
    }
    let res = bare_sign_out(Some(my_token)).await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(
        app.get("/", &mine).await.status(),
        StatusCode::SEE_OTHER,
        "signed out by the post with its token"
    );
}

/// A customer whose portal access is revoked, or whose password changes, is signed out at the
/// next request, in every session.
#[tokio::test]
async fn sessions_end_when_access_or_password_does() {
    let app = spawn_app().await;
    let first = app.customer_cookie("demo@example.com").await;
    let second = app.customer_cookie("demo@example.com").await;
    assert_eq!(app.get("/", &first).await.status(), StatusCode::OK);
    let new_hash = selfcare_store::secrets::hash_password("a new password of hers");
    execute(
        &app.db,
        &format!(
            "UPDATE customers SET password_hash = '{new_hash}' WHERE email = 'demo@example.com'"
        ),
    )
    .await;
    for cookie in [&first, &second] {
        let res = app.get("/", cookie).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with("/login"));
    }

    let business = app.customer_cookie("business@example.com").await;
    assert_eq!(app.get("/", &business).await.status(), StatusCode::OK);
    execute(
        &app.db,
        "UPDATE customers SET password_hash = NULL WHERE email = 'business@example.com'",
    )
    .await;
    assert_eq!(
        app.get("/", &business).await.status(),
        StatusCode::SEE_OTHER
    );
}

/// A paging cursor no database can store (a year past 9999) answers "not valid", never 500.
#[tokio::test]
async fn a_cursor_out_of_range_is_a_bad_link_not_a_failure() {
    let app = spawn_app().await;
    let cookie = app.customer_cookie("demo@example.com").await;
    for after in [
        "+262142-01-01_1",
        "9223372036854775807_1",
        "2026-01-01_99999999999999999999",
    ] {
        let res = app
            .get(
                &format!("/invoices?after={}", app::ssr::urlencode(after)),
                &cookie,
            )
            .await;
        assert!(
            res.status().is_client_error() || res.status().is_success(),
            "{after}: {}",
            res.status()
        );
        let html = res.text().await.unwrap();
        assert!(html.contains("That page link is not valid"), "{after}");
    }
    let res = app
        .client
        .post(app.url("/api/invoices"))
        .header(ORIGIN, &app.base)
        .header(COOKIE, &cookie)
        .form(&[("after", "+262142-01-01_1")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}

/// Staff boundaries: a customer's page opened before verification is in their access log; a
/// URL cannot write free text into it (only an invoice that exists is logged, by its number);
/// a supervisor's override of a customer that does not exist is a 404 with nothing written.
#[tokio::test]
async fn staff_leave_only_true_entries_in_a_customers_access_log() {
    let app = spawn_app().await;
    let jana = count(
        &app.db,
        "SELECT id FROM customers WHERE email = 'demo@example.com'",
    )
    .await;
    let agent = app
        .staff_cookie(
            "agent@example.com",
            selfcare::demo::password_of("agent@example.com"),
        )
        .await;
    let lookups = format!(
        "SELECT COUNT(*) FROM audit_log WHERE customer_id = {jana} AND action = 'staff_view' \
         AND detail LIKE '%lookup%'"
    );
    assert_eq!(count(&app.db, &lookups).await, 0);
    let res = app.get(&format!("/staff/customers/{jana}"), &agent).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        count(&app.db, &lookups).await,
        1,
        "looked up before verification"
    );

    app.verify_by_code(&agent, jana).await;
    let entries = "SELECT COUNT(*) FROM audit_log";
    let before = count(&app.db, entries).await;
    let planted = "Customer%20asked%20us%20to%20close%20the%20account";
    let res = app
        .get(
            &format!("/staff/customers/{jana}/invoices/{planted}"),
            &agent,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app.db, entries).await, before, "nothing logged");
    assert_eq!(
        count(
            &app.db,
            "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%close the account%'"
        )
        .await,
        0
    );

    let supervisor = app
        .staff_cookie(
            "supervisor@example.com",
            selfcare::demo::password_of("supervisor@example.com"),
        )
        .await;
    let res = app
        .client
        .post(app.url("/api/staff/open_customer"))
        .header(ORIGIN, &app.base)
        .header(COOKIE, &supervisor)
        .form(&[
            ("customer", "987654321"),
            ("channel", "phone"),
            ("reason", "The caller insists on it"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        count(
            &app.db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff_override'"
        )
        .await,
        0
    );
}

/// A line label a spreadsheet would run as a formula is neutralised in the CSV download.
#[tokio::test]
async fn a_formula_in_a_label_is_neutralised_in_the_csv() {
    let app = spawn_app().await;
    execute(
        &app.db,
        "UPDATE lines SET label = '=HYPERLINK(\"http://evil.example\",\"x\")' \
         WHERE customer_id = (SELECT id FROM customers WHERE email = 'demo@example.com')",
    )
    .await;
    let cookie = app.customer_cookie("demo@example.com").await;
    let csv = app
        .get("/usage/lines.csv", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\""),
        "{csv}"
    );
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
}
