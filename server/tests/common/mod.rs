//! What the server's HTTP tests share: the app served on a random port over a given database,
//! and a client that posts forms as a browser does without JavaScript.

#![allow(dead_code)] // Each test file uses its own subset.

use std::net::SocketAddr;

use app::api::ssr::{AppState, CookieSettings};
use leptos::config::LeptosOptions;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;
use selfcare::store::Db;
use server::config::ServeConfig;

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub client: reqwest::Client,
}

/// A fresh SQLite database under the temp folder, migrated, with the demo data and three
/// generated customers.
pub async fn demo_db(name: &str) -> Db {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let path = std::env::temp_dir().join(format!(
        "selfcare-{name}-{}-{nanos}-{:?}.db",
        std::process::id(),
        std::thread::current().id()
    ));
    let path = path.display().to_string().replace(['(', ')'], "");
    let db = Db::connect(&format!("sqlite://{path}")).await.unwrap();
    db.migrate().await.unwrap();
    server::cli::seed_with_progress(&db, 3, 1).await.unwrap();
    db
}

/// Serves the app over `db` on a random port, with the demo bank account when `payee`.
pub async fn serve(db: Db, payee: bool) -> TestApp {
    let state = AppState {
        db: db.clone(),
        cookies: CookieSettings { secure: false },
        payee: payee.then(|| std::sync::Arc::new(selfcare::billing::payments::Payee::demo())),
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
    TestApp {
        base: format!("http://{addr}"),
        db,
        client: reqwest::Client::builder()
            .redirect(Policy::none())
            // A response that never ends fails its test instead of hanging the run.
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap(),
    }
}

/// The `name=value` of the cookie `name` a response sets (not a clearing one).
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")) && !pair.ends_with('='))
        .map(str::to_string)
}

pub fn location(res: &reqwest::Response) -> &str {
    res.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Posts a form as a browser on this site does (JavaScript off).
    pub async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(self.url(path))
            .header(ORIGIN, &self.base)
            .header("accept", "text/html")
            .form(form);
        if let Some(cookie) = cookie {
            req = req.header(COOKIE, cookie);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(COOKIE, cookie)
            .send()
            .await
            .unwrap()
    }

    /// The `Cookie` header of a customer signed in with the demo password.
    pub async fn customer_cookie(&self, email: &str) -> String {
        let res = self
            .post(
                "/api/login",
                &[
                    ("identifier", email),
                    ("password", "selfcare-demo"),
                    ("next", "/"),
                ],
                None,
            )
            .await;
        set_cookie(&res, "selfcare_session").expect("a customer session cookie")
    }

    pub async fn staff_sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/api/staff/login",
            &[("email", email), ("password", password), ("next", "/staff")],
            None,
        )
        .await
    }

    /// The `Cookie` header of a signed-in member of staff.
    pub async fn staff_cookie(&self, email: &str, password: &str) -> String {
        let res = self.staff_sign_in(email, password).await;
        assert_eq!(res.status(), reqwest::StatusCode::FOUND);
        set_cookie(&res, "selfcare_staff").expect("a staff session cookie")
    }
}
