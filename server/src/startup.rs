//! Start-up, in one place: [`Application::build`] connects to the database, migrates it (or
//! keeps retrying in the background while it is unreachable), settles the server secret, loads
//! the demo data into an empty database when asked to (`--demo`; never by itself: its
//! passwords are public), reads the payee, builds the router, starts the background jobs and
//! binds the listener (port 0 picks a free one); [`Application::run_until_stopped`] serves until SIGINT or
//! SIGTERM. `main` (through the CLI's `serve`) and every HTTP test start the portal this way, so
//! the tests run what production runs, jobs included.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use app::ssr::{AppState, CookieSettings};
use chrono::Utc;
use leptos::prelude::*;
use selfcare::billing::payments::Payee;
use selfcare_store::seed::{seed, SeedOptions};
use selfcare_store::Db;

use crate::config::ServeConfig;

/// The portal, built and listening, not yet serving.
pub struct Application {
    listener: tokio::net::TcpListener,
    address: SocketAddr,
    router: axum::Router,
    db: Db,
    /// Connections one client address may hold; `None` behind a proxy (every connection is
    /// the proxy's).
    per_address: Option<usize>,
}

impl Application {
    /// Builds the portal over the database at `url` with `config`.
    ///
    /// # Errors
    /// When the URL is malformed, a migration fails on a reachable database, the demo data
    /// cannot be loaded, the bank details are invalid, or the address cannot be bound.
    pub async fn build(url: &str, config: ServeConfig) -> anyhow::Result<Self> {
        let db = Db::connect(url)
            .await
            .with_context(|| format!("opening the database {}", redact(url)))?;
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
        // Read while the database answers; when it does not (the retry above), as a real one.
        let load_demo = config.demo && db.is_empty().await.unwrap_or(false);
        if config.demo && !load_demo && !db.has_demo_data().await.unwrap_or(false) {
            tracing::warn!("--demo ignored: this database holds real accounts");
        }
        let secret = server_secret(&db, &config, load_demo).await?;
        if !selfcare_store::secrets::install_secret(secret) {
            tracing::warn!("another server secret is in use in this process (tests only)");
        }
        if load_demo {
            tracing::info!("empty database and --demo: loading the demo data");
            seed_with_progress(&db, config.demo_customers, 1).await?;
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
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("listening on {}", config.addr))?;
        let address = listener.local_addr().context("reading the bound address")?;
        let options = leptos_options(address)?;
        let state = AppState {
            db: db.clone(),
            cookies: CookieSettings {
                secure: config.secure_cookies,
            },
            payee: payee.map(std::sync::Arc::new),
            limits: selfcare::auth::Limits {
                per_address: config.address_failures.max(selfcare::auth::MAX_FAILURES),
                ..Default::default()
            },
        };
        let router = crate::router::app(state, options, &config);

        tokio::spawn(purge_expired_sessions(db.clone()));
        tokio::spawn(apply_scheduled_changes(db.clone()));
        Ok(Self {
            listener,
            address,
            router,
            db,
            per_address: (!config.trust_proxy).then_some(crate::limits::CONNECTIONS_PER_ADDRESS),
        })
    }

    /// Where it listens (with port 0 in the configuration, the port the system picked).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The database it serves.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until SIGINT or SIGTERM, then lets open requests finish (ten seconds at most)
    /// and closes the database pool. Each connection must send its headers within
    /// [`crate::limits::HEADER_TIMEOUT`]; a client address (not loopback, not behind a proxy)
    /// holds at most [`crate::limits::CONNECTIONS_PER_ADDRESS`] connections.
    ///
    /// # Errors
    /// Never after start; kept for the callers' `?`.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
        use tower::ServiceExt;

        tracing::info!(
            "Selfcare listening on http://{} ({} database)",
            self.address,
            self.db.engine()
        );
        let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(crate::limits::HEADER_TIMEOUT);
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let connections = crate::limits::Connections::default();
        let mut stop = std::pin::pin!(shutdown_signal());
        loop {
            let (stream, peer) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, mostly: wait a moment rather than spin.
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut stop => break,
            };
            let limit = self.per_address.filter(|_| !peer.ip().is_loopback());
            let held = match limit {
                Some(max) => match connections.open(peer.ip(), max) {
                    Some(held) => Some(held),
                    None => {
                        tracing::warn!(%peer, "refused a connection: too many from one address");
                        continue;
                    }
                },
                None => None,
            };
            let router = self.router.clone();
            let service = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    router.clone().oneshot(req.map(axum::body::Body::new))
                },
            );
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                let _held = held;
                if let Err(e) = connection.await {
                    tracing::debug!(error = %e, %peer, "connection ended with an error");
                }
            });
        }
        drop(self.listener);
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(Duration::from_secs(10)) => {
                tracing::warn!("requests still open after ten seconds; stopping anyway");
            }
        }
        self.db.close().await;
        Ok(())
    }
}

/// The server secret: `SELFCARE_SECRET` (with `SELFCARE_SECRET_PREVIOUS`) when set; on a demo
/// database, or one the demo is about to be loaded into, the one it keeps (made on first use).
///
/// # Errors
/// On a real database without `SELFCARE_SECRET`, or with one too short.
pub async fn server_secret(
    db: &Db,
    config: &ServeConfig,
    loading_demo: bool,
) -> anyhow::Result<selfcare_store::secrets::ServerSecret> {
    use selfcare_store::secrets::ServerSecret;
    if let Some(secret) = config.secret.as_deref() {
        return ServerSecret::new(secret, config.secret_previous.as_deref())
            .map_err(anyhow::Error::msg);
    }
    match db.has_demo_data().await {
        Ok(demo) if demo || loading_demo => {
            let stored = db.demo_secret().await?;
            ServerSecret::new(&stored, None).map_err(anyhow::Error::msg)
        }
        Ok(_) => anyhow::bail!(
            "SELFCARE_SECRET is not set: a real install needs a server secret of at least {} \
             characters (for example `openssl rand -hex 32`); see the README's Security section",
            selfcare_store::secrets::MIN_SECRET_LEN
        ),
        // Unreachable at start: serve (503 until it is back) under a secret of this process.
        Err(e) => {
            tracing::error!(error = %e, "cannot tell whether SELFCARE_SECRET is needed; set it");
            ServerSecret::new(&ServerSecret::generate(), None).map_err(anyhow::Error::msg)
        }
    }
}

pub async fn connect_and_migrate(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url)
        .await
        .with_context(|| format!("opening the database {}", redact(url)))?;
    db.migrate().await.context("migrating the database")?;
    Ok(db)
}

pub async fn seed_with_progress(
    db: &Db,
    customers: u64,
    rng_seed: u64,
) -> anyhow::Result<selfcare_store::seed::SeedReport> {
    let progress = indicatif::ProgressBar::new(customers).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} seeding [{bar:40}] {pos}/{len} customers ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let now = Utc::now();
    let options = SeedOptions {
        customers,
        seed: rng_seed,
        today: now.date_naive(),
        now,
    };
    Ok(seed(db, &options, &progress).await?)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/selfcare"),
            "postgres://app:***@db:5432/selfcare"
        );
        assert_eq!(redact("sqlite://selfcare.db"), "sqlite://selfcare.db");
    }
}
