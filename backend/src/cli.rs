//! The backend's command line, written once for the `purse-backend` binary and for
//! `purse backend`: serve (the default), or run the savings fund's daily job on demand.

use std::net::SocketAddr;
use std::path::PathBuf;

use purse_core::calendar::{day_of, iso_date, parse_iso_date};

use crate::clock::Clock;
use crate::fund::{RateSchedule, accrue_through, job::BATCH};
use crate::store::Database;

#[derive(clap::Args, Debug)]
pub struct BackendArgs {
    #[command(subcommand)]
    pub command: Option<BackendCommand>,
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where the rows are: a SQLite file (created if missing), or a PostgreSQL database
    /// (`postgres://user:password@host:port/db`) that several backends may share.
    #[arg(long, default_value = "purse-backend.db", global = true)]
    pub db: Database,
    /// The backend's key file (created 0600 when missing): card fingerprints are keyed and
    /// webhook and pay-code secrets sealed with it, so a copy of the database alone reveals
    /// neither. Default: beside a SQLite file (`FILE.key`); required with PostgreSQL, the
    /// same file for every backend on the database.
    #[arg(long, global = true)]
    pub key_file: Option<PathBuf>,
    /// PostgreSQL connections this backend keeps at most. Each is one transaction at a time;
    /// more than the database has cores mostly adds collisions (see the README's load table).
    #[arg(long, default_value_t = crate::store::postgres::DEFAULT_POOL_SIZE, global = true)]
    pub db_pool: usize,
    /// The base URL clients use when behind a TLS-terminating proxy or load balancer
    /// (`https://api.example.com`; signatures cover it); repeatable. Requests naming any
    /// other host are refused. The listen address is always known, unless it is every
    /// interface (`0.0.0.0`), which then needs this.
    #[arg(long = "public-url", value_name = "URL")]
    pub public_urls: Vec<String>,
    /// Lets merchants' webhooks go to this machine (loopback, plain http too): for
    /// development and demos, where the merchant's endpoint runs beside the backend. Without
    /// it webhooks go only to public https addresses.
    #[arg(long)]
    pub allow_loopback_webhooks: bool,
    /// A proxy (load balancer) address whose `X-Forwarded-For` names the client for
    /// per-address limits; repeatable. From any other peer the header is ignored.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Turns the request rate limits off (load benchmarks; see the README for the limits).
    #[arg(long)]
    pub no_rate_limits: bool,
    /// Seconds a recovery waits before the new device joins; every other device of the
    /// account is told and may stop it meanwhile.
    #[arg(long, default_value_t = 86_400)]
    pub recovery_cool_off: i64,
    /// A catalogue file of billers to add (replacing those of the same id); repeatable.
    #[arg(long = "billers", value_name = "FILE")]
    pub biller_files: Vec<PathBuf>,
    /// The sandbox fund's annual rate from a day on (`2026-12-01=1.70`); repeatable.
    /// 1.65 % before the first and without any.
    #[arg(long = "savings-rate", value_name = "DATE=PERCENT", global = true)]
    pub savings_rates: Vec<String>,
    /// The most an account may redeem from savings instantly per day, in major units.
    #[arg(long, default_value_t = 10_000)]
    pub savings_instant_cap: i64,
    /// Runs the savings fund's calendar this many days from today (sandbox and demos;
    /// signatures keep to real time).
    #[arg(
        long,
        default_value_t = 0,
        allow_negative_numbers = true,
        global = true
    )]
    pub fund_clock_days: i64,
}

#[derive(clap::Subcommand, Debug)]
pub enum BackendCommand {
    /// Accrue the savings fund's income for every day through DATE not accrued yet (in
    /// order; each day once), and land the standard redemptions due. DATE must have ended.
    Accrue {
        /// `YYYY-MM-DD`.
        #[arg(long)]
        through: String,
        #[arg(long)]
        json: bool,
    },
    /// Copy a SQLite store into an empty PostgreSQL database (stop the backends first), then
    /// check that both hold the same rows and that the moved ledger audits.
    Migrate {
        /// The SQLite file.
        #[arg(long)]
        from: PathBuf,
        /// `postgres://user:password@host:port/database`.
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
}

impl BackendArgs {
    fn rates(&self) -> anyhow::Result<RateSchedule> {
        let mut rates = RateSchedule::default();
        for spec in &self.savings_rates {
            rates.add(spec)?;
        }
        Ok(rates)
    }

    fn fund_clock(&self) -> Clock {
        Clock::with_offset(self.fund_clock_days * 86_400)
    }

    /// `--db` with `--db-pool` applied.
    pub fn database(&self) -> Database {
        match &self.db {
            Database::Postgres(pg) => Database::Postgres(crate::store::postgres::PgConfig {
                pool_size: self.db_pool,
                ..pg.clone()
            }),
            sqlite => sqlite.clone(),
        }
    }

    pub fn config(&self) -> anyhow::Result<crate::Config> {
        Ok(crate::Config {
            public_urls: self.public_urls.clone(),
            key_file: self.key_file.clone(),
            rate_limits: (!self.no_rate_limits).then(crate::throttle::Limits::default),
            trusted_proxies: self.trusted_proxies.clone(),
            recovery_cool_off_secs: self.recovery_cool_off,
            webhook_targets: crate::webhooks::Targets {
                allow_loopback: self.allow_loopback_webhooks,
            },
            biller_files: self.biller_files.clone(),
            savings_rates: self.rates()?,
            savings_instant_cap_major: self.savings_instant_cap,
            fund_clock: self.fund_clock(),
            ..crate::Config::new(self.listen, self.database())
        })
    }
}

/// The `purse-backend` program as a whole: parses the process's arguments, logs to stderr
/// (`RUST_LOG`, else `default_log`), and runs. Any binary that is the backend calls this.
pub async fn main(default_log: &str) -> anyhow::Result<()> {
    use clap::Parser;
    #[derive(Parser)]
    #[command(version, about = "The Purse reference backend")]
    struct Program {
        #[command(flatten)]
        backend: BackendArgs,
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_log.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    run(&Program::parse().backend).await
}

/// Serves until Ctrl-C, or runs the subcommand.
pub async fn run(args: &BackendArgs) -> anyhow::Result<()> {
    match &args.command {
        None => {
            let server = crate::start(args.config()?).await?;
            println!("listening on {}", server.url());
            tokio::signal::ctrl_c().await?;
            server.stop().await;
            Ok(())
        }
        Some(BackendCommand::Accrue { through, json }) => accrue(args, through, *json).await,
        Some(BackendCommand::Migrate { from, to, json }) => migrate(from, to, *json).await,
    }
}

async fn migrate(from: &std::path::Path, to: &str, as_json: bool) -> anyhow::Result<()> {
    let Database::Postgres(target) = Database::parse(to) else {
        anyhow::bail!("--to must be a postgres:// address, not {to:?}");
    };
    let moved = crate::store::migrate::sqlite_to_postgres(from, &target)
        .await
        .map_err(|e| match e {
            crate::ledger::StoreError::NotFound => {
                anyhow::anyhow!("no SQLite store at {}", from.display())
            }
            other => anyhow::anyhow!("the move failed, and no row was copied: {other}"),
        })?;
    if as_json {
        println!(
            "{}",
            serde_json::json!({ "tables": moved.tables, "rows": moved.rows() })
        );
        return Ok(());
    }
    for (table, rows) in &moved.tables {
        println!("{table:<24} {rows:>10} rows");
    }
    println!(
        "Moved {} rows in {} tables to {}; both sides hold the same rows and the ledger audits.",
        moved.rows(),
        moved.tables.len(),
        Database::Postgres(target)
    );
    Ok(())
}

async fn accrue(args: &BackendArgs, through: &str, as_json: bool) -> anyhow::Result<()> {
    let day = parse_iso_date(through)
        .ok_or_else(|| anyhow::anyhow!("--through must be a date, YYYY-MM-DD, not {through:?}"))?;
    let now = args.fund_clock().now();
    if day >= day_of(now) {
        anyhow::bail!(
            "{through} has not ended yet (today is {}): only ended days accrue",
            iso_date(day_of(now))
        );
    }
    let store = args.database().open().await?;
    let days = accrue_through(&store, &args.rates()?, day, now, BATCH).await?;
    if as_json {
        let days: Vec<serde_json::Value> = days
            .iter()
            .map(|d| {
                serde_json::json!({
                    "date": iso_date(d.day),
                    "per_10k": d.per_10k,
                    "holders": d.holders,
                    "paid": d.paid.iter().map(|(c, m)| serde_json::json!({
                        "minor": m, "currency": c.code()
                    })).collect::<Vec<_>>(),
                    "landed": d.landed,
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "days": days }));
        return Ok(());
    }
    if days.is_empty() {
        println!("Nothing to accrue: every day through {through} is done.");
    }
    for d in &days {
        let paid: Vec<String> = d
            .paid
            .iter()
            .map(|(c, m)| purse_core::money::Money::new(*m, *c).to_string())
            .collect();
        println!(
            "{}  {} per 10,000 shares  {} holders  paid {}  {} standard redemptions landed",
            iso_date(d.day),
            purse_core::savings::format_per_10k(d.per_10k),
            d.holders,
            if paid.is_empty() {
                "nothing".to_owned()
            } else {
                paid.join(", ")
            },
            d.landed
        );
    }
    Ok(())
}
