//! The session layer, in front of every route:
//!
//! 1. refuses cross-site mutations (CSRF): a non-GET request whose `Origin` is another host, or
//!    whose `Sec-Fetch-Site` says cross-site, gets 403 — browsers always send one of them;
//! 2. finds the live sessions named by the cookies (renewing their idle timers) and hands the
//!    signed-in customer ([`SignedIn`], from the customer cookie) and the signed-in member of
//!    staff ([`SignedInStaff`], from the staff cookie, if not disabled) to the pages and server
//!    functions through the request's extensions. A session found under the other cookie, or
//!    of the other kind, counts for nothing: a staff session never opens customer pages, and a
//!    customer session never reaches the staff side;
//! 3. keeps the staff side (`/staff`, `/staff/*`, `/api/staff/*`) to staff: signed-out or
//!    customer visitors of staff pages go to `/staff/login?next=...`, and staff server
//!    functions answer 401 (no session) or 403 (a customer's session). Signing in and out and
//!    the sign-in page are the exceptions;
//! 4. sends signed-out visitors of portal pages to `/login?next=<where they were going>`;
//! 5. answers "temporarily unavailable" (503) when the database cannot be reached.

use std::net::SocketAddr;

use app::ssr::{cookie_in as cookie, ClientIp, CookieSettings, SignedIn, SignedInStaff};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use selfcare_store::secrets::SessionToken;
use selfcare_store::{Db, SessionRecord, StoreError};

#[derive(Clone)]
pub struct Layer {
    pub db: Db,
    pub trust_proxy: bool,
    pub cookies: CookieSettings,
}

/// Paths anyone may open signed out.
fn is_public(path: &str) -> bool {
    path == "/login" || path == "/healthz" || path.starts_with("/pkg/") || path.starts_with("/api/")
}

/// The staff side: pages and server functions for members of staff only.
fn is_staff_area(path: &str) -> bool {
    path == "/staff" || path.starts_with("/staff/") || path.starts_with("/api/staff/")
}

/// The parts of the staff side open without a staff session: signing in and out.
fn is_staff_public(path: &str) -> bool {
    matches!(
        path,
        "/staff/login" | "/api/staff/login" | "/api/staff/login_page" | "/api/staff/logout"
    )
}

pub async fn layer(State(layer): State<Layer>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path == "/healthz" || path.starts_with("/pkg/") {
        return next.run(req).await;
    }
    if !is_same_origin(req.method(), req.headers()) {
        tracing::warn!(%path, "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.\n",
        )
            .into_response();
    }

    let ip = client_ip(&req, layer.trust_proxy);
    req.extensions_mut().insert(ClientIp(ip));

    let now = chrono::Utc::now();
    let mut signed_in = false;
    let customer_token = cookie(req.headers(), layer.cookies.session_name())
        .and_then(|v| SessionToken::from_cookie(&v));
    if let Some(token) = customer_token {
        let hash = token.hash();
        match layer.db.use_session(&hash, now).await {
            Ok(Some(session)) => {
                if let Some(customer) = session.customer_id {
                    req.extensions_mut().insert(SignedIn {
                        customer,
                        token_hash: hash,
                        ends_at: session.ends_at(),
                    });
                    signed_in = true;
                }
            }
            Ok(None) => {}
            Err(e) => return lookup_failed(&e, &path),
        }
    }

    let mut staff_signed_in = false;
    let staff_token = cookie(req.headers(), layer.cookies.staff_session_name())
        .and_then(|v| SessionToken::from_cookie(&v));
    if let Some(token) = staff_token {
        let hash = token.hash();
        match staff_session(&layer.db, &hash, now).await {
            Ok(Some(staff)) => {
                req.extensions_mut().insert(staff);
                staff_signed_in = true;
            }
            Ok(None) => {}
            Err(e) => return lookup_failed(&e, &path),
        }
    }

    if is_staff_area(&path) && !is_staff_public(&path) && !staff_signed_in {
        let is_page_view =
            matches!(*req.method(), Method::GET | Method::HEAD) && !path.starts_with("/api/");
        if is_page_view {
            let target = req
                .uri()
                .path_and_query()
                .map_or("/staff", |pq| pq.as_str());
            return Redirect::to(&format!(
                "/staff/login?next={}",
                app::ssr::urlencode(target)
            ))
            .into_response();
        }
        if signed_in {
            tracing::warn!(%path, "refused a customer session on the staff side");
            return (StatusCode::FORBIDDEN, "For support staff only.\n").into_response();
        }
        return (StatusCode::UNAUTHORIZED, "Please sign in as staff.\n").into_response();
    }

    if !signed_in
        && !is_public(&path)
        && !is_staff_area(&path)
        && matches!(*req.method(), Method::GET | Method::HEAD)
    {
        let target = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
        return Redirect::to(&format!("/login?next={}", app::ssr::urlencode(target)))
            .into_response();
    }

    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    // Pages carry one customer's data: never cache them in shared caches.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    response
}

/// The member of staff a staff cookie's session belongs to: `None` for no live session, for a
/// customer's session, and for a disabled member of staff.
async fn staff_session(
    db: &Db,
    hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<SignedInStaff>, StoreError> {
    let Some(SessionRecord {
        staff_id: Some(id),
        created_at,
        last_seen_at,
        ..
    }) = db.use_session(hash, now).await?
    else {
        return Ok(None);
    };
    let Some(member) = db.active_staff(id).await? else {
        tracing::warn!(staff = %id, "a disabled member of staff's session was refused");
        return Ok(None);
    };
    Ok(Some(SignedInStaff {
        staff: member.id,
        role: member.role,
        name: member.name,
        token_hash: hash.to_string(),
        ends_at: selfcare::auth::session_ends_at(created_at, last_seen_at),
    }))
}

/// The answer when a session could not be looked up.
fn lookup_failed(e: &StoreError, path: &str) -> Response {
    if e.is_unavailable() {
        tracing::error!(error = %e, %path, "database unavailable");
        return unavailable();
    }
    tracing::error!(error = %e, %path, "session lookup failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side.\n",
    )
        .into_response()
}

/// Whether a request may change things: safe methods always; others only from this site.
fn is_same_origin(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let value = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = value("sec-fetch-site") {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    match (value("origin"), value("host")) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            origin_host.eq_ignore_ascii_case(host)
        }
        // `Origin: null` (sandboxed or privacy-stripped) or no Host: not provably ours.
        (Some(_), None) => false,
        // No Origin: not a browser (browsers send it on every POST), so no ambient cookie to abuse.
        (None, _) => true,
    }
}

fn client_ip(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        if let Some(first) = forwarded
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            return first.to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "unknown".to_string(),
            |ConnectInfo(addr)| addr.ip().to_string(),
        )
}

/// The page shown when the database cannot be reached.
pub fn unavailable() -> Response {
    let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <title>Temporarily unavailable · Selfcare</title>\
        <style>body{font-family:system-ui,sans-serif;margin:0;color:#1f2937;background:#f3f4f6}\
        main{max-width:36rem;margin:3rem auto;padding:0 1rem}</style></head>\
        <body><main id=\"main\" class=\"narrow\"><h1>Temporarily unavailable</h1>\
        <p>The portal cannot reach its data right now. Please try again in a few minutes.</p>\
        </main></body></html>";
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let post = Method::POST;
        assert!(!is_same_origin(
            &post,
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "portal.example")
            ])
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("sec-fetch-site", "cross-site"), ("host", "portal.example")])
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("origin", "null"), ("host", "portal.example")])
        ));
    }

    #[test]
    fn the_staff_side_is_apart_from_the_portal() {
        for path in ["/staff", "/staff/customers/7", "/api/staff/search"] {
            assert!(is_staff_area(path) && !is_staff_public(path), "{path}");
        }
        for path in ["/staff/login", "/api/staff/login", "/api/staff/logout"] {
            assert!(is_staff_area(path) && is_staff_public(path), "{path}");
        }
        assert!(!is_staff_area("/staffing"));
        assert!(!is_staff_area("/api/staffing"));
    }

    #[test]
    fn a_post_from_this_site_is_allowed() {
        let post = Method::POST;
        assert!(is_same_origin(
            &post,
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000"),
                ("sec-fetch-site", "same-origin")
            ])
        ));
        assert!(is_same_origin(
            &Method::GET,
            &headers(&[("origin", "https://evil.example")])
        ));
    }
}
