//! The application object as the platform sends it (decision 0005), and
//! its decoding into what the app sees.
//!
//! The store keeps the object's JSON text as received; every read decodes
//! it here, so the "overdue" flags are computed against the clock of the
//! moment of reading (right offline too, and right as time passes).

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::model::{
    Application, ApplicationStatus, Deadlines, Decision, DecisionOutcome, Delivery, Fee, FeeItem,
    NeededAction, RequestedMaterial, SupplementRequest, TimelineEntry, TimelineKind,
};
use crate::error::{Error, Result};

/// The platform's application object; fields the app does not show
/// (`values`, `materials` of the detail answer) are kept in the stored
/// JSON but not decoded.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireApplication {
    pub(crate) application_no: String,
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) guide_code: String,
    #[serde(default)]
    pub(crate) guide_name: String,
    #[serde(default)]
    pub(crate) department_name: String,
    pub(crate) submitted_at: String,
    #[serde(default)]
    pub(crate) updated_at: Option<String>,
    pub(crate) change_seq: i64,
    #[serde(default)]
    deadlines: Option<WireDeadlines>,
    #[serde(default)]
    supplement: Option<WireSupplement>,
    #[serde(default)]
    decision: Option<WireDecision>,
    #[serde(default)]
    fee: Option<WireFee>,
    #[serde(default)]
    delivery: Option<WireDelivery>,
    #[serde(default)]
    pub(crate) needs_action: Option<String>,
    #[serde(default)]
    can_withdraw: bool,
    #[serde(default)]
    timeline: Vec<WireTimelineEntry>,
}

#[derive(Debug, Clone, Deserialize)]
struct WireDeadlines {
    promised_due_at: String,
    legal_due_at: String,
}

#[derive(Debug, Clone, Deserialize)]
struct WireSupplement {
    request_seq: i64,
    requested_at: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    materials: Vec<WireRequestedMaterial>,
}

#[derive(Debug, Clone, Deserialize)]
struct WireRequestedMaterial {
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct WireDecision {
    outcome: String,
    #[serde(default)]
    reasons: Vec<String>,
    decided_at: String,
}

#[derive(Debug, Clone, Deserialize)]
struct WireFee {
    amount_fen: i64,
    #[serde(default)]
    items: Vec<WireFeeItem>,
    #[serde(default)]
    paid_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct WireFeeItem {
    name: String,
    amount_fen: i64,
}

#[derive(Debug, Clone, Deserialize)]
struct WireDelivery {
    method: String,
    #[serde(default)]
    carrier: Option<String>,
    #[serde(default)]
    tracking_no: Option<String>,
    #[serde(default)]
    licence_id: Option<String>,
    #[serde(default)]
    licence_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct WireTimelineEntry {
    seq: i64,
    kind: String,
    at: String,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    details: Option<serde_json::Value>,
}

/// One object received: the decoded form and the JSON text to store.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) wire: WireApplication,
    pub(crate) json: String,
}

impl Received {
    /// Decodes one object of a feed page or an event; checks that it can be
    /// shown, so nothing unreadable reaches the store.
    pub(crate) fn from_value(value: serde_json::Value) -> Result<Self> {
        let json = value.to_string();
        let wire: WireApplication = serde_json::from_value(value)
            .map_err(|e| Error::protocol(format!("application object: {e}")))?;
        wire.to_application(0)?;
        Ok(Self { wire, json })
    }

    pub(crate) fn from_text(text: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::protocol(format!("application object: {e}")))?;
        Self::from_value(value)
    }
}

/// Decodes a stored object's JSON as the app sees it at `now_ms`.
pub(crate) fn decode(json: &str, now_ms: i64) -> Result<Application> {
    let wire: WireApplication = serde_json::from_str(json)
        .map_err(|e| Error::storage(format!("a stored application does not parse: {e}")))?;
    wire.to_application(now_ms)
}

impl WireApplication {
    pub(crate) fn status(&self) -> Result<ApplicationStatus> {
        ApplicationStatus::from_name(&self.status)
            .ok_or_else(|| Error::protocol(format!("unknown application status {}", self.status)))
    }

    pub(crate) fn needs(&self) -> Option<NeededAction> {
        match self.needs_action.as_deref() {
            Some("supplement") => Some(NeededAction::Supplement),
            Some("fee") => Some(NeededAction::Fee),
            _ => None,
        }
    }

    pub(crate) fn promised_due_at_ms(&self) -> Result<Option<i64>> {
        self.deadlines
            .as_ref()
            .map(|d| ms("promised_due_at", &d.promised_due_at))
            .transpose()
    }

    pub(crate) fn to_application(&self, now_ms: i64) -> Result<Application> {
        let status = self.status()?;
        let deadlines = self
            .deadlines
            .as_ref()
            .map(|d| {
                Ok::<_, Error>(Deadlines {
                    promised_due_at_ms: ms("promised_due_at", &d.promised_due_at)?,
                    legal_due_at_ms: ms("legal_due_at", &d.legal_due_at)?,
                })
            })
            .transpose()?;
        let timeline = self
            .timeline
            .iter()
            .map(|t| {
                Ok(TimelineEntry {
                    seq: t.seq,
                    kind: TimelineKind::from_name(&t.kind),
                    kind_name: t.kind.clone(),
                    at_ms: ms("timeline at", &t.at)?,
                    department: t.department.clone(),
                    comment: t.comment.clone(),
                    details_json: t
                        .details
                        .clone()
                        .unwrap_or_else(|| serde_json::json!({}))
                        .to_string(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let submitted_at_ms = ms("submitted_at", &self.submitted_at)?;
        let updated_at_ms = match &self.updated_at {
            Some(text) => ms("updated_at", text)?,
            None => submitted_at_ms,
        };
        let promised = deadlines.map(|d| d.promised_due_at_ms);
        let completed_at = timeline
            .iter()
            .rev()
            .find(|t| t.kind == TimelineKind::Completed)
            .map(|t| t.at_ms);
        Ok(Application {
            application_no: self.application_no.clone(),
            guide_code: self.guide_code.clone(),
            guide_name: self.guide_name.clone(),
            department_name: self.department_name.clone(),
            status,
            needs_action: self.needs(),
            submitted_at_ms,
            updated_at_ms,
            promised_due_at_ms: promised,
            overdue: is_overdue(status, promised, now_ms),
            completed_late: matches!((completed_at, promised), (Some(done), Some(due)) if done > due),
            change_seq: self.change_seq,
            timeline,
            deadlines,
            supplement: self.supplement.as_ref().map(supplement).transpose()?,
            decision: self.decision.as_ref().map(decision).transpose()?,
            fee: self.fee.as_ref().map(fee).transpose()?,
            delivery: self.delivery.as_ref().map(delivery).transpose()?,
            can_withdraw: self.can_withdraw,
        })
    }
}

/// Overdue (超期): the office has not decided and the promised time has
/// passed. While a supplement is requested the time limit is suspended
/// (补正期间不计入办理时限) and the platform moves the due date on when the
/// answer comes, so a `supplement_required` application is never overdue.
pub(crate) fn is_overdue(status: ApplicationStatus, promised: Option<i64>, now_ms: i64) -> bool {
    !status.is_decided_or_later()
        && status != ApplicationStatus::SupplementRequired
        && promised.is_some_and(|due| now_ms > due)
}

fn supplement(s: &WireSupplement) -> Result<SupplementRequest> {
    Ok(SupplementRequest {
        request_seq: s.request_seq,
        requested_at_ms: ms("requested_at", &s.requested_at)?,
        comment: s.comment.clone(),
        materials: s
            .materials
            .iter()
            .map(|m| RequestedMaterial {
                key: m.key.clone(),
                name: m.name.clone(),
                reason: m.reason.clone(),
            })
            .collect(),
    })
}

fn decision(d: &WireDecision) -> Result<Decision> {
    let outcome = match d.outcome.as_str() {
        "approved" => DecisionOutcome::Approved,
        "refused" => DecisionOutcome::Refused,
        other => return Err(Error::protocol(format!("unknown decision {other}"))),
    };
    Ok(Decision {
        outcome,
        reasons: d.reasons.clone(),
        decided_at_ms: ms("decided_at", &d.decided_at)?,
    })
}

fn fee(f: &WireFee) -> Result<Fee> {
    Ok(Fee {
        amount_fen: f.amount_fen,
        items: f
            .items
            .iter()
            .map(|i| FeeItem {
                name: i.name.clone(),
                amount_fen: i.amount_fen,
            })
            .collect(),
        paid_at_ms: f.paid_at.as_deref().map(|t| ms("paid_at", t)).transpose()?,
    })
}

fn delivery(d: &WireDelivery) -> Result<Delivery> {
    match d.method.as_str() {
        "courier" => Ok(Delivery::Courier {
            carrier: d.carrier.clone(),
            tracking_no: d.tracking_no.clone().unwrap_or_default(),
        }),
        "licence" => Ok(Delivery::Licence {
            licence_id: d.licence_id.clone().unwrap_or_default(),
            licence_type: d.licence_type.clone(),
        }),
        other => Err(Error::protocol(format!("unknown delivery method {other}"))),
    }
}

/// RFC 3339 text as milliseconds since the epoch.
pub(crate) fn ms(field: &str, text: &str) -> Result<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| Error::protocol(format!("{field} is not an RFC 3339 time")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(status: &str) -> serde_json::Value {
        serde_json::json!({
            "application_no": "530000-20261127-000123",
            "status": status,
            "guide_code": "GA001",
            "guide_name": "居民身份证换领",
            "department_name": "五华分局",
            "submitted_at": "2026-11-27T10:00:00Z",
            "updated_at": "2026-11-27T11:00:00Z",
            "change_seq": 42,
            "deadlines": {"promised_due_at": "2026-12-04T23:59:59+08:00",
                          "legal_due_at": "2026-12-18T23:59:59+08:00"},
            "needs_action": null,
            "can_withdraw": true,
            "timeline": [{"seq": 1, "kind": "submitted", "at": "2026-11-27T10:00:00Z",
                          "department": "五华分局", "comment": null, "details": {}}]
        })
    }

    #[test]
    fn overdue_only_before_a_decision_and_outside_supplement() {
        let received = Received::from_value(object("under_review")).unwrap();
        let due = received.wire.promised_due_at_ms().unwrap().unwrap();
        assert!(!decode(&received.json, due).unwrap().overdue);
        assert!(decode(&received.json, due + 1).unwrap().overdue);
        for status in ["decided", "supplement_required", "completed"] {
            let received = Received::from_value(object(status)).unwrap();
            assert!(
                !decode(&received.json, due + 1).unwrap().overdue,
                "{status}"
            );
        }
    }

    #[test]
    fn unknown_status_is_refused_before_the_store() {
        assert!(Received::from_value(object("lost")).is_err());
        assert!(Received::from_text("{").is_err());
    }

    #[test]
    fn unknown_timeline_kind_is_kept_by_name() {
        let mut value = object("accepted");
        value["timeline"][0]["kind"] = "escalated".into();
        let app = Received::from_value(value)
            .unwrap()
            .wire
            .to_application(0)
            .unwrap();
        assert_eq!(app.timeline[0].kind, TimelineKind::Other);
        assert_eq!(app.timeline[0].kind_name, "escalated");
    }
}
