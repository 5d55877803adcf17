//! The router and the `serve` command: Leptos pages and server functions, static files,
//! `/healthz`, and the background job that purges expired sessions.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use app::api::ssr::SignedIn;
use app::api::ssr::{AppState, CookieSettings};
use app::{shell, App};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use selfcare::billing::payments::Payee;
use selfcare::store::{Db, StoreError};
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
        trust_proxy: config.trust_proxy,
        cookies: state.cookies.clone(),
    };

    Router::new()
        .route("/healthz", get(healthz).with_state(state.db.clone()))
        .route(
            "/invoices/{number}/pdf",
            get(invoice_pdf).with_state(state.clone()),
        )
        .route(
            "/usage/{line}/records.csv",
            get(crate::usage_csv::records).with_state(state.clone()),
        )
        .route(
            "/usage/lines.csv",
            get(crate::usage_csv::lines).with_state(state.clone()),
        )
        .leptos_routes_with_context(&options, routes, context.clone(), render_shell)
        .nest_service("/pkg", static_files)
        .fallback(file_and_error_handler_with_context(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            session_layer,
            session::layer,
        ))
        // Pages are made per request: the fastest gzip level costs a fraction of the default's
        // CPU for a few per cent more bytes. Static files go out precompressed (above).
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
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
    let pay = app::api::billing::ssr::pay_box(&state, &detail.summary).map(|p| p.instructions);
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

/// Leptos's settings from cargo-leptos's environment, with the defaults of this workspace when
/// the binary runs on its own.
fn leptos_options(addr: SocketAddr) -> anyhow::Result<LeptosOptions> {
    let mut options = get_configuration(None)
        .context("reading the Leptos configuration")?
        .leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "selfcare".into();
    }
    // A release build by cargo-leptos names the JS, WASM and CSS by their hashes and writes
    // them to this file beside the binary: use them however the server was started.
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())));
    if hash_file.is_some_and(|f| f.exists()) {
        options.hash_files = true;
    }
    options.site_addr = addr;
    Ok(options)
}

pub async fn serve(url: &str, config: ServeConfig) -> anyhow::Result<()> {
    let db = Db::connect(url)
        .await
        .with_context(|| format!("opening the database {}", crate::cli::redact(url)))?;
    match db.migrate().await {
        Ok(()) => {}
        // Start anyway: pages answer 503 until the database is back, and migration is retried.
        Err(e) if e.is_unavailable() => {
            tracing::error!(error = %e, "database unavailable at start; retrying migrations in the background");
            let db = db.clone();
            tokio::spawn(async move {
                while let Err(e) = db.migrate().await {
                    tracing::warn!(error = %e, "migrations still failing");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                tracing::info!("database back; migrations applied");
            });
        }
        Err(e) => return Err(e).context("migrating the database"),
    }
    if matches!(db, Db::Sqlite(_)) && db.is_empty().await? {
        tracing::info!("empty SQLite database: loading the demo data");
        crate::cli::seed_with_progress(&db, config.demo_customers, 1).await?;
    }

    let payee = match config.bank.payee()? {
        Some(payee) => Some(payee),
        None if db.has_demo_data().await.unwrap_or(false) => {
            tracing::warn!(
                "no bank account configured: invoices show the demo data's fictitious bank details"
            );
            Some(Payee::demo())
        }
        None => {
            tracing::warn!("no bank account configured (SELFCARE_IBAN_CZK, ...): invoices show no payment instructions");
            None
        }
    };
    let options = leptos_options(config.addr)?;
    let state = AppState {
        db: db.clone(),
        cookies: CookieSettings {
            secure: config.secure_cookies,
        },
        payee: payee.map(std::sync::Arc::new),
    };
    let router = app(state, options, &config);

    tokio::spawn(purge_expired_sessions(db.clone()));
    tokio::spawn(apply_scheduled_changes(db.clone()));

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    tracing::info!(
        "Selfcare listening on http://{} ({} database)",
        config.addr,
        db.engine()
    );
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    db.close().await;
    Ok(())
}

/// Every ten minutes. Safe on several app servers at once: it is one idempotent DELETE.
async fn purge_expired_sessions(db: Db) {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        match db.purge_expired(chrono::Utc::now()).await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "purged expired sessions"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging expired sessions failed"),
        }
    }
}

/// Applies scheduled add-on changes on their day: once a minute, on every app server (each
/// request is claimed by exactly one of them; see `Db::run_scheduled_changes`).
async fn apply_scheduled_changes(db: Db) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        match db.run_scheduled_changes(chrono::Utc::now()).await {
            Ok(n) if n > 0 => tracing::info!(requests = n, "applied scheduled changes"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "applying scheduled changes failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
