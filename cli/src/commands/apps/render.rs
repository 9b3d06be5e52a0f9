//! Applications as text: the status in Chinese (with the wire name for
//! people who script against `--json`), the list as a table whose columns
//! line up with Chinese text in them, the detail with its timeline, and one
//! line per change or event for `bst apps watch` and the demo.

use banshitong_core::applications::{
    Application, ApplicationEvent, ApplicationStatus, ApplicationSummary, DecisionOutcome,
    Delivery, Fee, LiveState, NeededAction, TimelineEntry, TimelineKind,
};
use serde_json::Value;

use crate::output::{Style, china_time, now_ms};

/// 已提交, 待补正, …: what the platform's citizens read.
pub fn status_word(status: ApplicationStatus) -> &'static str {
    match status {
        ApplicationStatus::Submitted => "已提交",
        ApplicationStatus::Accepted => "已受理",
        ApplicationStatus::NotAccepted => "不予受理",
        ApplicationStatus::SupplementRequired => "待补正",
        ApplicationStatus::UnderReview => "审查中",
        ApplicationStatus::Decided => "已决定",
        ApplicationStatus::Completed => "已办结",
        ApplicationStatus::Withdrawn => "已撤回",
        ApplicationStatus::Delivered => "已送达",
    }
}

/// `待补正 (supplement_required)`.
pub fn status_text(status: ApplicationStatus) -> String {
    format!("{} ({})", status_word(status), status.as_str())
}

/// What the platform waits for the applicant to do, in a few words.
pub fn needed_word(needed: NeededAction) -> &'static str {
    match needed {
        NeededAction::Supplement => "补正材料 (supplement)",
        NeededAction::Fee => "缴费 (fee)",
    }
}

/// 受理, 补正通知, 准予许可, …: what a timeline entry records.
pub fn timeline_word(entry: &TimelineEntry) -> String {
    let word = match entry.kind {
        TimelineKind::Submitted => "提交申请",
        TimelineKind::Accepted => "受理",
        TimelineKind::NotAccepted => "不予受理",
        TimelineKind::SupplementRequested => "补正通知",
        TimelineKind::SupplementAnswered => "补正材料已提交",
        TimelineKind::ReviewStarted => "开始审查",
        TimelineKind::Approved => "准予许可",
        TimelineKind::Refused => "不予许可",
        TimelineKind::FeePaid => "已缴费",
        TimelineKind::Completed => "办结",
        TimelineKind::Delivered => "送达",
        TimelineKind::Withdrawn => "撤回",
        // A kind this version does not know: the platform's own name.
        TimelineKind::Other => return entry.kind_name.clone(),
    };
    word.to_owned()
}

/// `12.00 元`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}{}.{:02} 元", fen / 100, fen % 100)
}

/// The day only, `2026-12-10`, in China Standard Time.
fn china_date(ms: i64) -> String {
    china_time(ms).chars().take(10).collect()
}

/// The list's deadline column: `by 2026-12-10`, `OVERDUE since 2026-12-10`
/// or `-` when no time limit runs (not accepted yet, or decided).
pub fn due_text(summary: &ApplicationSummary) -> String {
    let decided = summary.status.is_final() || summary.status == ApplicationStatus::Decided;
    match summary.promised_due_at_ms {
        // Decided: the time limit is met or missed for good (`bst app` says which).
        _ if decided => "-".into(),
        Some(due) if summary.overdue => format!("OVERDUE since {}", china_date(due)),
        Some(due) => format!("by {}", china_date(due)),
        None => "-".into(),
    }
}

/// Columns as wide as a terminal shows them: a Chinese character takes
/// two cells, so padding by `chars().count()` would shift every column
/// after one.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(fill))
}

/// The list as a table: number, item, status, deadline, what is needed.
pub fn table(style: Style, list: &[ApplicationSummary]) -> Vec<String> {
    let header = [
        "办件编号 number",
        "事项 item",
        "状态 status",
        "时限 due",
        "待办 needs you",
    ];
    let rows: Vec<[String; 5]> = list
        .iter()
        .map(|a| {
            [
                a.application_no.clone(),
                a.guide_name.clone(),
                status_word(a.status).to_owned(),
                due_text(a),
                a.needs_action.map(needed_word).unwrap_or("").to_owned(),
            ]
        })
        .collect();
    let mut widths = header.map(display_width);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let line = |cells: [&str; 5]| {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&pad(cell, width));
                out.push_str("  ");
            }
        }
        out.trim_end().to_owned()
    };
    let mut lines = vec![style.bold(&line(header))];
    for row in &rows {
        lines.push(line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    lines
}

/// One application in full: head, deadlines, decision, fee, delivery, the
/// open supplement request with how to answer it, and the timeline.
pub fn detail(style: Style, app: &Application) -> Vec<String> {
    let mut lines = vec![
        format!("办件编号 {}", style.bold(&app.application_no)),
        format!(
            "  {} ({}) · {}",
            app.guide_name, app.guide_code, app.department_name
        ),
        format!("  status: {}", status_text(app.status)),
    ];
    if let Some(needed) = app.needs_action {
        lines.push(format!("  needs you: {}", needed_word(needed)));
    }
    lines.push(format!(
        "  submitted {} · last change {}",
        china_time(app.submitted_at_ms),
        china_time(app.updated_at_ms)
    ));
    lines.extend(deadline_lines(app));
    if let Some(decision) = &app.decision {
        let outcome = match decision.outcome {
            DecisionOutcome::Approved => "准予许可 (approved)",
            DecisionOutcome::Refused => "不予许可 (refused)",
        };
        lines.push(format!(
            "  decision: {outcome} on {}",
            china_time(decision.decided_at_ms)
        ));
        for reason in &decision.reasons {
            lines.push(format!("    reason: {reason}"));
        }
    }
    if let Some(fee) = &app.fee {
        lines.push(format!("  fee: {}", fee_text(fee)));
    }
    if let Some(delivery) = &app.delivery {
        lines.push(format!("  delivery: {}", delivery_text(delivery)));
    }
    if let Some(request) = &app.supplement {
        lines.push(String::new());
        lines.push(style.bold(&format!(
            "Supplement request (补正通知) no. {}, {}",
            request.request_seq,
            china_time(request.requested_at_ms)
        )));
        if let Some(comment) = request.comment.as_deref().filter(|c| !c.is_empty()) {
            lines.push(format!("  {comment}"));
        }
        for (i, material) in request.materials.iter().enumerate() {
            let reason = material
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            lines.push(format!(
                "  {}. {} ({}){reason}",
                i + 1,
                material.name,
                material.key
            ));
        }
        let files: Vec<String> = (1..=request.materials.len())
            .map(|i| format!("FILE{i}"))
            .collect();
        lines.push(format!(
            "  answer: bst app {} supplement {}   (one file per material, in this order)",
            app.application_no,
            files.join(" ")
        ));
    }
    lines.push(String::new());
    lines.push(style.bold("Timeline (办理过程)"));
    for entry in &app.timeline {
        lines.push(timeline_line(style, entry));
    }
    if app.can_withdraw {
        lines.push(String::new());
        lines.push(format!(
            "withdraw it (撤回) with `bst app {} withdraw [--reason TEXT]`",
            app.application_no
        ));
    }
    lines
}

fn deadline_lines(app: &Application) -> Vec<String> {
    let Some(deadlines) = &app.deadlines else {
        return Vec::new();
    };
    let mark = if app.overdue {
        " · OVERDUE (超期)"
    } else if app.completed_late {
        " · completed late (超期办结)"
    } else {
        ""
    };
    let left = deadlines.promised_due_at_ms - now_ms();
    let left = if left > 0 && !app.overdue && app.decision.is_none() {
        format!(" · {} day(s) left", left / 86_400_000)
    } else {
        String::new()
    };
    vec![format!(
        "  due by {} (promised, 承诺时限) · {} (legal, 法定时限){left}{mark}",
        china_time(deadlines.promised_due_at_ms),
        china_date(deadlines.legal_due_at_ms)
    )]
}

pub fn fee_text(fee: &Fee) -> String {
    let items: Vec<String> = fee
        .items
        .iter()
        .map(|i| format!("{} {}", i.name, yuan(i.amount_fen)))
        .collect();
    let paid = match fee.paid_at_ms {
        Some(at) => format!("paid {}", china_time(at)),
        None => "UNPAID".into(),
    };
    if items.is_empty() {
        format!("{} · {paid}", yuan(fee.amount_fen))
    } else {
        format!("{} ({}) · {paid}", yuan(fee.amount_fen), items.join(", "))
    }
}

pub fn delivery_text(delivery: &Delivery) -> String {
    match delivery {
        Delivery::Courier {
            carrier,
            tracking_no,
        } => format!(
            "by courier (快递), {} tracking no. {tracking_no}",
            carrier.as_deref().unwrap_or("carrier unknown")
        ),
        Delivery::Licence {
            licence_id,
            licence_type,
        } => format!(
            "electronic licence (电子证照) {}{licence_id} in your licences (`bst licences`)",
            licence_type
                .as_deref()
                .map(|t| format!("{t} "))
                .unwrap_or_default()
        ),
    }
}

/// `2026-11-27 10:00 (UTC+8)  受理  昆明市市场监督管理局  comment · details`.
fn timeline_line(style: Style, entry: &TimelineEntry) -> String {
    let mut line = format!(
        "  {}  {}",
        style.dim(&china_time(entry.at_ms)),
        timeline_word(entry)
    );
    if let Some(department) = entry.department.as_deref().filter(|d| !d.is_empty()) {
        line.push_str("  ");
        line.push_str(department);
    }
    if let Some(comment) = entry.comment.as_deref().filter(|c| !c.is_empty()) {
        line.push_str("  ");
        line.push_str(comment);
    }
    let details = details_text(&entry.details_json);
    if !details.is_empty() {
        line.push_str(" · ");
        line.push_str(&details);
    }
    line
}

/// The details a person cares about (materials asked for, reasons,
/// tracking number, licence), from the entry's JSON object.
fn details_text(details_json: &str) -> String {
    let Ok(Value::Object(details)) = serde_json::from_str::<Value>(details_json) else {
        return String::new();
    };
    let text_of = |key: &str| details.get(key).and_then(Value::as_str);
    let mut parts = Vec::new();
    if let Some(materials) = details.get("materials").and_then(Value::as_array) {
        let names: Vec<&str> = materials
            .iter()
            .filter_map(|m| m.get("name").or_else(|| m.get("slot_key")))
            .filter_map(Value::as_str)
            .collect();
        if !names.is_empty() {
            parts.push(format!("materials: {}", names.join("、")));
        }
    }
    if let Some(reasons) = details.get("reasons").and_then(Value::as_array) {
        let reasons: Vec<&str> = reasons.iter().filter_map(Value::as_str).collect();
        if !reasons.is_empty() {
            parts.push(format!("reasons: {}", reasons.join("; ")));
        }
    }
    if let Some(tracking) = text_of("tracking_no") {
        parts.push(format!(
            "{} {tracking}",
            text_of("carrier").unwrap_or("tracking no.")
        ));
    }
    if let Some(licence) = text_of("licence_id") {
        match text_of("licence_type") {
            Some(kind) => parts.push(format!("licence {kind} {licence}")),
            None => parts.push(format!("licence {licence}")),
        }
    }
    parts.join(" · ")
}

/// `connecting`, `live`, `retrying in 4 s (attempt 3)`, `off`.
pub fn live_text(state: &LiveState) -> String {
    match state {
        LiveState::Off => "off".into(),
        LiveState::Connecting => "connecting".into(),
        LiveState::Live => "live".into(),
        LiveState::Retrying {
            attempt,
            retry_at_ms,
        } => {
            let seconds = ((retry_at_ms - now_ms()).max(0) + 999) / 1000;
            format!("retrying in {seconds} s (attempt {attempt})")
        }
    }
}

/// What changed between the version shown before (if any) and now.
pub fn change_text(before: Option<&ApplicationSummary>, now: &ApplicationSummary) -> String {
    let status = match before {
        Some(before) if before.status != now.status => format!(
            "{} → {}",
            status_word(before.status),
            status_text(now.status)
        ),
        Some(_) => format!("{} (updated)", status_text(now.status)),
        None => format!("{} (new here)", status_text(now.status)),
    };
    let needed = now
        .needs_action
        .map(|n| format!(" · needs you: {}", needed_word(n)))
        .unwrap_or_default();
    format!(
        "{}  {}  {status}{needed}",
        now.application_no, now.guide_name
    )
}

/// The events that need the user (a local notification in the app);
/// `None` for a plain status change, which `change_text` shows already.
pub fn event_text(event: &ApplicationEvent) -> Option<String> {
    Some(match event {
        ApplicationEvent::SupplementRequired {
            application_no,
            guide_name,
            materials,
        } => {
            let asked: Vec<String> = materials
                .iter()
                .map(|m| match &m.reason {
                    Some(reason) => format!("{} ({reason})", m.name),
                    None => m.name.clone(),
                })
                .collect();
            format!(
                "补正材料 {guide_name} {application_no}: the office asks for {}; answer with \
                 `bst app {application_no} supplement FILE…`",
                asked.join("、")
            )
        }
        ApplicationEvent::FeeDue {
            application_no,
            guide_name,
            amount_fen,
        } => format!(
            "缴费 {guide_name} {application_no}: a fee of {} is due",
            yuan(*amount_fen)
        ),
        ApplicationEvent::Completed {
            application_no,
            guide_name,
            outcome,
        } => {
            let outcome = match outcome {
                Some(DecisionOutcome::Approved) => ", approved",
                Some(DecisionOutcome::Refused) => ", refused",
                None => "",
            };
            format!("已办结 {guide_name} {application_no}: completed{outcome}")
        }
        ApplicationEvent::Delivered {
            application_no,
            guide_name,
            delivery,
        } => format!(
            "已送达 {guide_name} {application_no}: {}",
            delivery
                .as_ref()
                .map(delivery_text)
                .unwrap_or_else(|| "delivered".into())
        ),
        ApplicationEvent::StatusChanged { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_takes_two_cells_per_character() {
        assert_eq!(display_width("已提交"), 6);
        assert_eq!(display_width("by 2026-12-10"), 13);
        assert_eq!(pad("待补正", 8), "待补正  ");
    }

    #[test]
    fn fees_are_shown_in_yuan() {
        assert_eq!(yuan(1250), "12.50 元");
        assert_eq!(yuan(5), "0.05 元");
    }

    #[test]
    fn details_name_what_a_person_cares_about() {
        let text = details_text(
            r#"{"materials":[{"key":"photo","name":"近期免冠照片","reason":"照片模糊"}],"tracking_no":"EMS1","carrier":"中国邮政EMS"}"#,
        );
        assert_eq!(text, "materials: 近期免冠照片 · 中国邮政EMS EMS1");
        assert_eq!(details_text("{}"), "");
        assert_eq!(details_text("not json"), "");
    }
}
