//! Settings, from flags and environment variables (flags win). See the README's
//! "Configuration" section for the list.

use std::net::SocketAddr;

use anyhow::Context;
use selfcare::billing::payments::{payee_account, Payee};
use selfcare::money::Currency;

/// The database used when `DATABASE_URL` is not set: a file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://selfcare.db";

#[derive(Clone, Debug, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "SELFCARE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Behind HTTPS: mark the session cookie `Secure` and give it the `__Host-` prefix.
    #[arg(long, env = "SELFCARE_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// Behind a load balancer: take the client address from `X-Forwarded-For`.
    #[arg(long, env = "SELFCARE_TRUST_PROXY", value_parser = clap::builder::BoolishValueParser::new())]
    pub trust_proxy: bool,
    /// With `--trust-proxy`: how many proxies of the operator's own stand in front (each adds
    /// one `X-Forwarded-For` entry); the client is the entry that many from the right.
    #[arg(long, env = "SELFCARE_PROXY_HOPS", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..))]
    pub proxy_hops: u8,
    /// Failed sign-ins allowed from one address (an IPv6 /64) per 15 minutes: high, since
    /// many subscribers share an address behind carrier-grade NAT. Per account it is 5.
    #[arg(long, env = "SELFCARE_ADDRESS_FAILURES", default_value_t = selfcare::auth::ADDRESS_FAILURES)]
    pub address_failures: i64,
    /// The server secret that keys the stored hashes of one-time codes and vouchers (at least
    /// 32 characters; `openssl rand -hex 32`). Required unless the database is a demo one,
    /// which keeps its own.
    #[arg(long, env = "SELFCARE_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// During a rotation, the secret before `SELFCARE_SECRET`: hashes made with it still match.
    #[arg(long, env = "SELFCARE_SECRET_PREVIOUS", hide_env_values = true)]
    pub secret_previous: Option<String>,
    /// Load the demo data into an empty database: sign-ins whose passwords the sign-in pages
    /// print, and generated customers. For trying the portal out, never for a real install.
    #[arg(long, env = "SELFCARE_DEMO", value_parser = clap::builder::BoolishValueParser::new())]
    pub demo: bool,
    /// Customers `--demo` adds to the demo sign-ins.
    #[arg(long, env = "SELFCARE_DEMO_CUSTOMERS", default_value_t = 200)]
    pub demo_customers: u64,
    #[command(flatten)]
    pub bank: BankConfig,
}

/// The operator's bank details, printed on invoices and put in payment QR codes. Without any
/// IBAN, invoices show no payment instructions (the demo data brings its own, fictitious ones).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct BankConfig {
    /// The name payments are made out to (required with any IBAN).
    #[arg(long, env = "SELFCARE_PAYEE_NAME")]
    pub payee_name: Option<String>,
    /// The operator's Polish tax number (NIP), carried by the Polish payment QR code.
    #[arg(long, env = "SELFCARE_PAYEE_NIP")]
    pub payee_nip: Option<String>,
    /// The account CZK invoices are paid to.
    #[arg(long, env = "SELFCARE_IBAN_CZK")]
    pub iban_czk: Option<String>,
    /// The account PLN invoices are paid to.
    #[arg(long, env = "SELFCARE_IBAN_PLN")]
    pub iban_pln: Option<String>,
    /// The account EUR invoices are paid to.
    #[arg(long, env = "SELFCARE_IBAN_EUR")]
    pub iban_eur: Option<String>,
    /// The BIC of the EUR account.
    #[arg(long, env = "SELFCARE_BIC_EUR")]
    pub bic_eur: Option<String>,
}

impl BankConfig {
    /// The configured payee, `None` when no IBAN is set.
    ///
    /// # Errors
    /// When an IBAN is not valid, or IBANs are set without a payee name.
    pub fn payee(&self) -> anyhow::Result<Option<Payee>> {
        let mut accounts = Vec::new();
        for (currency, iban, bic) in [
            (Currency::Czk, &self.iban_czk, None),
            (Currency::Pln, &self.iban_pln, None),
            (Currency::Eur, &self.iban_eur, self.bic_eur.as_deref()),
        ] {
            if let Some(iban) = iban.as_deref().filter(|i| !i.trim().is_empty()) {
                let account = payee_account(currency, iban, bic)
                    .with_context(|| format!("SELFCARE_IBAN_{}", currency.code()))?;
                accounts.push(account);
            }
        }
        if accounts.is_empty() {
            return Ok(None);
        }
        let name = self
            .payee_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .context("SELFCARE_PAYEE_NAME must name the payee when a bank account is set")?;
        Ok(Some(Payee {
            name: name.to_string(),
            nip: self.payee_nip.clone(),
            accounts,
        }))
    }
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            secure_cookies: false,
            trust_proxy: false,
            proxy_hops: 1,
            address_failures: selfcare::auth::ADDRESS_FAILURES,
            secret: None,
            secret_previous: None,
            demo: false,
            demo_customers: 200,
            bank: BankConfig::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_details_need_a_valid_iban_and_a_name() {
        let mut bank = BankConfig::default();
        assert_eq!(bank.payee().unwrap(), None);
        bank.iban_czk = Some("CZ65 0800 0000 1920 0014 5399".into());
        assert!(bank.payee().is_err(), "no payee name");
        bank.payee_name = Some("Operator a.s.".into());
        let payee = bank.payee().unwrap().unwrap();
        assert_eq!(payee.accounts.len(), 1);
        assert!(payee.account(Currency::Czk).is_some());
        bank.iban_eur = Some("LT12 1000 0111 0100 1001".into());
        let error = format!("{:#}", bank.payee().unwrap_err());
        assert!(error.contains("SELFCARE_IBAN_EUR"), "{error}");
    }
}
