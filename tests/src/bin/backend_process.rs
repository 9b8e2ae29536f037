//! Test helper: the reference backend as a process of its own (`purse-backend`'s command
//! line), so that a test can run several on one database and kill them.

use clap::Parser;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    backend: purse_backend::cli::BackendArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "purse_backend=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    purse_backend::cli::run(&Args::parse().backend).await
}
