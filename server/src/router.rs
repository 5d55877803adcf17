//! The router: Leptos pages and server functions, static files, `/healthz`, the invoice PDF and
//! the CSV downloads, behind the session layer. Built by `startup.rs`.

use app::ssr::AppState;
use app::ssr::SignedIn;
use app::{shell, App};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use selfcare_store::{Db, StoreError};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::ServeConfig;
use crate::session;

/// The app's routes, generated once per process. Leptos sets a process-wide flag while it
/// generates them that leaves any resource first polled meanwhile, on any thread, pending
/// for ever (leptos#4773); so generation must not overlap serving, which matters where one
/// process builds several apps (the HTTP tests run one per test, in parallel).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The routes the router serves besides Leptos's pages and server functions: the invoice PDF and
/// the CSV downloads (signed in), and the health check.
pub const INVOICE_PDF: &str = "/invoices/{number}/pdf";
pub const LINE_RECORDS_CSV: &str = "/usage/{line}/records.csv";
pub const LINES_CSV: &str = "/usage/lines.csv";
pub const HEALTH: &str = "/healthz";

/// Every route the portal answers, as the router knows them, with its method: the pages (GET),
/// the server functions (`/api/...`, POST), the downloads and the health check. Paths keep their
/// placeholders (`/invoices/{number}`). The attack battery probes exactly these, so a new page
/// or function is probed without being listed anywhere.
pub fn registry() -> Vec<(String, axum::http::Method)> {
    let mut routes: Vec<(String, axum::http::Method)> = route_list()
        .iter()
        .map(|r| (r.path().to_string(), axum::http::Method::GET))
        .collect();
    routes.extend(
        leptos::server_fn::axum::server_fn_paths().map(|(path, method)| (path.to_string(), method)),
    );
    for path in [INVOICE_PDF, LINE_RECORDS_CSV, LINES_CSV, HEALTH] {
        routes.push((path.to_string(), axum::http::Method::GET));
    }
    routes.sort();
    routes.dedup();
    routes
}

/// Builds the whole application for `state`, serving static files from `options.site_root`.
pub fn app(state: AppState, options: LeptosOptions, config: &ServeConfig) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let render_shell = {
        let options = options.clone();
        move || shell(options.clone())
    };
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    // Hashed names (see `leptos_options`) change with their content: browsers keep them a year
    // and never ask again. Unhashed ones (a development build) for an hour.
    let cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    let static_files = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
        .service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        );
    let session_layer = session::Layer {
        db: state.db.clone(),
        proxy_hops: config.trust_proxy.then_some(usize::from(config.proxy_hops)),
        cookies: state.cookies.clone(),
    };

    Router::new()
        .route(HEALTH, get(healthz).with_state(state.db.clone()))
        .route(INVOICE_PDF, get(invoice_pdf).with_state(state.clone()))
        .route(
            LINE_RECORDS_CSV,
            get(crate::usage_csv::records).with_state(state.clone()),
        )
        .route(
            LINES_CSV,
            get(crate::usage_csv::lines).with_state(state.clone()),
        )
        .leptos_routes_with_context(&options, routes, context.clone(), render_shell)
        .nest_service("/pkg", static_files)
        .fallback(file_and_error_handler_with_context(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            session_layer,
            session::layer,
        ))
        // Outside the session layer: a body too large is refused before any database work.
        .layer(axum::middleware::from_fn(crate::limits::body))
        // Pages are made per request: the fastest gzip level costs a fraction of the default's
        // CPU for a few per cent more bytes. Static files go out precompressed (above).
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            crate::limits::REQUEST_TIMEOUT,
        ))
        // Outermost: every answer carries them, the layers' own early ones included.
        .layer(axum::middleware::from_fn_with_state(
            crate::headers::Https(state.cookies.secure),
            crate::headers::layer,
        ))
        .with_state(options)
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(db): State<Db>) -> impl IntoResponse {
    match db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// An invoice as a PDF download. The session layer has already sent signed-out visitors to
/// sign in; the store answers not found for another customer's number as for a missing one.
async fn invoice_pdf(
    State(state): State<AppState>,
    signed_in: Option<axum::Extension<SignedIn>>,
    Path(number): Path<String>,
) -> Response {
    let Some(axum::Extension(session)) = signed_in else {
        return (StatusCode::UNAUTHORIZED, "Please sign in.\n").into_response();
    };
    let detail = match state.db.invoice(session.customer, &number).await {
        Ok(detail) => detail,
        Err(StoreError::NotFound) => {
            return (
                StatusCode::NOT_FOUND,
                Html("<!DOCTYPE html><title>Not found · Selfcare</title><h1>Not found</h1>\
                      <p>There is no such invoice on your account. <a href=\"/invoices\">Your invoices</a></p>"),
            )
                .into_response()
        }
        Err(e) => {
            let status = if e.is_unavailable() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            tracing::error!(error = %e, %number, "invoice PDF");
            return (status, "The invoice cannot be read right now. Please try again.\n").into_response();
        }
    };
    let pay = state.payee.as_deref().and_then(|payee| {
        selfcare::billing::payments::payment_instructions(payee, &detail.summary)
    });
    let today = chrono::Utc::now().date_naive();
    // Typesetting is CPU work: keep it off the async workers.
    let rendered = tokio::task::spawn_blocking(move || {
        crate::invoice_pdf::render(&detail, pay.as_ref(), today)
    })
    .await;
    match rendered {
        Ok(Ok(bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/pdf"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!(
                        "attachment; filename=\"invoice-{number}.pdf\""
                    ))
                    .unwrap_or(HeaderValue::from_static("attachment")),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %format!("{e:#}"), %number, "rendering an invoice PDF failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The PDF could not be made. Please try again.\n",
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, %number, "the PDF task failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The PDF could not be made. Please try again.\n",
            )
                .into_response()
        }
    }
}
