//! Settings, from flags and environment variables (flags win). See the README's
//! "Configuration" section for the list.

use std::net::SocketAddr;

/// The database used when `DATABASE_URL` is not set: a file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://selfcare.db";

#[derive(Clone, Debug, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "SELFCARE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Behind HTTPS: mark the session cookie `Secure` and give it the `__Host-` prefix.
    #[arg(long, env = "SELFCARE_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Behind a load balancer: take the client address from `X-Forwarded-For`.
    #[arg(long, env = "SELFCARE_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// Customers the first run adds to the demo data on an empty SQLite database.
    #[arg(long, env = "SELFCARE_DEMO_CUSTOMERS", default_value_t = 200)]
    pub demo_customers: u64,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            secure_cookies: false,
            trust_proxy: false,
            demo_customers: 200,
        }
    }
}
