//! The tokio runtime the core's network work runs on, owned by the library (the shells
//! bring their own executors: coroutines, Swift concurrency). Each call is a task on it, so
//! a panic ends the task, not the app, and reaches the caller as `PurseError::Internal`.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use crate::error::PurseError;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("purse-core")
            .enable_all()
            .build()
            .expect("the purse-core runtime starts (threads and timers available)")
    })
}

/// A task whose output type is erased: tokio's task machinery (harness, vtable, join) is
/// then built once for the library instead of once per exported method, which on the phone
/// library saved about 25 KiB an export.
type ErasedTask = Pin<Box<dyn Future<Output = Box<dyn Any + Send>> + Send>>;

/// Runs `fut` on the core's runtime and waits for it from whatever executor awaits this.
/// The task runs to its end even if the caller stops waiting: a payment once sent is
/// always recorded.
pub(crate) async fn run<T, F>(fut: F) -> Result<T, PurseError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, PurseError>> + Send + 'static,
{
    let task: ErasedTask = Box::pin(async move { Box::new(fut.await) as Box<dyn Any + Send> });
    match runtime().spawn(task).await {
        Ok(out) => match out.downcast::<Result<T, PurseError>>() {
            Ok(result) => *result,
            // The task above boxed exactly this type.
            Err(_) => Err(PurseError::Internal {
                reason: "a task returned an unexpected type".into(),
            }),
        },
        Err(e) => stopped(e),
    }
}

/// A task that panicked (or was aborted), as the caller hears of it.
fn stopped<T>(e: tokio::task::JoinError) -> Result<T, PurseError> {
    Err(PurseError::Internal {
        reason: format!("the operation stopped: {e}"),
    })
}

/// Starts `fut` on the core's runtime and returns at once.
pub(crate) fn spawn<F>(fut: F) -> tokio::task::AbortHandle
where
    F: Future<Output = ()> + Send + 'static,
{
    runtime().spawn(fut).abort_handle()
}

/// Runs blocking work (image decoding) off the caller's thread, panics caught.
pub(crate) async fn run_blocking<T, F>(f: F) -> Result<T, PurseError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, PurseError> + Send + 'static,
{
    runtime().spawn_blocking(f).await.unwrap_or_else(stopped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_call_is_an_error_for_the_caller() {
        let r: Result<(), PurseError> = futures_executor(run(async { panic!("bug") }));
        assert!(matches!(r, Err(PurseError::Internal { .. })));
        let r: Result<(), PurseError> = futures_executor(run_blocking(|| panic!("bug")));
        assert!(matches!(r, Err(PurseError::Internal { .. })));
        // The runtime lives on.
        assert_eq!(futures_executor(run(async { Ok(7) })).unwrap(), 7);
    }

    /// Waits for a future the way a foreign executor would: not from a tokio thread.
    fn futures_executor<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }
}
