//! A push notification's data message (FCM/APNs) as a hint to sync.
//!
//! The message is a flat string map (decision 0005):
//! `{"bst": "1", "kind": "application_changed", "user": …,
//! "application_no": …, "status": …, "change_seq": "42"}`. It is only a
//! hint: what the app shows comes from the cursor sync it triggers, never
//! from the payload. Whatever arrives, the shell's push handler gets an
//! outcome, never an error: another SDK's message, a malformed one, one for
//! an account that is not signed in here are ignored with a reason.

use std::collections::HashMap;

use super::model::{PushIgnoredReason, PushOutcome};
use super::{Shared, store, sync};

/// The kind of message this module handles.
const KIND: &str = "application_changed";

/// What a payload asks, once checked.
struct Hint {
    user: String,
    application_no: String,
    change_seq: i64,
}

pub(crate) async fn handle(shared: &Shared, payload: &HashMap<String, String>) -> PushOutcome {
    let hint = match read(payload) {
        Ok(hint) => hint,
        Err(reason) => return PushOutcome::Ignored { reason },
    };
    let Some(signed_in) = shared.session.signed_in_user() else {
        return ignored(PushIgnoredReason::SignedOut);
    };
    if hint.user != signed_in || hint.user != shared.user_id {
        return ignored(PushIgnoredReason::OtherUser);
    }
    // Already known (the live stream was faster): nothing to fetch.
    let no = hint.application_no.clone();
    if let Ok(Some(stored)) = shared.db.call(move |c| store::change_seq(c, &no)).await
        && stored >= hint.change_seq
    {
        return PushOutcome::Synced {
            changed: Vec::new(),
            removed: 0,
        };
    }
    match sync::sync(shared).await {
        Ok(report) => PushOutcome::Synced {
            changed: report.changed,
            removed: report.removed.len() as u32,
        },
        Err(e) => PushOutcome::SyncFailed {
            message: e.to_string(),
        },
    }
}

fn ignored(reason: PushIgnoredReason) -> PushOutcome {
    PushOutcome::Ignored { reason }
}

/// Checks the payload's fields; which reason when it is not usable.
fn read(payload: &HashMap<String, String>) -> Result<Hint, PushIgnoredReason> {
    let field = |name: &str| {
        payload
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    if field("bst").is_none() || field("kind") != Some(KIND) {
        return Err(PushIgnoredReason::NotOurs);
    }
    if field("bst") != Some("1") {
        // Ours, but a version of the message this app does not read.
        return Err(PushIgnoredReason::Malformed);
    }
    let user = field("user").ok_or(PushIgnoredReason::Malformed)?;
    let application_no = field("application_no").ok_or(PushIgnoredReason::Malformed)?;
    let change_seq = field("change_seq")
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|s| *s > 0)
        .ok_or(PushIgnoredReason::Malformed)?;
    Ok(Hint {
        user: user.to_owned(),
        application_no: application_no.to_owned(),
        change_seq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn reasons_for_unusable_payloads() {
        let good = [
            ("bst", "1"),
            ("kind", "application_changed"),
            ("user", "u1"),
            ("application_no", "530000-1"),
            ("status", "accepted"),
            ("change_seq", "42"),
        ];
        let hint = read(&payload(&good)).ok().unwrap();
        assert_eq!((hint.user.as_str(), hint.change_seq), ("u1", 42));
        assert!(matches!(
            read(&payload(&[("google.message_id", "x")])),
            Err(PushIgnoredReason::NotOurs)
        ));
        assert!(matches!(
            read(&payload(&[("bst", "1"), ("kind", "marketing")])),
            Err(PushIgnoredReason::NotOurs)
        ));
        for broken in [("change_seq", "forty"), ("user", " "), ("bst", "2")] {
            let mut p = payload(&good);
            p.insert(broken.0.to_owned(), broken.1.to_owned());
            assert!(
                matches!(read(&p), Err(PushIgnoredReason::Malformed)),
                "{broken:?}"
            );
        }
    }
}
