//! Forwards the core's tracing records to a host logger (Logcat, os_log, a
//! test's collector). The filter stays in Rust so that noisy dependency
//! crates are silenced before anything crosses into the host.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Registry, reload};

use crate::error::{Error, Result};

#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone)]
pub struct LogRecord {
    pub level: LogLevel,
    /// The Rust module that logged, e.g. `banshitong_core::http::client`.
    pub target: String,
    /// The message followed by its fields as `key=value`.
    pub message: String,
}

pub trait Logger: Send + Sync {
    fn log(&self, record: LogRecord);
}

/// Sends the core's log records at or above `filter` (EnvFilter syntax,
/// e.g. "banshitong_core=debug,info") to `logger`. May be called again: the
/// newest logger and filter replace the old ones, so an app can turn on
/// debug logging at run time. Fails only if something other than this
/// function already installed a global tracing subscriber.
pub fn forward_logs_to(logger: Arc<dyn Logger>, filter: &str) -> Result<()> {
    let filter = EnvFilter::try_new(filter)
        .map_err(|e| Error::invalid_input(format!("log filter '{filter}': {e}")))?;
    let mut installed = FILTER_HANDLE.lock().unwrap_or_else(|p| p.into_inner());
    *SINK.write().unwrap_or_else(|p| p.into_inner()) = Some(logger);
    match installed.as_ref() {
        Some(handle) => handle
            .reload(filter)
            .map_err(|e| Error::invalid_input(format!("log filter could not be changed: {e}"))),
        None => {
            let (filter_layer, handle) = reload::Layer::new(filter);
            tracing_subscriber::registry()
                .with(filter_layer)
                .with(ForwardingLayer)
                .try_init()
                .map_err(|_| {
                    Error::invalid_input(
                        "another log subscriber is already installed in this process",
                    )
                })?;
            *installed = Some(handle);
            Ok(())
        }
    }
}

/// The host's logger; swapped by each `forward_logs_to` call.
static SINK: RwLock<Option<Arc<dyn Logger>>> = RwLock::new(None);
/// Set once the forwarding subscriber is installed; lets later calls change the filter.
static FILTER_HANDLE: Mutex<Option<reload::Handle<EnvFilter, Registry>>> = Mutex::new(None);

struct ForwardingLayer;

impl<S: Subscriber> Layer<S> for ForwardingLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let Some(logger) = SINK.read().unwrap_or_else(|p| p.into_inner()).clone() else {
            return;
        };
        let mut text = MessageText::default();
        event.record(&mut text);
        let metadata = event.metadata();
        logger.log(LogRecord {
            level: level_of(metadata.level()),
            target: metadata.target().to_owned(),
            message: text.finish(),
        });
    }
}

fn level_of(level: &Level) -> LogLevel {
    match *level {
        Level::ERROR => LogLevel::Error,
        Level::WARN => LogLevel::Warn,
        Level::INFO => LogLevel::Info,
        Level::DEBUG => LogLevel::Debug,
        Level::TRACE => LogLevel::Trace,
    }
}

#[derive(Default)]
struct MessageText {
    message: String,
    fields: String,
}

impl MessageText {
    fn finish(self) -> String {
        if self.fields.is_empty() {
            self.message
        } else {
            format!("{}{}", self.message, self.fields)
        }
    }
}

impl Visit for MessageText {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}
