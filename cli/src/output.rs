//! Printing results: JSON for scripts, text for people, spinners and
//! progress bars for waits, highlighted search matches.

use std::future::Future;
use std::io::IsTerminal;
use std::time::Duration;

use banshitong_core::catalog::TextSpan;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Shows a spinner on stderr while `work` runs (only on a terminal: piped
/// output stays clean).
pub async fn with_spinner<T>(message: &str, work: impl Future<Output = T>) -> T {
    let spinner = spinner(message);
    let result = work.await;
    spinner.finish_and_clear();
    result
}

/// A spinner on stderr with a message and the time so far (drawn only on
/// a terminal); `finish_and_clear` it when the wait is over.
pub fn spinner(message: &str) -> ProgressBar {
    let spinner = ProgressBar::new_spinner().with_message(message.to_owned());
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner
}

/// How text goes to standard output: styled for a terminal, plain (with
/// visible markers) for pipes and files. `NO_COLOR` turns styling off too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Terminal,
    Plain,
}

impl Style {
    pub fn for_stdout() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if std::io::stdout().is_terminal() && !no_color {
            Style::Terminal
        } else {
            Style::Plain
        }
    }

    /// Search spans: matches in bold red on a terminal, 【in brackets】 otherwise.
    pub fn spans(self, spans: &[TextSpan]) -> String {
        let mut out = String::new();
        for span in spans {
            match (span.highlighted, self) {
                (false, _) => out.push_str(&span.text),
                (true, Style::Terminal) => {
                    out.push_str("\x1b[1;31m");
                    out.push_str(&span.text);
                    out.push_str("\x1b[0m");
                }
                (true, Style::Plain) => {
                    out.push('【');
                    out.push_str(&span.text);
                    out.push('】');
                }
            }
        }
        out
    }

    /// A heading: bold on a terminal.
    pub fn bold(self, text: &str) -> String {
        match self {
            Style::Terminal => format!("\x1b[1m{text}\x1b[0m"),
            Style::Plain => text.to_owned(),
        }
    }

    /// Secondary text: dimmed on a terminal.
    pub fn dim(self, text: &str) -> String {
        match self {
            Style::Terminal => format!("\x1b[2m{text}\x1b[0m"),
            Style::Plain => text.to_owned(),
        }
    }
}

/// `35 ms` under a second, `2.4 s` above.
pub fn duration(elapsed: Duration) -> String {
    if elapsed < Duration::from_secs(1) {
        format!("{} ms", elapsed.as_millis())
    } else {
        format!("{:.1} s", elapsed.as_secs_f64())
    }
}

/// China Standard Time (UTC+8): the platform's and its users' clock.
const CHINA_OFFSET_MS: i64 = 8 * 3600 * 1000;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The calendar date of a day count since 1970-01-01 (proleptic
/// Gregorian; H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `2025-03-01 14:05 (UTC+8)` for a time in ms since the Unix epoch.
pub fn china_time(ms: i64) -> String {
    let local = ms.saturating_add(CHINA_OFFSET_MS);
    let (year, month, day) = civil_from_days(local.div_euclid(86_400_000));
    let minutes = local.rem_euclid(86_400_000) / 60_000;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} (UTC+8)",
        minutes / 60,
        minutes % 60
    )
}

/// `just now`, `5 minutes ago`, `3 days ago`.
pub fn ago(ms: i64) -> String {
    let seconds = (now_ms() - ms).max(0) / 1000;
    let (count, unit) = match seconds {
        0..60 => return "just now".into(),
        60..3600 => (seconds / 60, "minute"),
        3600..86_400 => (seconds / 3600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{count} {unit}{} ago", if count == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, highlighted: bool) -> TextSpan {
        TextSpan {
            text: text.into(),
            highlighted,
        }
    }

    #[test]
    fn plain_output_marks_matches_with_brackets() {
        let spans = [span("办理", false), span("社保", true), span("卡", false)];
        assert_eq!(Style::Plain.spans(&spans), "办理【社保】卡");
        assert_eq!(Style::Terminal.spans(&spans), "办理\x1b[1;31m社保\x1b[0m卡");
    }

    #[test]
    fn times_are_shown_in_china_standard_time() {
        // 2024-01-01T00:00:00Z is 08:00 in Kunming.
        assert_eq!(china_time(1_704_067_200_000), "2024-01-01 08:00 (UTC+8)");
        // 2024-02-29T16:30:00Z is already 1 March in Kunming.
        assert_eq!(china_time(1_709_224_200_000), "2024-03-01 00:30 (UTC+8)");
        assert_eq!(china_time(0), "1970-01-01 08:00 (UTC+8)");
    }
}
