//! A parser of the `text/event-stream` format (the HTML Living Standard's
//! "server-sent events" section): bytes in, events out.
//!
//! Written here rather than taken from a crate because it is small and the
//! live connection needs exactly its rules: lines end in LF, CRLF or CR
//! (also split across reads), `data` lines join with LF, a line starting
//! with `:` is a comment (the heartbeat), an event is dispatched on a blank
//! line, and `id` persists as the last event id.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// `message` when the stream named none.
    pub(crate) event: String,
    pub(crate) data: String,
    /// The last event id as of this event (ids persist across events).
    pub(crate) id: Option<String>,
}

/// Incremental parser; feed it whatever the connection delivers.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    /// Bytes of an unfinished line.
    line: Vec<u8>,
    /// The previous chunk ended in CR: a LF starting the next one belongs to it.
    after_cr: bool,
    event: Option<String>,
    data: Option<String>,
    last_id: Option<String>,
}

impl SseParser {
    /// Parses `bytes` and returns the events they completed.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        for &byte in bytes {
            if self.after_cr {
                self.after_cr = false;
                if byte == b'\n' {
                    continue;
                }
            }
            match byte {
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_ended(&String::from_utf8_lossy(&line)) {
                        events.push(event);
                    }
                }
                _ => self.line.push(byte),
            }
        }
        events
    }

    fn line_ended(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            // An id with NUL is ignored, as the standard says.
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        let data = self.data.take()?;
        Some(SseEvent {
            event: event
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| "message".to_owned()),
            data,
            id: self.last_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_and_any_line_ending() {
        let stream = b": heartbeat\r\nevent: ready\r\ndata: {\"change_seq\": 3}\r\n\r\nid: 4\revent: application\rdata: a\rdata: b\r\rdata: plain\n\n";
        for split in 0..stream.len() {
            let mut parser = SseParser::default();
            let mut events = parser.feed(&stream[..split]);
            events.extend(parser.feed(&stream[split..]));
            assert_eq!(
                events,
                vec![
                    SseEvent {
                        event: "ready".into(),
                        data: "{\"change_seq\": 3}".into(),
                        id: None
                    },
                    SseEvent {
                        event: "application".into(),
                        data: "a\nb".into(),
                        id: Some("4".into())
                    },
                    SseEvent {
                        event: "message".into(),
                        data: "plain".into(),
                        id: Some("4".into())
                    },
                ],
                "split at {split}"
            );
        }
    }

    #[test]
    fn comments_and_empty_events_dispatch_nothing() {
        let mut parser = SseParser::default();
        assert!(
            parser
                .feed(b": heartbeat\n\n:x\n\nevent: nothing\n\n")
                .is_empty()
        );
    }
}
