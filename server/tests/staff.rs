//! The staff side over real HTTP: staff sign-in with its own cookie, the session layer keeping
//! `/staff` and `/api/staff/` to staff, a staff session never counting as a customer's, the
//! console's search, and CSRF on the staff sign-in. Each test starts the app on a random port
//! with a fresh SQLite database holding the demo data.

mod common;

use common::{location, set_cookie, spawn_app};
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};
use reqwest::StatusCode;
use selfcare::support::team::TeamChange;
use selfcare_store::Db;

/// A member of staff signs in with an HttpOnly, SameSite cookie of its own, reaches the console,
/// and signing out ends the session on the server; both are audited as staff.
#[tokio::test]
async fn staff_sign_in_opens_the_console_and_sign_out_ends_it() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/staff")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/staff/login?next=%2Fstaff");

    let res = app
        .staff_sign_in(
            "Agent@Example.com",
            selfcare::demo::password_of("agent@example.com"),
        )
        .await;
    assert_eq!(location(&res), "/staff");
    let header = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("selfcare_staff="))
        .unwrap()
        .to_string();
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );
    assert!(set_cookie(&res, "selfcare_session").is_none());
    let cookie = set_cookie(&res, "selfcare_staff").unwrap();

    let res = app.get("/staff", &cookie).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Eva Agentová") && page.contains("Agent"),
        "{page}"
    );
    assert!(page.contains("Staff console"));

    let res = app.post("/api/staff/logout", &[], Some(&cookie)).await;
    assert_eq!(location(&res), "/staff/login");
    let res = app.get("/staff", &cookie).await;
    assert!(location(&res).starts_with("/staff/login"));

    let actions: Vec<(String, String)> = match &app.db {
        Db::Sqlite(pool) => sqlx::query_as(
            "SELECT actor_kind, action FROM audit_log WHERE action IN ('sign_in', 'sign_out') ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Postgres(_) => unreachable!(),
    };
    assert_eq!(
        actions,
        [
            ("staff".to_string(), "sign_in".to_string()),
            ("staff".to_string(), "sign_out".to_string())
        ]
    );
}

/// A customer's session is sent to the staff sign-in from `/staff` pages and refused (403) by
/// staff server functions; with no session at all those answer 401.
#[tokio::test]
async fn a_customer_session_never_reaches_the_staff_side() {
    let app = spawn_app().await;
    let customer = app.customer_cookie("demo@example.com").await;
    for path in ["/staff", "/staff/customers/1", "/staff?q=jana"] {
        let res = app.get(path, &customer).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&res).starts_with("/staff/login?next="), "{path}");
    }
    let res = app
        .post("/api/staff/search", &[("q", "jana")], Some(&customer))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.post("/api/staff/search", &[("q", "jana")], None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app.post("/api/staff/header", &[], Some(&customer)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The customer's token under the staff cookie's name is no staff session either.
    let token = customer.split_once('=').unwrap().1;
    let res = app
        .post(
            "/api/staff/search",
            &[("q", "jana")],
            Some(&format!("selfcare_staff={token}")),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// A staff session does not sign anybody in to the customer portal, under either cookie name.
#[tokio::test]
async fn a_staff_session_does_not_open_customer_pages() {
    let app = spawn_app().await;
    let staff = app
        .staff_cookie(
            "agent@example.com",
            selfcare::demo::password_of("agent@example.com"),
        )
        .await;
    for path in ["/", "/invoices", "/verify"] {
        let res = app.get(path, &staff).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&res).starts_with("/login?next="), "{path}");
    }
    let token = staff.split_once('=').unwrap().1;
    let res = app.get("/", &format!("selfcare_session={token}")).await;
    assert!(location(&res).starts_with("/login?next="));
    // A customer server function, called as the server-function client calls it.
    let res = app
        .client
        .post(app.url("/api/keep_alive"))
        .header(ORIGIN, &app.base)
        .header(COOKIE, &staff)
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(body.contains("Unauthorized"), "{body}");
}

/// A staff sign-in form posted from another site is refused before it is read.
#[tokio::test]
async fn a_cross_site_staff_sign_in_is_refused() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/staff/login"))
        .header(ORIGIN, "https://evil.example")
        .form(&[
            ("email", "agent@example.com"),
            ("password", selfcare::demo::password_of("agent@example.com")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&res, "selfcare_staff").is_none());
}

/// A customer's password does not sign in as staff, a disabled member of staff cannot sign in,
/// and after five failures even the right password waits.
#[tokio::test]
async fn staff_sign_in_refuses_customers_disabled_staff_and_guessing() {
    let app = spawn_app().await;
    let res = app
        .staff_sign_in("demo@example.com", selfcare::demo::CUSTOMER_PASSWORD)
        .await;
    assert!(location(&res).starts_with("/staff/login"));
    assert!(set_cookie(&res, "selfcare_staff").is_none());

    let supervisor = app
        .db
        .staff_candidate("supervisor@example.com")
        .await
        .unwrap()
        .unwrap();
    let cookie = app
        .staff_cookie(
            "supervisor@example.com",
            selfcare::demo::password_of("supervisor@example.com"),
        )
        .await;
    let admin = app
        .db
        .staff_candidate("admin@example.com")
        .await
        .unwrap()
        .unwrap();
    app.db
        .change_staff_member(
            admin.staff_id,
            supervisor.staff_id,
            TeamChange::Disable,
            chrono::Utc::now(),
            "127.0.0.1",
        )
        .await
        .unwrap()
        .unwrap();
    let res = app
        .staff_sign_in(
            "supervisor@example.com",
            selfcare::demo::password_of("supervisor@example.com"),
        )
        .await;
    assert!(set_cookie(&res, "selfcare_staff").is_none());
    let res = app.get("/staff", &cookie).await;
    assert!(
        location(&res).starts_with("/staff/login"),
        "a disabled member's session ends"
    );

    for _ in 0..5 {
        app.staff_sign_in("agent@example.com", "wrong password")
            .await;
    }
    let res = app
        .staff_sign_in(
            "agent@example.com",
            selfcare::demo::password_of("agent@example.com"),
        )
        .await;
    assert!(set_cookie(&res, "selfcare_staff").is_none());
    let flash = set_cookie(&res, "selfcare_reply").unwrap();
    let page = app.get("/staff/login", &flash).await.text().await.unwrap();
    assert!(page.contains("Too many failed sign-in attempts"), "{page}");
}

/// The console finds a customer by a line's number and lists the name and lines only, linked
/// to the customer's page; the search is audited with what was typed.
#[tokio::test]
async fn the_console_lists_names_and_lines_only() {
    let app = spawn_app().await;
    let staff = app
        .staff_cookie(
            "agent@example.com",
            selfcare::demo::password_of("agent@example.com"),
        )
        .await;
    let res = app.get("/staff?q=%2B420+602+654+321", &staff).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Jana Nováková"), "{page}");
    assert!(page.contains("+420 601 123 456") && page.contains("+420 602 654 321"));
    assert!(page.contains("href=\"/staff/customers/"));
    assert!(
        !page.contains("demo@example.com"),
        "no email before verification"
    );
    assert!(
        !page.contains("Vinohradská"),
        "no address before verification"
    );

    let detail: Vec<(String, Option<i64>, String)> = match &app.db {
        Db::Sqlite(pool) => sqlx::query_as(
            "SELECT actor_kind, customer_id, detail FROM audit_log WHERE action = 'staff_search'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Postgres(_) => unreachable!(),
    };
    let detail: Vec<_> = detail
        .into_iter()
        .map(|(kind, customer, json)| (kind, customer, words(&json)))
        .collect();
    assert_eq!(
        detail,
        [("staff".to_string(), None, "+420 602 654 321".to_string())]
    );
}

/// A stored audit event (`audit_log.detail`) in English words.
fn words(json: &str) -> String {
    serde_json::from_str::<selfcare::audit::Event>(json)
        .expect("an audit event")
        .words(selfcare::locale::Language::En)
}

/// The id of the demo customer signing in with `email`.
async fn customer_id(db: &Db, email: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar("SELECT id FROM customers WHERE email = $1")
            .bind(email)
            .fetch_one(pool)
            .await
            .unwrap(),
        Db::Postgres(_) => unreachable!(),
    }
}

/// The customer's pages open in the console only for a member of staff whose access to that
/// customer is open; each look is in the customer's access log; a customer's session cannot
/// act for anyone, and an access to one customer opens no other.
#[tokio::test]
async fn a_customers_pages_open_in_the_console_only_after_verification() {
    let app = spawn_app().await;
    let staff = app
        .staff_cookie(
            "agent@example.com",
            selfcare::demo::password_of("agent@example.com"),
        )
        .await;
    let jana = customer_id(&app.db, "demo@example.com").await;
    let other = customer_id(&app.db, "prepaid@example.com").await;

    let res = app
        .get(&format!("/staff/customers/{jana}/invoices"), &staff)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("Verify the caller first"), "{page}");

    app.verify_by_code(&staff, jana).await;

    for (path, shows) in [
        ("invoices", "Paid invoices"),
        ("payments", "Payments"),
        ("usage", "Allowances of"),
        ("services", "Add-ons on this line"),
        ("requests", "Requests"),
    ] {
        let res = app
            .get(&format!("/staff/customers/{jana}/{path}"), &staff)
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let page = res.text().await.unwrap();
        assert!(page.contains(shows), "{path}: {page}");
        assert!(page.contains("Staff console"), "{path}: the staff frame");
        assert!(
            page.contains("Acting for <a href=") && page.contains("Jana Nováková"),
            "{path}: whom the page is about"
        );
        // Links stay in the console.
        assert!(
            page.contains(&format!("href=\"/staff/customers/{jana}/invoices\"")),
            "{path}"
        );
    }
    let looked_at: Vec<String> = match &app.db {
        Db::Sqlite(pool) => sqlx::query_scalar(
            "SELECT detail FROM audit_log WHERE action = 'staff_view' AND customer_id = $1 \
             AND actor_kind = 'staff' ORDER BY id",
        )
        .bind(jana)
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Postgres(_) => unreachable!(),
    };
    let looked_at: Vec<String> = looked_at.iter().map(|json| words(json)).collect();
    for what in ["Invoices", "Payments", "Usage", "Services", "Requests"] {
        assert!(looked_at.iter().any(|d| d == what), "{what}: {looked_at:?}");
    }

    // The access to Jana opens nobody else.
    let res = app
        .get(&format!("/staff/customers/{other}/invoices"), &staff)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A customer's session cannot act for another customer (nor for themselves).
    let customer = app.customer_cookie("prepaid@example.com").await;
    for acting_for in [jana, other] {
        let res = app
            .client
            .post(app.url("/api/invoices"))
            .header(ORIGIN, &app.base)
            .header(COOKIE, &customer)
            .form(&[("acting_for", acting_for.to_string())])
            .send()
            .await
            .unwrap();
        let body = res.text().await.unwrap();
        assert!(body.contains("Unauthorized"), "{body}");
    }
}

/// The staff server functions, as the server registers them: a function added later is covered
/// by the tests below without being listed. Signing in and out, and the sign-in page's state,
/// are open to anybody.
fn staff_functions() -> Vec<&'static str> {
    let open = [
        "/api/staff/login",
        "/api/staff/logout",
        "/api/staff/login_page",
    ];
    let mut paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("/api/staff/") && !open.contains(path))
        .collect();
    paths.sort_unstable();
    assert!(
        paths.contains(&"/api/staff/verify_code") && paths.contains(&"/api/staff/team_change"),
        "{paths:?}"
    );
    paths
}

/// Every staff server function refuses a customer's session (403) and no session (401), before
/// it reads its arguments.
#[tokio::test]
async fn every_staff_function_refuses_customers_and_strangers() {
    let app = spawn_app().await;
    let customer = app.customer_cookie("demo@example.com").await;
    for path in staff_functions() {
        let res = app.post(path, &[], Some(&customer)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        let res = app.post(path, &[], None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

/// A staff page's form posted from another site is refused (403) before it is read, even with
/// an admin's session: nothing is added, verified or changed.
#[tokio::test]
async fn every_staff_function_refuses_a_cross_site_post() {
    let app = spawn_app().await;
    let admin = app
        .staff_cookie(
            "admin@example.com",
            selfcare::demo::password_of("admin@example.com"),
        )
        .await;
    let audit_before = audit_count(&app.db).await;
    for path in staff_functions() {
        for (header, value) in [
            (ORIGIN.as_str(), "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ] {
            let res = app
                .client
                .post(app.url(path))
                .header(header, value)
                .header(COOKIE, &admin)
                .form(&[
                    ("email", "mallory@evil.example"),
                    ("name", "Mallory"),
                    ("role", "admin"),
                    ("password", "long enough password"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path} {header}");
        }
    }
    assert!(app
        .db
        .staff_candidate("mallory@evil.example")
        .await
        .unwrap()
        .is_none());
    assert_eq!(audit_count(&app.db).await, audit_before);
}

async fn audit_count(db: &Db) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(pool)
            .await
            .unwrap(),
        Db::Postgres(_) => unreachable!(),
    }
}

/// The team is for supervisors and admins, and changing it for admins: an agent gets 403 from
/// all of it, a supervisor from adding and changing; an admin adds a member who then signs in.
#[tokio::test]
async fn only_admins_change_the_team_and_agents_do_not_see_it() {
    let app = spawn_app().await;
    let agent = app
        .staff_cookie(
            "agent@example.com",
            selfcare::demo::password_of("agent@example.com"),
        )
        .await;
    let supervisor = app
        .staff_cookie(
            "supervisor@example.com",
            selfcare::demo::password_of("supervisor@example.com"),
        )
        .await;
    let admin = app
        .staff_cookie(
            "admin@example.com",
            selfcare::demo::password_of("admin@example.com"),
        )
        .await;
    let agent_id = app
        .db
        .staff_candidate("agent@example.com")
        .await
        .unwrap()
        .unwrap()
        .staff_id
        .get()
        .to_string();
    let add = [
        ("email", "petr.novak@example.com"),
        ("name", "Petr Novák"),
        ("role", "admin"),
        ("password", "a first password"),
    ];
    let disable = [("member", agent_id.as_str()), ("change", "disable")];

    for page in ["/staff/team", &format!("/staff/team/{agent_id}")] {
        let res = app.get(page, &agent).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{page}");
        let res = app.get(page, &supervisor).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
    }
    let page = app.get("/staff", &agent).await.text().await.unwrap();
    assert!(
        !page.contains("href=\"/staff/team\""),
        "no Team link for agents"
    );
    let page = app.get("/staff", &supervisor).await.text().await.unwrap();
    assert!(page.contains("href=\"/staff/team\""));

    for who in [&agent, &supervisor] {
        let res = app.post("/api/staff/team_add", &add, Some(who)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = app
            .post("/api/staff/team_change", &disable, Some(who))
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    assert!(app
        .db
        .staff_candidate("petr.novak@example.com")
        .await
        .unwrap()
        .is_none());
    let page = app.get("/staff", &agent).await;
    assert_eq!(page.status(), StatusCode::OK, "the agent is still enabled");

    let res = app.post("/api/staff/team_add", &add, Some(&admin)).await;
    assert_eq!(location(&res), "/staff/team");
    // The outcome travels in a one-minute cookie to the page the form returns to.
    let flash = set_cookie(&res, "selfcare_reply").unwrap();
    let page = app
        .get("/staff/team", &format!("{admin}; {flash}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Added Petr Novák (petr.novak@example.com) as admin"),
        "{page}"
    );
    app.staff_cookie("petr.novak@example.com", "a first password")
        .await;

    let res = app
        .post("/api/staff/team_change", &disable, Some(&admin))
        .await;
    assert_eq!(location(&res), format!("/staff/team/{agent_id}"));
    let flash = set_cookie(&res, "selfcare_reply").unwrap();
    let res = app.get("/staff", &agent).await;
    assert!(
        location(&res).starts_with("/staff/login"),
        "the agent's session ended"
    );
    let page = app
        .get(
            &format!("/staff/team/{agent_id}"),
            &format!("{admin}; {flash}"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Eva Agentová is now disabled."), "{page}");
}
