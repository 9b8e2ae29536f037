//! Test helper: the reference backend as a process of its own (`purse-backend`'s command
//! line, quieter), so that a test can run several on one database and kill them.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    purse_backend::cli::main("purse_backend=warn").await
}
