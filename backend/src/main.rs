//! `purse-backend --listen 127.0.0.1:PORT --db FILE|postgres://...`: serve the reference
//! backend; `purse-backend accrue --through DATE`: run the savings fund's daily job on demand.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    purse_backend::cli::main("purse_backend=info").await
}
