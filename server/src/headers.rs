//! Security headers on every response, the session layer's early answers (redirects, 403,
//! 503) and static files included (OWASP ASVS 5.0 V3.4):
//!
//! - `Content-Security-Policy`: pages set their own, allowing only scripts with the response's
//!   nonce (Leptos's loader; `app::ssr::page_policy`); everything else gets
//!   [`app::ssr::DEFAULT_POLICY`], which allows no inline script at all. Both forbid framing
//!   (`frame-ancestors 'none'`), `<base>` and plugins.
//! - `X-Frame-Options: DENY` for browsers without `frame-ancestors`, `X-Content-Type-Options:
//!   nosniff`, `Referrer-Policy: same-origin`, `Cross-Origin-Opener-Policy: same-origin`,
//!   `Cross-Origin-Resource-Policy: same-origin`, and a `Permissions-Policy` that turns off
//!   the devices and APIs the portal never uses;
//! - `Strict-Transport-Security` behind HTTPS (`--secure-cookies`);
//! - `Cache-Control: no-store` unless the response chose its caching (static files): pages
//!   carry one customer's data and must not sit in shared caches.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Whether the site is served over HTTPS.
#[derive(Clone, Copy)]
pub struct Https(pub bool);

pub async fn layer(State(Https(https)): State<Https>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(app::ssr::DEFAULT_POLICY));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if https {
        // Two years, the preload list's minimum; subdomains are the operator's to decide.
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000"),
        );
    }
    response
}
