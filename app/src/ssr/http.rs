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

/// Keeps a post-sign-in destination on this site: a path, never another host.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.starts_with("/login") =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Where to go after a staff sign-in: a staff page, never the sign-in page itself, never
/// another host or a customer page.
pub fn staff_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if (n == "/staff" || n.starts_with("/staff/") || n.starts_with("/staff?"))
                && !n.starts_with("/staff/login")
                && !n.contains('\\') =>
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
