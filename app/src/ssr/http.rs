//! The request and the response as HTTP: cookies, status, redirects after a plain form post,
//! and the safe destinations after a sign-in.

use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::error::AppError;

pub(crate) fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
}

/// Whether the request is a browser's own form submission (JavaScript off), which expects a
/// page back, rather than a call from the server-function client.
pub fn is_plain_form_post() -> bool {
    parts().ok().is_some_and(|p| {
        p.headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Another customer's id answers like a missing one: to a form posted without JavaScript,
/// `page()` (a reply that redirects to a page saying "Not found."); to the server-function
/// client, a 404.
pub fn not_found<R>(page: impl FnOnce() -> R) -> Result<R, AppError> {
    if is_plain_form_post() {
        return Ok(page());
    }
    set_status(404);
    Err(AppError::NotFound)
}

/// A cookie of the request being handled, by name.
pub fn cookie(name: &str) -> Option<String> {
    cookie_in(&parts().ok()?.headers, name)
}

/// A cookie from request headers, by name.
pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// Sets the HTTP status of the page being rendered.
pub fn set_status(code: u16) {
    if let (Some(res), Ok(status)) = (
        use_context::<ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
}

/// The Content-Security-Policy of every response that is not a page: no script at all but the
/// site's own files, no framing, no plugins, no `<base>`, forms only to this site. Inline
/// styles stay allowed (the 503 page has one; style cannot run code).
pub const DEFAULT_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A page's Content-Security-Policy: [`DEFAULT_POLICY`], and inline scripts only with this
/// response's `nonce` (Leptos's hydration loader carries it); WebAssembly may compile.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page being rendered's Content-Security-Policy from its nonce.
pub fn set_page_policy() {
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    {
        if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce)) {
            res.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// Sends the visitor to `to`, a path on this site. Never panics: a byte a `Location` header
/// cannot carry (a control character, a space, anything not ASCII) goes out percent-encoded.
pub fn redirect(to: &str) {
    leptos_axum::redirect(&header_safe(to));
}

/// `path` with every byte outside visible ASCII percent-encoded.
fn header_safe(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            0x21..=0x7e => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `next` if it is a path on this site, else `None`. Browsers drop tabs and newlines from a
/// URL and read `\` as `/`, so `/\t/evil.example` and `/\\evil.example` lead to another host:
/// any control character or backslash, raw or percent-encoded, refuses the path, as do a
/// leading `//` and an encoded slash (`/%2F/evil.example` is decoded by some proxies).
fn local_path(next: Option<&str>) -> Option<&str> {
    let next = next?;
    let lower = next.to_ascii_lowercase();
    let encoded_trick = ["%2f", "%5c", "%7f"].iter().any(|e| lower.contains(e))
        || lower
            .match_indices('%')
            .any(|(i, _)| matches!(lower.as_bytes().get(i + 1), Some(b'0' | b'1')));
    let is_local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !encoded_trick;
    is_local.then_some(next)
}

/// Keeps a post-sign-in destination on this site: a path, never another host, never the
/// sign-in page itself.
pub fn safe_next(next: Option<&str>) -> String {
    match local_path(next) {
        Some(n) if !n.starts_with("/login") => n.to_string(),
        _ => "/".to_string(),
    }
}

/// Where to go after a staff sign-in: a staff page, never the sign-in page itself, never
/// another host or a customer page.
pub fn staff_next(next: Option<&str>) -> String {
    match local_path(next) {
        Some(n)
            if (n == "/staff" || n.starts_with("/staff/") || n.starts_with("/staff?"))
                && !n.starts_with("/staff/login") =>
        {
            n.to_string()
        }
        _ => "/staff".to_string(),
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/invoices?year=2026")),
            "/invoices?year=2026"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn control_characters_backslashes_and_encoded_slashes_never_lead_away() {
        for trick in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:x",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5C/evil.example",
            "/\\evil.example",
            "/\u{0}x",
            "\\\\evil.example",
            " //evil.example",
        ] {
            assert_eq!(safe_next(Some(trick)), "/", "{trick:?}");
            assert_eq!(
                staff_next(Some(&format!("/staff{trick}"))),
                "/staff",
                "{trick:?}"
            );
        }
        assert_eq!(safe_next(Some("/usage?q=a%20b")), "/usage?q=a%20b");
    }

    #[test]
    fn a_redirect_target_always_fits_a_location_header() {
        assert_eq!(
            header_safe("/staff?q=Dvořák x"),
            "/staff?q=Dvo%C5%99%C3%A1k%20x"
        );
        assert_eq!(header_safe("/a\r\nb"), "/a%0D%0Ab");
        for path in ["/staff?q=Dvořák x", "/a\r\nb", "/ok"] {
            assert!(axum::http::HeaderValue::from_str(&header_safe(path)).is_ok());
        }
    }

    #[test]
    fn only_staff_pages_are_followed_after_a_staff_sign_in() {
        assert_eq!(staff_next(Some("/staff?q=jana")), "/staff?q=jana");
        assert_eq!(staff_next(Some("/staff/customers/7")), "/staff/customers/7");
        assert_eq!(staff_next(Some("/invoices")), "/staff");
        assert_eq!(staff_next(Some("/staffing")), "/staff");
        assert_eq!(staff_next(Some("/staff/login")), "/staff");
        assert_eq!(staff_next(Some("//evil.example/staff")), "/staff");
        assert_eq!(staff_next(None), "/staff");
    }
}
