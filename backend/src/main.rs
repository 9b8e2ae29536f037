//! `purse-backend --listen 127.0.0.1:PORT --db FILE`: serve the reference backend;
//! `purse-backend accrue --through DATE`: run the savings fund's daily job on demand.

use clap::Parser;

#[derive(Parser)]
#[command(version, about = "The Purse reference backend")]
struct Args {
    #[command(flatten)]
    backend: purse_backend::cli::BackendArgs,
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
    purse_backend::cli::run(&Args::parse().backend).await
}
