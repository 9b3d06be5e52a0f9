//! The one tokio runtime, owned by the bindings, and the panic guard.
//!
//! Every async export runs its work as a task on this runtime and awaits the
//! task's handle. The foreign side's executor (Kotlin coroutines, Swift
//! tasks) only polls that handle, and a panic inside the task comes back as
//! a JoinError we turn into `ErrorKind::Internal` — it never unwinds into
//! foreign frames.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use tokio::runtime::Runtime;

use crate::error::{BstError, ErrorKind};

pub(crate) static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    report_panics_through_the_logger();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("banshitong-core")
        .enable_all()
        .build()
        .expect("the tokio runtime must start; nothing can work without it")
});

/// A phone has no terminal: a panic's message goes to the app's logger (via
/// tracing) instead of stderr, then becomes an error as usual.
fn report_panics_through_the_logger() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, "panic in the core: {}", panic_text(info.payload()));
    }));
}

/// Runs `work` on the core's runtime; a panic becomes an error.
pub(crate) async fn run<T, F>(work: F) -> Result<T, BstError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, BstError>> + Send + 'static,
{
    match RUNTIME.spawn(work).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(panic_error(e.into_panic())),
        Err(_) => Err(BstError::new(
            ErrorKind::Internal,
            "the operation was cancelled",
        )),
    }
}

/// Runs synchronous `work`; a panic becomes an error.
pub(crate) fn guard<T>(work: impl FnOnce() -> Result<T, BstError>) -> Result<T, BstError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| Err(panic_error(payload)))
}

fn panic_error(payload: Box<dyn Any + Send>) -> BstError {
    BstError::new(
        ErrorKind::Internal,
        format!(
            "internal error in the core: {}",
            panic_text(payload.as_ref())
        ),
    )
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
