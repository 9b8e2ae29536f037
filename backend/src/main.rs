//! `purse-backend --listen 127.0.0.1:PORT --db FILE`: serve the reference backend.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser)]
#[command(version, about = "The Purse reference backend")]
struct Args {
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite database file; created if missing.
    #[arg(long, default_value = "purse-backend.db")]
    db: PathBuf,
    /// Public base URL when behind a TLS-terminating proxy (signatures cover it).
    #[arg(long)]
    public_url: Option<String>,
    /// Seconds a recovery waits before the new device joins; every other device of the
    /// account is told and may stop it meanwhile.
    #[arg(long, default_value_t = 86_400)]
    recovery_cool_off: i64,
    /// A catalogue file of billers to add (replacing those of the same id); repeatable.
    #[arg(long = "billers", value_name = "FILE")]
    biller_files: Vec<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "purse_backend=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let server = purse_backend::start(purse_backend::Config {
        public_url: args.public_url,
        recovery_cool_off_secs: args.recovery_cool_off,
        biller_files: args.biller_files,
        ..purse_backend::Config::new(args.listen, args.db)
    })
    .await?;
    println!("listening on {}", server.url());
    tokio::signal::ctrl_c().await?;
    server.stop().await;
    Ok(())
}
