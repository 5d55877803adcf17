//! What the server's HTTP tests share: the app started as production starts it, on a free port,
//! and a client that posts forms as a browser does without JavaScript.

#![allow(dead_code)] // Each test file uses its own subset.

use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;
use selfcare_store::Db;
use server::config::ServeConfig;
use server::startup::Application;

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub client: reqwest::Client,
}

/// The portal as production starts it ([`Application::build`]: migrations, the demo data asked
/// for with `--demo`, the payee, the background jobs), on a fresh SQLite database under the
/// temp folder with the demo data and three generated customers, on a free port.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(&fresh_sqlite_url(), 3).await
}

/// A SQLite database under the temp folder that does not exist yet.
pub fn fresh_sqlite_url() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let path = std::env::temp_dir().join(format!(
        "selfcare-http-{}-{n}-{nanos}.db",
        std::process::id()
    ));
    format!("sqlite://{}", path.display())
}

/// The portal over the database at `url`, started with `--demo`: an empty database gets the
/// demo data and `demo_customers` generated customers.
pub async fn spawn_app_on(url: &str, demo_customers: u64) -> TestApp {
    spawn_app_with(
        url,
        ServeConfig {
            demo: true,
            demo_customers,
            ..ServeConfig::default()
        },
    )
    .await
}

/// The portal over the database at `url` with `config`, on a free port.
pub async fn spawn_app_with(url: &str, config: ServeConfig) -> TestApp {
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        ..config
    };
    let application = Application::build(url, config).await.unwrap();
    let addr = application.address();
    let db = application.db().clone();
    tokio::spawn(application.run_until_stopped());
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

    /// A page as a signed-out visitor reads it.
    pub async fn public_text(&self, path: &str) -> String {
        let res = self.client.get(self.url(path)).send().await.unwrap();
        res.text().await.unwrap()
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
                    ("password", selfcare::demo::CUSTOMER_PASSWORD),
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

    /// The customer asks for a phone code and reads it out; the member of staff signed in with
    /// `staff` (a `Cookie` header) types it, which opens the customer's data to them.
    pub async fn verify_by_code(&self, staff: &str, customer: i64) {
        let (code, _) = self
            .db
            .issue_code(
                selfcare::ids::CustomerId::trusted(customer),
                selfcare::services::requests::Channel::Phone,
                None,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        let res = self
            .post(
                "/api/staff/verify_code",
                &[
                    ("customer", &customer.to_string()),
                    ("channel", "phone"),
                    ("code", &code.display()),
                ],
                Some(staff),
            )
            .await;
        assert_eq!(res.status(), reqwest::StatusCode::FOUND);
    }

    /// The `Cookie` header of a signed-in member of staff.
    pub async fn staff_cookie(&self, email: &str, password: &str) -> String {
        let res = self.staff_sign_in(email, password).await;
        assert_eq!(res.status(), reqwest::StatusCode::FOUND);
        set_cookie(&res, "selfcare_staff").expect("a staff session cookie")
    }
}

/// A query on whichever engine the app runs, for one number.
pub async fn count(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

pub async fn execute(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(pool) => sqlx::query(sql)
            .execute(pool)
            .await
            .unwrap()
            .rows_affected(),
        Db::Postgres(pool) => sqlx::query(sql)
            .execute(pool)
            .await
            .unwrap()
            .rows_affected(),
    };
}

/// A new, empty database `name` on the PostgreSQL server at `server` (a URL naming any of its
/// databases), dropped first if an earlier run left it; answers its URL.
pub async fn fresh_postgres_database(server: &str, name: &str) -> String {
    let admin = sqlx::PgPool::connect(server).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let (base, _) = server.rsplit_once('/').expect("a URL naming a database");
    format!("{base}/{name}")
}
