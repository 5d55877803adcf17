//! CSV downloads of usage: `/usage/{line}/records.csv?type=&from=&to=` (every record of one
//! line matching the filter) and `/usage/lines.csv?sort=&dir=` (the overview of every line).
//!
//! Records are streamed: read from the store a keyset page of [`BATCH`] rows at a time and
//! written out before the next is read, so a line with a million records takes the memory of
//! one batch. Whether the line is the customer's is settled before the first byte, so another
//! customer's line answers 404 (as a missing one does) rather than an empty file.

use app::ssr::{AppState, SignedIn};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use chrono::Utc;
use futures_util::{stream, StreamExt};
use selfcare::ids::LineId;
use selfcare::paging::Cursor;
use selfcare::usage::csv::{line_row, record_row, row, LINE_COLUMNS, RECORD_COLUMNS};
use selfcare::usage::lines::sort_lines;
use selfcare::usage::{LineSort, UsageFilter};
use selfcare_store::StoreError;
use serde::Deserialize;

/// Records read per query while streaming.
pub const BATCH: u32 = 1_000;

#[derive(Debug, Default, Deserialize)]
pub struct RecordsQuery {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct LinesQuery {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!DOCTYPE html><title>Not found · Selfcare</title><h1>Not found</h1>\
              <p>There is no such line on your account. <a href=\"/usage\">Your usage</a></p>",
        ),
    )
        .into_response()
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "Please sign in.\n").into_response()
}

fn store_failure(e: &StoreError, what: &'static str) -> Response {
    tracing::error!(error = %e, what, "usage CSV");
    let status = if e.is_unavailable() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    (
        status,
        "The export cannot be made right now. Please try again.\n",
    )
        .into_response()
}

/// A CSV response that the browser saves as `filename`.
fn csv_response(filename: &str, body: Body) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

/// Every usage record of one of the signed-in customer's lines matching the filter, newest
/// first, as CSV.
pub async fn records(
    State(state): State<AppState>,
    signed_in: Option<Extension<SignedIn>>,
    Path(line): Path<String>,
    Query(query): Query<RecordsQuery>,
) -> Response {
    let Some(Extension(session)) = signed_in else {
        return unauthorized();
    };
    let customer = session.customer;
    let Ok(line) = line.parse().map(LineId::trusted) else {
        return not_found();
    };
    let number = match state.db.line_number(customer, line).await {
        Ok(number) => number,
        Err(StoreError::NotFound) => return not_found(),
        Err(e) => return store_failure(&e, "line"),
    };
    let filter = match UsageFilter::parse(&query.kind, &query.from, &query.to) {
        Ok(filter) => filter,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("{}\n", e.message)).into_response(),
    };

    let db = state.db.clone();
    // Each step reads the batch after the last record written; `None` once a batch was short.
    let batches = stream::try_unfold(Some(None), move |next| {
        let db = db.clone();
        async move {
            let Some(after) = next else {
                return Ok::<_, StoreError>(None);
            };
            let page = db
                .usage_records(customer, line, &filter, after.as_ref(), BATCH)
                .await
                .inspect_err(
                    |e| tracing::error!(error = %e, "usage CSV: a batch failed mid-stream"),
                )?;
            let mut chunk = String::with_capacity(page.items.len() * 80);
            for record in &page.items {
                chunk.push_str(&record_row(record));
            }
            let after = page.next.and(page.items.last()).map(|last| {
                Some(Cursor {
                    key: last.started_at,
                    id: last.id,
                })
            });
            Ok(Some((chunk, after)))
        }
    });
    let body = stream::once(async { Ok(row(&RECORD_COLUMNS)) }).chain(batches);
    let digits: String = number
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    csv_response(&format!("usage-{digits}.csv"), Body::from_stream(body))
}

/// The overview of every line, sorted as `/usage/lines` with the same `sort` and `dir`, as CSV.
pub async fn lines(
    State(state): State<AppState>,
    signed_in: Option<Extension<SignedIn>>,
    Query(query): Query<LinesQuery>,
) -> Response {
    let Some(Extension(session)) = signed_in else {
        return unauthorized();
    };
    let (sort, direction) = LineSort::from_query(&query.sort, &query.dir);
    let lines = match state.db.profile(session.customer).await {
        Ok(profile) => {
            state
                .db
                .line_overviews(session.customer, profile.currency, Utc::now())
                .await
        }
        Err(e) => Err(e),
    };
    let mut lines = match lines {
        Ok(lines) => lines,
        Err(e) => return store_failure(&e, "lines"),
    };
    sort_lines(&mut lines, sort, direction);
    let mut csv = row(&LINE_COLUMNS);
    for line in &lines {
        csv.push_str(&line_row(line));
    }
    csv_response("lines.csv", Body::from(csv))
}
