//! What an import may not do to a record already stored: the same locks and state
//! machines as the screens. A finalised inspection, an accepted rectification order, a
//! recorded performance evaluation and an accident whose accountability is decided are
//! locked (a change is a correction made in the system, with its reason); an order's state
//! moves only by its own steps; a fund recovery's decision stays as decided and its
//! repayments are only ever added to.

use serde_json::Value;

/// Columns an import does not set; a change of these alone is no change.
const BOOKKEEPING: [&str; 2] = ["created_at", "updated_at"];

fn differs(old: &Value, new: &Value, field: &str) -> bool {
    old.get(field) != new.get(field)
}

fn changed(old: &Value, new: &Value) -> bool {
    match (old.as_object(), new.as_object()) {
        (Some(o), Some(n)) => o
            .iter()
            .filter(|(k, _)| !BOOKKEEPING.contains(&k.as_str()))
            .any(|(k, v)| n.get(k) != Some(v)),
        _ => old != new,
    }
}

/// Why the import may not turn the stored `old` into `new` (both as stored rows), or None.
pub fn refusal(table: &str, old: &Value, new: &Value) -> Option<String> {
    if !changed(old, new) {
        return None;
    }
    let text = |v: &Value, f: &str| v.get(f).and_then(Value::as_str).map(str::to_string);
    match table {
        "inspections" if text(old, "status").as_deref() == Some("finalised") => Some(
            "该检查记录已定稿锁定，导入不能修改；如需更正，请在系统中使用“更正”并写明原因".into(),
        ),
        "rectification_orders" if text(old, "state").as_deref() == Some("accepted") => {
            Some("该整改通知已验收通过，导入不能修改".into())
        }
        "rectification_orders" if differs(old, new, "state") => {
            Some("整改通知的状态只能在系统中通过提交材料、验收或退回改变，导入不能直接改动".into())
        }
        "incidents"
            if !old
                .get("accountability_decided_on")
                .is_none_or(Value::is_null) =>
        {
            Some("该事故的责任追究已决定，导入不能修改".into())
        }
        "performance_evaluations" => {
            Some("绩效评价一经记录即为决定，导入不能修改；如有错误请作废后重新评价".into())
        }
        "fund_recoveries" => recovery_refusal(old, new),
        _ => None,
    }
}

fn recovery_refusal(old: &Value, new: &Value) -> Option<String> {
    for f in [
        "amount_fen",
        "decided_on",
        "deadline",
        "project_id",
        "enterprise_id",
    ] {
        if differs(old, new, f) {
            return Some(format!("追回资金的决定内容（{f}）不能通过导入改变"));
        }
    }
    let list = |v: &Value| -> Vec<Value> {
        v.get("repayments")
            .and_then(Value::as_str)
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    };
    let (before, after) = (list(old), list(new));
    if after.len() < before.len() || after[..before.len()] != before[..] {
        return Some("已登记的退回款项不能通过导入删除或改动，只能增加".into());
    }
    let paid: i64 = after
        .iter()
        .filter_map(|r| r.get("amount_fen").and_then(Value::as_i64))
        .sum();
    let owed = old.get("amount_fen").and_then(Value::as_i64).unwrap_or(0);
    (paid > owed).then(|| format!("退回款项合计 {paid} 分，超过应追回的 {owed} 分"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn locked_records_are_refused_and_unlocked_ones_pass() {
        let fin = json!({"status": "finalised", "minutes": "a", "updated_at": "1"});
        assert!(
            refusal(
                "inspections",
                &fin,
                &json!({"status": "finalised", "minutes": "b", "updated_at": "1"})
            )
            .unwrap()
            .contains("定稿")
        );
        // The same record again, whatever its bookkeeping, is no change.
        assert!(
            refusal(
                "inspections",
                &fin,
                &json!({"status": "finalised", "minutes": "a", "updated_at": "2"})
            )
            .is_none()
        );
        let rec = json!({"status": "recorded", "minutes": "a"});
        assert!(
            refusal(
                "inspections",
                &rec,
                &json!({"status": "recorded", "minutes": "b"})
            )
            .is_none()
        );
        let issued = json!({"state": "issued", "title": "x"});
        assert!(
            refusal(
                "rectification_orders",
                &issued,
                &json!({"state": "accepted", "title": "x"})
            )
            .unwrap()
            .contains("状态")
        );
        assert!(
            refusal(
                "rectification_orders",
                &issued,
                &json!({"state": "issued", "title": "y"})
            )
            .is_none()
        );
        let decided = json!({"accountability_decided_on": "2026-01-01", "decision": "x"});
        assert!(
            refusal(
                "incidents",
                &decided,
                &json!({"accountability_decided_on": "2026-01-01", "decision": "y"})
            )
            .is_some()
        );
    }

    #[test]
    fn repayments_are_only_ever_added_within_what_is_owed() {
        let r = |reps: &str| json!({"amount_fen": 1000, "decided_on": "2026-01-01", "deadline": "2026-02-01", "project_id": "p", "enterprise_id": "e", "repayments": reps});
        let one = r(r#"[{"date":"2026-01-05","amount_fen":400}]"#);
        assert!(refusal("fund_recoveries", &one, &r(r#"[{"date":"2026-01-05","amount_fen":400},{"date":"2026-01-06","amount_fen":600}]"#)).is_none());
        assert!(
            refusal("fund_recoveries", &one, &r("[]"))
                .unwrap()
                .contains("删除")
        );
        assert!(refusal("fund_recoveries", &one, &r(r#"[{"date":"2026-01-05","amount_fen":400},{"date":"2026-01-06","amount_fen":601}]"#)).unwrap().contains("超过"));
        let mut bigger = one.clone();
        bigger["amount_fen"] = json!(9);
        assert!(
            refusal("fund_recoveries", &one, &bigger)
                .unwrap()
                .contains("amount_fen")
        );
    }
}
