//! What one request may cost the server (OWASP ASVS 5.0 V13.1 and V15.2): its body, its time,
//! the time its headers take to arrive, and (without a proxy in front) the connections one
//! address holds open.
//!
//! - A body over [`MAX_BODY`] is refused with 413, by its declared length before any of it is
//!   read, or as soon as a body without one passes the limit; so a 3 GB POST costs at most
//!   [`MAX_BODY`] of memory. Forms are a few kilobytes; uploads, when there are any, get their
//!   own stated limits.
//! - A request not answered within [`REQUEST_TIMEOUT`] (a body sent byte by byte included) gets
//!   408; headers must arrive within [`HEADER_TIMEOUT`] or the connection is closed
//!   (`startup.rs` serves with it).
//! - Behind no proxy, one address holds at most [`CONNECTIONS_PER_ADDRESS`] connections; behind
//!   the operator's load balancer every connection comes from it, and the balancer limits them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest request body read.
pub const MAX_BODY: usize = 2 * 1024 * 1024;
/// The longest a request may take, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a client may take to send a request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections per client address when clients connect directly.
pub const CONNECTIONS_PER_ADDRESS: usize = 64;

/// Reads the body up to [`MAX_BODY`] before anything else sees the request.
pub async fn body(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(),
    }
}

fn too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.\n").into_response()
}

/// Open connections per address, counted while each is served.
#[derive(Clone, Default)]
pub struct Connections(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One open connection; counted until dropped.
pub struct Held {
    connections: Connections,
    ip: IpAddr,
}

impl Connections {
    /// Counts a new connection from `ip`, unless it already holds `max`.
    pub fn open(&self, ip: IpAddr, max: usize) -> Option<Held> {
        let mut open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(ip).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Held {
            connections: self.clone(),
            ip,
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self.connections.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_no_more_than_its_connections() {
        let connections = Connections::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let held: Vec<Held> = (0..3).filter_map(|_| connections.open(ip, 3)).collect();
        assert_eq!(held.len(), 3);
        assert!(connections.open(ip, 3).is_none());
        assert!(connections.open("192.0.2.2".parse().unwrap(), 3).is_some());
        drop(held);
        assert!(connections.open(ip, 3).is_some());
    }
}
