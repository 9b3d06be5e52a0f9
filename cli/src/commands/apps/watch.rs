//! `bst apps watch`: the app's "in the foreground" state on a terminal.
//! The core syncs, then keeps a live connection (Server-Sent Events,
//! reconnecting with back-off and a cursor sync after each reconnect);
//! this prints the connection's state as it changes, the list once, each
//! application that changes after that, and each notice that needs the
//! user (what the app would raise as a local notification), until Ctrl-C.
//!
//! With `--json` every line is one JSON object (`{"live": …}`,
//! `{"application": …}`, `{"removed": "NO"}`, `{"event": …}`), so a script
//! can follow it line by line.

use std::collections::HashMap;
use std::io::Write;

use anyhow::bail;
use banshitong_core::applications::{
    ApplicationEvent, ApplicationFilter, ApplicationSummary, Applications, LiveState,
};
use serde_json::json;

use super::render::{change_text, event_text, live_text, table};
use crate::commands::{Interrupted, Session};
use crate::output::{Style, china_time, now_ms};

pub async fn run(
    session: &Session,
    applications: &Applications,
    filter: ApplicationFilter,
) -> anyhow::Result<()> {
    let style = Style::for_stdout();
    let mut live = applications.watch_live();
    let mut list = applications.watch_list(filter);
    let mut events = applications.events();
    applications.set_foreground(true);
    if !session.json {
        println!("watching your applications live (Ctrl-C stops)");
    }
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    // None until the first list is printed: the list as it was then shown.
    let mut shown: Option<HashMap<String, ApplicationSummary>> = None;
    let mut asked_live = false;
    // Each subscription below is safe to cancel: one `select!` branch
    // losing a race never drops a change (the next call delivers it).
    let interrupted = loop {
        tokio::select! {
            biased;
            _ = &mut ctrl_c => break true,
            state = live.next() => match state {
                // Off is where a watch starts, before the connection is asked for.
                Some(LiveState::Off) if !asked_live => asked_live = true,
                Some(state) => {
                    asked_live = true;
                    print_live(session, &state);
                }
                None => break false,
            },
            current = list.next() => match current {
                Some(current) => print_list(session, style, &mut shown, current),
                None => break false,
            },
            event = events.next() => match event {
                Some(event) => print_event(session, &event),
                None => break false,
            },
        }
        // Lines reach a pipe as they happen, not when a buffer fills.
        let _ = std::io::stdout().flush();
    };
    applications.set_foreground(false);
    if !interrupted {
        bail!("the applications on this device can no longer be read; nothing more to watch");
    }
    if !session.json {
        eprintln!("\nstopped watching; `bst apps` shows the list as this device holds it");
    }
    Err(Interrupted.into())
}

fn stamp() -> String {
    // `2026-11-27 10:00 (UTC+8)` → `10:00`: the day is the watcher's own.
    china_time(now_ms())
        .get(11..16)
        .unwrap_or_default()
        .to_owned()
}

fn print_live(session: &Session, state: &LiveState) {
    if session.json {
        println!("{}", json!({ "live": state }));
    } else {
        println!("{}  live connection: {}", stamp(), live_text(state));
    }
}

fn print_list(
    session: &Session,
    style: Style,
    shown: &mut Option<HashMap<String, ApplicationSummary>>,
    current: Vec<ApplicationSummary>,
) {
    let by_no: HashMap<String, ApplicationSummary> = current
        .iter()
        .map(|a| (a.application_no.clone(), a.clone()))
        .collect();
    let Some(before) = shown.as_ref() else {
        if session.json {
            for app in &current {
                println!("{}", json!({ "application": app }));
            }
        } else if current.is_empty() {
            println!("no applications yet; changes appear here as they happen");
        } else {
            for line in table(style, &current) {
                println!("{line}");
            }
        }
        *shown = Some(by_no);
        return;
    };
    // Oldest change first, as they happened.
    let mut changed: Vec<&ApplicationSummary> = current
        .iter()
        .filter(|a| before.get(&a.application_no) != Some(*a))
        .collect();
    changed.sort_by_key(|a| (a.updated_at_ms, a.change_seq));
    for app in changed {
        if session.json {
            println!("{}", json!({ "application": app }));
        } else {
            let previous = before.get(&app.application_no);
            println!("{}  {}", stamp(), change_text(previous, app));
        }
    }
    let mut removed: Vec<&String> = before
        .keys()
        .filter(|no| !by_no.contains_key(*no))
        .collect();
    removed.sort();
    for no in removed {
        if session.json {
            println!("{}", json!({ "removed": no }));
        } else {
            println!("{}  {no}  no longer in this list", stamp());
        }
    }
    *shown = Some(by_no);
}

fn print_event(session: &Session, event: &ApplicationEvent) {
    if session.json {
        println!("{}", json!({ "event": event }));
    } else if let Some(text) = event_text(event) {
        println!("{}  ▶ {text}", stamp());
    }
}
