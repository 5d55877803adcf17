//! The server over real HTTP: sessions, sign-in, throttling, CSRF, redirects, 404 and 503.
//! Each test starts the app on a random port with a fresh SQLite database holding the demo data.

use std::net::SocketAddr;

use app::api::ssr::{AppState, CookieSettings};
use leptos::config::LeptosOptions;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use selfcare::store::Db;
use server::config::ServeConfig;

struct TestApp {
    base: String,
    db: Db,
    client: reqwest::Client,
}

async fn spawn_app() -> TestApp {
    let path = std::env::temp_dir().join(format!("selfcare-http-{}.db", rand_suffix()));
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    server::cli::seed_with_progress(&db, 3, 1).await.unwrap();
    let state = AppState {
        db: db.clone(),
        cookies: CookieSettings { secure: false },
        payee: Some(std::sync::Arc::new(
            selfcare::billing::payments::Payee::demo(),
        )),
    };
    let options = LeptosOptions::builder()
        .output_name("selfcare")
        .site_root("target/site")
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::router::app(state, options, &ServeConfig::default());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    TestApp {
        base: format!("http://{addr}"),
        db,
        client,
    }
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{nanos}-{:?}", std::thread::current().id()).replace(['(', ')'], "")
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

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
        let res = self.sign_in(identifier, "selfcare-demo", None).await;
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
            ("password", "selfcare-demo"),
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
        .sign_in("demo@example.com", "selfcare-demo", Some(&planted))
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
    let res = app.sign_in("+420 601 123 456", "selfcare-demo", None).await;
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
    let res = app.sign_in("demo@example.com", "selfcare-demo", None).await;
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
            ("password", "selfcare-demo"),
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
    let customer = app
        .db
        .login_candidate(&selfcare::ids::LoginIdentifier::parse("demo@example.com").unwrap())
        .await
        .unwrap()
        .unwrap()
        .customer_id;
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
        let res = post(account.0, "false").await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()[LOCATION], "/invoices#electronic-billing");
    }
    assert!(!app.db.billing_accounts(customer).await.unwrap()[0].paper_invoices);
    let audited = app.db.audit_of(customer, 20).await.unwrap();
    assert_eq!(
        audited.iter().filter(|e| e.2 == "paper_invoices").count(),
        1
    );

    let (_, html) = app.page("/invoices", &demo).await;
    assert!(html.contains("You receive invoices electronically only."));

    let other = app
        .db
        .login_candidate(&selfcare::ids::LoginIdentifier::parse("business@example.com").unwrap())
        .await
        .unwrap()
        .unwrap()
        .customer_id;
    let theirs = app.db.billing_accounts(other).await.unwrap()[0].id;
    let res = post(theirs.0, "true").await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        res.headers()[LOCATION],
        "/invoices?paper=failed#electronic-billing"
    );
    assert!(!app.db.billing_accounts(other).await.unwrap()[0].paper_invoices);
}
