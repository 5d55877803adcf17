//! The `selfcare` command line. With no command it serves, which is what `cargo leptos serve`
//! runs.

use std::io::Read;

use anyhow::Context;
use clap::{Parser, Subcommand};
use selfcare::auth::StaffRole;
use selfcare::support::team::{check_staff_password, NewStaff};
use selfcare_store::secrets::hash_password;
use selfcare_store::Actor;

use crate::config::{ServeConfig, DEFAULT_DATABASE_URL};
use crate::startup::{connect_and_migrate, seed_with_progress, server_secret, Application};

#[derive(Parser, Debug)]
#[command(
    name = "selfcare",
    version,
    about = "Selfcare: a self-service portal for telecom customers"
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    /// The database: `sqlite://path` (created when missing) or `postgres://user:pass@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeConfig,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the portal (the default). Migrates first; with `--demo`, an empty database also
    /// gets the demo data.
    Serve(ServeConfig),
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo sign-ins (once) and N generated customers, into an empty or a demo
    /// database only.
    Seed {
        /// How many customers to generate.
        #[arg(long, default_value_t = 1000)]
        customers: u64,
        /// The random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Manage support staff.
    Staff {
        #[command(subcommand)]
        action: StaffCommand,
    },
}

#[derive(Subcommand, Debug)]
enum StaffCommand {
    /// Add a staff user; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: StaffRole,
        /// The name shown to customers in their audit log; defaults to the email.
        #[arg(long)]
        name: Option<String>,
    },
}

fn parse_role(text: &str) -> Result<StaffRole, String> {
    StaffRole::parse(text).ok_or_else(|| "expected agent, supervisor or admin".to_string())
}

pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let url = &cli.database_url;
    match cli.command {
        None => serve(url, cli.serve).await,
        Some(Command::Serve(config)) => serve(url, config).await,
        Some(Command::Migrate) => {
            let db = connect_and_migrate(url).await?;
            println!("Migrated the {} database.", db.engine());
            Ok(())
        }
        Some(Command::Seed {
            customers,
            seed: rng_seed,
        }) => {
            let db = connect_and_migrate(url).await?;
            // The vouchers are hashed under the database's own secret (a seeded database is a
            // demo one), or SELFCARE_SECRET.
            selfcare_store::secrets::install_secret(server_secret(&db, &cli.serve, true).await?);
            let report = seed_with_progress(&db, customers, rng_seed).await?;
            println!(
                "Seeded {} customers, {} lines, {} invoices, {} usage records{}.",
                report.customers,
                report.lines,
                report.invoices,
                report.usage_records,
                if report.demo_created {
                    ", and the demo sign-ins"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Some(Command::Staff {
            action: StaffCommand::Add { email, role, name },
        }) => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            check_staff_password(password)?;
            let new = NewStaff::parse(&email, name.as_deref().unwrap_or(&email), role.as_str())?;
            let db = connect_and_migrate(url).await?;
            let id = db
                .add_staff_member(
                    Actor::System,
                    &new,
                    &hash_password(password),
                    chrono::Utc::now(),
                    None,
                )
                .await
                .with_context(|| format!("adding {}", new.email))?
                .map_err(|refusal| anyhow::anyhow!("{}: {refusal}", new.email))?;
            println!(
                "Added staff user {id} ({}, {}).",
                new.email,
                new.role.as_str()
            );
            Ok(())
        }
    }
}

async fn serve(url: &str, config: ServeConfig) -> anyhow::Result<()> {
    Application::build(url, config)
        .await?
        .run_until_stopped()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_parses() {
        Cli::try_parse_from(["selfcare", "seed", "--customers", "5", "--seed", "7"]).unwrap();
        Cli::try_parse_from([
            "selfcare", "staff", "add", "--email", "a@b.cz", "--role", "agent",
        ])
        .unwrap();
        assert!(Cli::try_parse_from([
            "selfcare", "staff", "add", "--email", "a@b.cz", "--role", "boss"
        ])
        .is_err());
        Cli::try_parse_from(["selfcare", "serve", "--addr", "0.0.0.0:8080"]).unwrap();
        Cli::try_parse_from(["selfcare"]).unwrap();
    }
}
