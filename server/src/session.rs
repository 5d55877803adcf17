//! The session layer, in front of every route:
//!
//! 1. refuses cross-site mutations (CSRF, OWASP ASVS 5.0 V3.5): a request other than GET, HEAD
//!    or OPTIONS gets 403 unless its `Origin` is exactly this site's (scheme, host and port; the
//!    host from `Host`, or HTTP/2's `:authority`) or, without `Origin`, its `Sec-Fetch-Site` is
//!    `same-origin`. A post with neither (an old browser, or a privacy tool that strips them)
//!    goes through only with the `csrf` form field every form carries (`PostForm`): the
//!    token of one of this browser's live sessions. Signed out, there is no token to carry;
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
    /// Behind the operator's proxies: how many stand in front (`--trust-proxy`,
    /// `--proxy-hops`); `None` when the peer is the client.
    pub proxy_hops: Option<usize>,
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
    let provenance = provenance(
        req.method(),
        req.uri(),
        req.headers(),
        &scheme(&req, &layer),
    );
    if provenance == Provenance::Foreign {
        return cross_site(&path);
    }

    let ip = client_ip(&req, layer.proxy_hops);
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

    if provenance == Provenance::Unstated {
        let sessions: Vec<String> = [
            req.extensions()
                .get::<SignedIn>()
                .map(|s| s.token_hash.clone()),
            req.extensions()
                .get::<SignedInStaff>()
                .map(|s| s.token_hash.clone()),
        ]
        .into_iter()
        .flatten()
        .collect();
        match with_csrf_token(req, &sessions).await {
            Some(vouched) => req = vouched,
            None => return cross_site(&path),
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

    next.run(req).await
}

/// The scheme browsers reach this site by: `https` behind HTTPS (`--secure-cookies`), or what
/// a trusted proxy says in `X-Forwarded-Proto`; else `http`.
fn scheme(req: &Request, layer: &Layer) -> String {
    let forwarded = layer.proxy_hops.and_then(|_| {
        req.headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| v == "http" || v == "https")
    });
    forwarded.unwrap_or_else(|| {
        if layer.cookies.secure {
            "https"
        } else {
            "http"
        }
        .to_string()
    })
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

fn cross_site(path: &str) -> Response {
    tracing::warn!(%path, "refused a cross-site request");
    (
        StatusCode::FORBIDDEN,
        "Cross-site requests are not allowed.\n",
    )
        .into_response()
}

/// Where a request comes from, as far as CSRF goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Provenance {
    /// A safe method, or a browser says this site sent it.
    Ours,
    /// A browser says another site (or an opaque origin) sent it.
    Foreign,
    /// A mutation with neither `Origin` nor `Sec-Fetch-Site`: only a CSRF token vouches for it.
    Unstated,
}

/// Where a request comes from: safe methods are always ours; others by their `Origin`
/// against this site, whose scheme is `scheme`, or by `Sec-Fetch-Site`.
fn provenance(
    method: &Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    scheme: &str,
) -> Provenance {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Provenance::Ours;
    }
    let value = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let site = value("sec-fetch-site");
    if site.is_some_and(|site| site != "same-origin") {
        return Provenance::Foreign;
    }
    // HTTP/1.1 names the host in `Host`; HTTP/2 in the `:authority` pseudo-header, which
    // hyper puts in the URI.
    let host = value("host").or_else(|| uri.authority().map(|a| a.as_str()));
    let ours = match (value("origin"), host) {
        (Some(origin), Some(host)) => {
            match (origin_of(origin), origin_of(&format!("{scheme}://{host}"))) {
                (Some(theirs), Some(ours)) => theirs == ours,
                _ => false,
            }
        }
        // `Origin: null` (sandboxed or privacy-stripped) or no host: not provably ours.
        (Some(_), None) => false,
        // No Origin: a browser's own `Sec-Fetch-Site: same-origin` vouches for it.
        (None, _) if site.is_some() => true,
        (None, _) => return Provenance::Unstated,
    };
    if ours {
        Provenance::Ours
    } else {
        Provenance::Foreign
    }
}

/// The request again if its url-encoded form carries the CSRF token of one of `sessions`
/// (hashes of this browser's live session tokens); `None` otherwise. The body was already
/// read into memory, within the limit, by the limits layer.
async fn with_csrf_token(req: Request, sessions: &[String]) -> Option<Request> {
    if sessions.is_empty() {
        return None;
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, crate::limits::MAX_BODY)
        .await
        .ok()?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value.into_owned())?;
    sessions
        .iter()
        .any(|hash| selfcare_store::secrets::csrf_token_matches(hash, &token))
        .then(|| Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// An origin as `scheme://host:port`, lower-case, the default port written out, so that
/// `https://Portal.example` and `https://portal.example:443` compare equal and
/// `http://portal.example` and `https://portal.example:8443` do not.
fn origin_of(text: &str) -> Option<String> {
    let uri: axum::http::Uri = text.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?;
    if authority.as_str().contains('@') || uri.path().len() > 1 {
        return None;
    }
    let port = authority.port_u16().or(match scheme.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    })?;
    Some(format!(
        "{scheme}://{}:{port}",
        authority.host().to_ascii_lowercase()
    ))
}

/// The client's address: the peer's, or behind `hops` trusted proxies the `X-Forwarded-For`
/// entry that many from the right. Each proxy appends the address it was reached from, so the
/// entries left of that one are whatever the client chose to send, and never used. A missing
/// or malformed entry falls back to the peer (the nearest proxy).
fn client_ip(req: &Request, hops: Option<usize>) -> String {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded = hops.and_then(|hops| forwarded_client(req.headers(), hops));
    forwarded
        .or(peer)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
}

/// The `X-Forwarded-For` entry `hops` from the right, over every such header in order.
fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<std::net::IpAddr> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let entry = entries.len().checked_sub(hops).map(|i| entries[i])?;
    entry.parse().ok()
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

    fn allowed(pairs: &[(&'static str, &'static str)], scheme: &str) -> bool {
        let uri: axum::http::Uri = "/api/login".parse().unwrap();
        provenance(&Method::POST, &uri, &headers(pairs), scheme) == Provenance::Ours
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let host = ("host", "portal.example");
        for refused in [
            vec![("origin", "https://evil.example"), host],
            vec![("sec-fetch-site", "cross-site"), host],
            vec![
                ("sec-fetch-site", "same-site"),
                ("origin", "https://portal.example"),
                host,
            ],
            vec![("origin", "null"), host],
            // Same host, other scheme or port.
            vec![("origin", "http://portal.example"), host],
            vec![("origin", "https://portal.example:8443"), host],
        ] {
            assert!(!allowed(&refused, "https"), "{refused:?}");
        }
        // Neither Origin nor Sec-Fetch-Site: it takes a CSRF token.
        let uri: axum::http::Uri = "/api/login".parse().unwrap();
        assert_eq!(
            provenance(&Method::POST, &uri, &headers(&[host]), "https"),
            Provenance::Unstated
        );
    }

    #[test]
    fn an_http2_post_names_its_host_in_the_authority() {
        let uri: axum::http::Uri = "https://portal.example/api/login".parse().unwrap();
        let origin = headers(&[("origin", "https://portal.example")]);
        assert_eq!(
            provenance(&Method::POST, &uri, &origin, "https"),
            Provenance::Ours
        );
        let evil = headers(&[("origin", "https://evil.example")]);
        assert_eq!(
            provenance(&Method::POST, &uri, &evil, "https"),
            Provenance::Foreign
        );
    }

    #[test]
    fn origins_compare_with_default_ports_written_out() {
        assert_eq!(
            origin_of("https://Portal.Example").as_deref(),
            Some("https://portal.example:443")
        );
        assert_eq!(
            origin_of("https://portal.example:443"),
            origin_of("https://portal.example")
        );
        assert_ne!(
            origin_of("http://portal.example"),
            origin_of("https://portal.example")
        );
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("https://a@portal.example"), None);
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
    fn behind_a_proxy_the_client_is_the_entry_the_proxy_added() {
        let forwarded = |values: &[&'static str], hops| {
            let mut map = HeaderMap::new();
            for v in values {
                map.append("x-forwarded-for", HeaderValue::from_static(v));
            }
            forwarded_client(&map, hops).map(|ip| ip.to_string())
        };
        // The client sent a made-up entry; the proxy appended the real address.
        assert_eq!(
            forwarded(&["6.6.6.6, 203.0.113.9"], 1).as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(
            forwarded(&["6.6.6.6", "203.0.113.9, 10.0.0.2"], 2).as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(forwarded(&["203.0.113.9"], 2), None);
        assert_eq!(forwarded(&["not an address"], 1), None);
        assert_eq!(forwarded(&[], 1), None);
    }

    #[test]
    fn a_post_from_this_site_is_allowed() {
        assert!(allowed(
            &[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000"),
                ("sec-fetch-site", "same-origin")
            ],
            "http"
        ));
        assert!(allowed(
            &[
                ("origin", "https://portal.example:443"),
                ("host", "portal.example")
            ],
            "https"
        ));
        assert!(allowed(
            &[
                ("sec-fetch-site", "same-origin"),
                ("host", "portal.example")
            ],
            "https"
        ));
        let uri: axum::http::Uri = "/".parse().unwrap();
        assert_eq!(
            provenance(
                &Method::GET,
                &uri,
                &headers(&[("origin", "https://evil.example")]),
                "https"
            ),
            Provenance::Ours
        );
    }
}
