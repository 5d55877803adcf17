//! `selfcare`: the portal's server and command line (see the `server` library for the layout).

fn main() -> std::process::ExitCode {
    // Before the runtime starts any thread.
    return_large_blocks_to_the_system();
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,leptos_axum=warn".into()),
        )
        .init();
    match server::cli::run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The chain of causes in one line, without a backtrace: this is for operators.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Every sign-in's argon2 check allocates 19 MiB. glibc's malloc serves a block that size with
/// `mmap` and unmaps it when freed, until the first free: then it raises its threshold past it
/// and keeps such blocks in its arenas, one per thread that hashed, for good. Measured with 300
/// sign-ins (`bench/`): 474 MB of RSS kept after them, 18 MB with the threshold fixed at
/// 128 KiB (which also turns the raising off).
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter of the allocator; it is called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
