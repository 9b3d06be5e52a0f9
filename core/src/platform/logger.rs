//! Forwards the core's tracing records to a host logger (Logcat, os_log, a
//! test's collector). The filter stays in Rust so that noisy dependency
//! crates are silenced before anything crosses into the host.

use std::fmt::Write as _;
use std::sync::Arc;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

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

/// Installs `logger` as the process-wide log sink with an EnvFilter-style
/// `filter` (e.g. "banshitong_core=debug,info"). Only the first call in a
/// process takes effect; later ones return an error saying so.
pub fn forward_logs_to(logger: Arc<dyn Logger>, filter: &str) -> Result<()> {
    let filter = EnvFilter::try_new(filter)
        .map_err(|e| Error::invalid_input(format!("log filter '{filter}': {e}")))?;
    tracing_subscriber::registry()
        .with(ForwardingLayer { logger })
        .with(filter)
        .try_init()
        .map_err(|_| Error::invalid_input("a log sink is already installed in this process"))
}

struct ForwardingLayer {
    logger: Arc<dyn Logger>,
}

impl<S: Subscriber> Layer<S> for ForwardingLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut text = MessageText::default();
        event.record(&mut text);
        let metadata = event.metadata();
        self.logger.log(LogRecord {
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
