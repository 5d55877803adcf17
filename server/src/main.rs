//! `selfcare`: the portal's server and command line (see the `server` library for the layout).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,leptos_axum=warn".into()),
        )
        .init();
    server::cli::run().await
}
