//! A task the core runs for a shell (following events, watching a payment), handed back as
//! an object that stops it: `cancel()`, or dropping the last reference. Its state lives in
//! Rust; the shell only draws what the listener hears.

use std::sync::Mutex;

use crate::runtime::spawn;

#[derive(uniffi::Object)]
pub struct TaskHandle {
    handle: Mutex<Option<tokio::task::AbortHandle>>,
}

impl TaskHandle {
    /// Starts `fut` on the core's runtime.
    pub(crate) fn spawn(fut: impl Future<Output = ()> + Send + 'static) -> std::sync::Arc<Self> {
        std::sync::Arc::new(TaskHandle {
            handle: Mutex::new(Some(spawn(fut))),
        })
    }
}

#[uniffi::export]
impl TaskHandle {
    /// Stops the task; its listener hears nothing more. Idempotent. Kotlin's garbage
    /// collector drops a handle late, so a screen that goes away cancels explicitly.
    pub fn cancel(&self) {
        if let Some(h) = self.handle.lock().unwrap_or_else(|p| p.into_inner()).take() {
            h.abort();
        }
    }

    /// True until the task ends or is cancelled.
    pub fn is_active(&self) -> bool {
        self.handle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .is_some_and(|h| !h.is_finished())
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn dropping_the_handle_stops_the_task() {
        let reached = Arc::new(AtomicBool::new(false));
        let r = reached.clone();
        let h = TaskHandle::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            r.store(true, Ordering::SeqCst);
        });
        assert!(h.is_active());
        drop(h);
        std::thread::sleep(Duration::from_millis(400));
        assert!(
            !reached.load(Ordering::SeqCst),
            "the task ran after its handle went"
        );

        let h = TaskHandle::spawn(async {});
        std::thread::sleep(Duration::from_millis(50));
        assert!(!h.is_active(), "a finished task is not active");
        h.cancel();
        h.cancel();
    }
}
