//! The demo county's year of supervision, dated relative to today, as an import bundle:
//! most work done on time, and a deliberate mix of what is due and overdue so that every
//! area of the docket has something to show.

use super::demo::PROJECTS;
use chrono::{Datelike, Days, Months, NaiveDate};
use jianguan_domain::rules::calendar::{
    day_of_next_month, days, month_end, month_start, months_between, overlap, prorated,
    quarter_end, quarters_between,
};
use jianguan_domain::rules::facts::Milestone;
use jianguan_store::entity::project;
use serde_json::{Value, json};

fn shift(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs())).unwrap_or(d)
    }
}

fn clamp(d: NaiveDate, lo: NaiveDate, hi: NaiveDate) -> Option<NaiveDate> {
    (lo <= hi).then(|| d.max(lo).min(hi))
}

struct Builder {
    today: NaiveDate,
    n: usize,
    b: serde_json::Map<String, Value>,
}

impl Builder {
    fn id(&mut self, prefix: &str) -> String {
        self.n += 1;
        format!("demo-{prefix}-{:04}", self.n)
    }

    fn push(&mut self, table: &str, v: Value) {
        if let Some(Value::Array(a)) = self.b.get_mut(table) {
            a.push(v);
        } else {
            self.b.insert(table.into(), Value::Array(vec![v]));
        }
    }

    fn inspection(
        &mut self,
        project: &str,
        kinds: &[&str],
        date: NaiveDate,
        photos: i64,
        extra: Value,
    ) {
        let status = if date > self.today {
            "planned"
        } else {
            "finalised"
        };
        let id = self.id("insp");
        let mut v = json!({
            "id": id, "project_id": project, "kinds": kinds, "date": date.to_string(), "status": status,
            "methods": ["on_site", "hearing", "materials"],
            "standards": {"qualification": "pass", "construction": "pass", "operation": "pass", "funds": "pass"},
            "inspectors": ["李检查", "周组员"],
            "photo_count": if status == "planned" { 0 } else { photos },
            "announced": true,
        });
        if status == "planned" {
            // A visit to come has no results yet.
            v["methods"] = json!([]);
            v["standards"] = json!({});
        } else {
            v["minutes"] = json!(format!(
                "{date} 检查组实地查看项目现场，听取企业汇报，查阅台账资料。"
            ));
        }
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        self.push("inspections", v);
    }
}

fn planned_at(start: NaiveDate, ms: &[Milestone], d: NaiveDate) -> f64 {
    jianguan_domain::rules::planned_percent(start, ms, d)
}

/// The facts bundle for the demo county, given the stored projects (in PROJECTS order) and
/// the enterprises' ids (in ENTERPRISES order).
pub fn bundle(
    today: NaiveDate,
    county: &str,
    projects: &[project::Model],
    enterprises: &[String],
    food: &[bool],
) -> Value {
    let mut b = Builder {
        today,
        n: 0,
        b: serde_json::Map::new(),
    };
    b.b.insert("format".into(), json!("jianguan-bundle"));
    b.b.insert("version".into(), json!(1));
    b.b.insert("county".into(), json!({"code": county, "name": "交城县", "prefecture": "吕梁市", "province": "山西省", "townships": super::demo::TOWNSHIPS}));
    let t = today;

    for (k, (spec, p)) in PROJECTS.iter().zip(projects).enumerate() {
        let s = p.construction_start;
        let e = p.construction_end;
        if s > t {
            continue;
        }
        let len = (e - s).num_days();
        let ms = vec![
            Milestone {
                date: shift(s, len * 3 / 10),
                percent: 30.0,
            },
            Milestone {
                date: shift(s, len * 6 / 10),
                percent: 65.0,
            },
            Milestone {
                date: e,
                percent: 100.0,
            },
        ];
        b.push("progress_plans", json!({
            "id": format!("demo-plan-{k:02}"), "project_id": p.id, "version": 1, "effective_from": s.to_string(), "status": "approved",
            "milestones": ms.iter().map(|m| json!({"date": m.date.to_string(), "percent": m.percent})).collect::<Vec<_>>(),
        }));
        // Monthly written reports: a little behind plan, one project clearly behind, one
        // far behind; one project skipped a month.
        let lag = match k {
            1 => 15.0,
            8 => 24.0,
            _ => 3.0,
        };
        let last = e.min(t);
        for m in months_between(s, last) {
            let current = m == month_start(t);
            if k == 11
                && m == month_start(t)
                    .checked_sub_months(Months::new(2))
                    .unwrap_or(m)
            {
                continue;
            }
            let date = if current {
                shift(t, -2)
            } else {
                month_end(m).min(e)
            };
            // A report covers a month that has begun: none dated before its month (early in
            // a month, the current month has no report yet).
            if date < s || date < m {
                continue;
            }
            // Last month's report is handed in on the 3rd, or today if that is still to come
            // (it is always after the month it covers).
            let submitted = if current {
                date
            } else {
                shift(day_of_next_month(m, 1), 2).min(t)
            };
            if submitted > t || submitted <= date.min(month_end(m)) && !current {
                continue;
            }
            let pct = if date >= e {
                100.0
            } else {
                (planned_at(s, &ms, date) - lag).clamp(0.0, 100.0)
            };
            b.push("progress_reports", json!({
                "id": format!("demo-rep-{k:02}-{}", m.format("%Y%m")), "project_id": p.id, "month": m.format("%Y-%m").to_string(),
                "report_date": date.to_string(), "submitted_on": submitted.to_string(), "cumulative_percent": (pct * 10.0).round() / 10.0,
                "narrative": "本月按计划推进，详见附件。",
            }));
        }
        // Construction inspections, two a quarter (prorated); one project missed one last
        // quarter, odd projects are one short in the current quarter.
        for q in quarters_between(s, last) {
            let qe = quarter_end(q);
            let need = prorated(2, overlap(s, e, q, qe), days(q, qe)) as i64;
            let current = qe >= t;
            let mut give = need;
            if current && k % 2 == 1 {
                give -= 1;
            }
            if !current && k == 3 && qe.checked_add_days(Days::new(92)).is_some_and(|x| x >= t) {
                give -= 1;
            }
            for i in 0..give.max(0) {
                let date = clamp(shift(q, 12 + i * 35), s.max(q), qe.min(e).min(t));
                if let Some(date) = date {
                    let photos = if k == 0 && i == 0 && current { 0 } else { 3 };
                    b.inspection(&p.id, &["construction"], date, photos, json!({}));
                }
            }
        }
        // Operations: two a month from the operation start; the logistics centre missed one
        // last month; even projects are one short this month.
        if let Some(o) = p.operation_start.filter(|o| *o <= t) {
            for m in months_between(o, t) {
                let me = month_end(m);
                let need = prorated(2, overlap(o, NaiveDate::MAX, m, me), days(m, me)) as i64;
                let current = me >= t;
                let mut give = need;
                if current && k % 2 == 0 {
                    give -= 1;
                }
                if k == 2
                    && m == month_start(t)
                        .checked_sub_months(Months::new(1))
                        .unwrap_or(m)
                {
                    give -= 1;
                }
                for i in 0..give.max(0) {
                    if let Some(date) = clamp(shift(m, 6 + i * 13), o.max(m), me.min(t)) {
                        // One record this month still lacks its photos.
                        let photos = if k == 0 && current && i == 0 { 0 } else { 2 };
                        b.inspection(&p.id, &["operations"], date, photos, json!({}));
                    }
                }
            }
            // Evaluated after construction, except one project still waiting.
            if k != 12 {
                b.push("performance_evaluations", json!({
                    "id": format!("demo-eval-{k:02}"), "project_id": p.id, "date": shift(e, 20).min(t).to_string(), "outcome": "accept",
                    "details": {"summary": "达到建设要求，同意验收"},
                }));
            }
            // Assets bought with central funds, kept by the contractor.
            for (n, (name, category, value)) in [
                ("电商服务终端设备", "electronic", 8_600_000i64),
                ("冷链配送车", "vehicle", 23_800_000),
            ]
            .iter()
            .enumerate()
            {
                let tag = if k == 2 && n == 1 {
                    Value::Null
                } else {
                    json!(format!("JC-{k:02}-{:02}", n + 1))
                };
                b.push("assets", json!({
                    "id": format!("demo-asset-{k:02}-{n}"), "enterprise_id": p.enterprise_id, "project_id": p.id, "name": name,
                    "asset_kind": "fixed", "tag": tag, "category": category, "value_fen": value, "purchase_date": shift(s, 30).to_string(),
                    "location": spec.township, "custodian": "企业资产管理员", "central_funds": true,
                }));
            }
            // Central funds paid once construction began, followed by a funds inspection.
            let paid = shift(s, 30);
            let id = format!("demo-disb-{k:02}");
            b.push("disbursements", json!({"id": id, "project_id": p.id, "date": paid.to_string(), "amount_fen": p.central_funds_fen / 2, "batch": "第一批"}));
            b.inspection(
                &p.id,
                &["funds", "construction"],
                shift(paid, 15),
                2,
                json!({"disbursement_id": id}),
            );
        }
    }

    let p = |k: usize| projects[k].id.clone();
    let ent = |k: usize| enterprises[k].clone();

    // A payment not yet inspected after 50 days, and one just made.
    b.push("disbursements", json!({"id": "demo-disb-late", "project_id": p(1), "date": shift(t, -50).to_string(), "amount_fen": 30_000_000, "batch": "第二批"}));
    b.push("disbursements", json!({"id": "demo-disb-new", "project_id": p(3), "date": shift(t, -10).to_string(), "amount_fen": 20_000_000, "batch": "第一批"}));
    // A second batch paid in full on top of the first: more than the project's central
    // funds (funds.over_budget); paid days ago, so its funds inspection is not yet due.
    b.push("disbursements", json!({"id": "demo-disb-over", "project_id": p(6), "date": shift(t, -5).to_string(), "amount_fen": projects[6].central_funds_fen + 1_000_000, "batch": "第二批"}));

    // Training classes of the leader-training projects.
    let classes = [
        (
            "demo-class-1",
            7usize,
            "第一期农村电商带头人培训班",
            shift(projects[7].construction_start, 20),
            true,
        ),
        (
            "demo-class-2",
            7,
            "第二期农村电商带头人培训班",
            shift(projects[7].construction_start, 60),
            true,
        ),
        (
            "demo-class-3",
            8,
            "第三期农村电商带头人培训班",
            shift(t, -20),
            false,
        ),
        (
            "demo-class-4",
            9,
            "直播带货技能培训班（一）",
            shift(t, -3),
            false,
        ),
        (
            "demo-class-5",
            8,
            "第四期农村电商带头人培训班",
            shift(t, 10),
            false,
        ),
    ];
    for (id, k, name, first, inspected) in classes {
        let last = shift(first, 4);
        b.push("training_classes", json!({"id": id, "project_id": p(k), "name": name, "first_day": first.to_string(), "last_day": last.to_string(), "place": "县电商公共服务中心培训室", "planned_trainees": 50, "actual_trainees": if last < t { 48 } else { 0 }}));
        if inspected {
            b.inspection(
                &p(k),
                &["training"],
                shift(first, 2),
                3,
                json!({"training_class_id": id}),
            );
        }
    }

    // Planned inspections for the coming week.
    b.inspection(
        &p(1),
        &["construction"],
        shift(t, 3),
        0,
        json!({"announced": false}),
    );
    b.inspection(&p(6), &["construction"], shift(t, 5), 0, json!({}));

    // Licences: everyone has a business licence; food enterprises a food licence, one of
    // which expires soon and one of which has expired.
    for (k, id) in enterprises.iter().enumerate() {
        b.push("licences", json!({"id": format!("demo-lic-bl-{k:02}"), "enterprise_id": id, "kind": "business_licence", "number": format!("141122{:06}", 100 + k), "valid_from": "2019-03-01"}));
        if food[k] {
            let to = match k {
                5 => shift(t, 20),
                9 => shift(t, -10),
                _ => shift(t, 400),
            };
            b.push("licences", json!({"id": format!("demo-lic-food-{k:02}"), "enterprise_id": id, "kind": "food_business", "number": format!("JY1141122{:06}", 200 + k), "valid_from": shift(to, -5 * 365).to_string(), "valid_to": to.to_string()}));
        }
    }

    // Rectification: one accepted, one overdue, one long overdue, one just issued.
    let orders = [
        (
            "demo-order-1",
            0,
            0,
            "服务中心消防器材配备不足",
            -60,
            -30,
            "accepted",
            false,
        ),
        (
            "demo-order-2",
            2,
            1,
            "物流仓储台账登记不完整",
            -40,
            -5,
            "submitted",
            false,
        ),
        (
            "demo-order-3",
            6,
            9,
            "超市线上订单系统未按方案上线",
            -50,
            -20,
            "issued",
            false,
        ),
        (
            "demo-order-4",
            8,
            4,
            "项目建设进度严重滞后",
            -5,
            25,
            "issued",
            true,
        ),
    ];
    for (id, pk, ek, title, issued, deadline, state, notice) in orders {
        let mut v = json!({"id": id, "project_id": p(pk), "enterprise_id": ent(ek), "title": title, "requirements": format!("{title}，请按要求限期整改并报送书面整改材料。"), "issued_on": shift(t, issued).to_string(), "deadline": shift(t, deadline).to_string(), "state": state, "progress_notice": notice});
        if state == "accepted" {
            v["accepted_on"] = json!(shift(t, -35).to_string());
        }
        b.push("rectification_orders", v);
    }

    b.push("fund_recoveries", json!({"id": "demo-recovery-1", "project_id": p(12), "enterprise_id": ent(8), "decided_on": shift(t, -60).to_string(), "amount_fen": 5_000_000, "deadline": shift(t, -15).to_string(), "repayments": [{"date": shift(t, -20).to_string(), "amount_fen": 2_000_000}]}));
    b.push("incidents", json!({"id": "demo-incident-1", "project_id": p(2), "date": shift(t, -12).to_string(), "summary": "冷库制冷设备故障致部分农产品变质"}));
    b.push("market_findings", json!({"id": "demo-market-1", "enterprise_id": ent(8), "project_id": p(12), "category": "expired", "raised_on": shift(t, -8).to_string(), "description": "网店在售核桃仁超过保质期"}));

    // Subsidy claims: the third cites an invoice already claimed; the fourth one from the
    // same seller (written as 有限责任公司) for the same amount twelve days later, which a
    // person must compare.
    let inv = |code: &str, no: &str, seller: &str, fen: i64, d: NaiveDate| json!({"code": code, "number": no, "date": d.to_string(), "seller": seller, "amount_fen": fen});
    let d0 = shift(projects[0].construction_end, 10);
    b.push("subsidy_claims", json!({"id": "demo-claim-1", "project_id": p(0), "submitted_on": shift(d0, 10).to_string(), "amount_fen": 12_000_000, "invoices": [inv("1400221130", "04512876", "太原市晋通设备有限公司", 8_600_000, d0), inv("1400221130", "04512877", "太原市晋通设备有限公司", 3_400_000, d0)]}));
    b.push("subsidy_claims", json!({"id": "demo-claim-2", "project_id": p(2), "submitted_on": shift(projects[2].construction_end, 30).to_string(), "amount_fen": 23_800_000, "invoices": [inv("1400221130", "06633012", "吕梁市冷链装备有限公司", 23_800_000, shift(projects[2].construction_end, 5))]}));
    b.push("subsidy_claims", json!({"id": "demo-claim-3", "project_id": p(5), "submitted_on": shift(t, -20).to_string(), "amount_fen": 8_600_000, "invoices": [inv("1400221130", "04512876", "太原市晋通设备有限公司", 8_600_000, d0)]}));
    b.push("subsidy_claims", json!({"id": "demo-claim-4", "project_id": p(3), "submitted_on": shift(t, -6).to_string(), "amount_fen": 3_400_000, "invoices": [inv("1400221130", "05120933", "太原市晋通设备有限责任公司", 3_400_000, shift(d0, 12))]}));

    // Operating data from the enterprises with projects in operation.
    let metrics = |system: &str| -> Vec<&'static str> {
        match system {
            "logistics" => vec!["parcels", "stations_operating"],
            "leader_training" => vec!["trainees"],
            "public_service" => vec!["online_sales_fen", "orders", "stations_operating"],
            _ => vec!["online_sales_fen", "orders"],
        }
    };
    let mut reported = std::collections::BTreeSet::new();
    for (k, pm) in projects.iter().enumerate() {
        let Some(o) = pm.operation_start.filter(|o| *o <= t) else {
            continue;
        };
        let ek = enterprises
            .iter()
            .position(|x| *x == pm.enterprise_id)
            .unwrap_or(0);
        for m in months_between(o, shift(month_start(t), -1)) {
            if !reported.insert((ek, m)) {
                continue;
            }
            let due = day_of_next_month(m, 10);
            let back = |n: u32| {
                month_start(t)
                    .checked_sub_months(Months::new(n))
                    .unwrap_or(m)
            };
            let late = ek == 4 && (m == back(2) || m == back(3));
            let submitted = if late { shift(due, 5) } else { shift(due, -2) };
            if submitted > t {
                continue;
            }
            let base = 1000 + (ek as i64) * 150 + i64::from(m.month()) * 20;
            // The latest month reported by today (early in a month, last month's report
            // is not due yet) jumps, so that the check has something to show on any day.
            let last_month = month_start(shift(month_start(t), -1));
            let last_reported = if shift(day_of_next_month(last_month, 10), -2) <= t {
                last_month
            } else {
                back(2)
            };
            let jump = ek == 2 && m == last_reported;
            let figures: serde_json::Map<String, Value> = metrics(&pm.system)
                .into_iter()
                .map(|name| {
                    let v = match name {
                        "online_sales_fen" => base * 36_000,
                        "stations_operating" => 12,
                        "trainees" => 80 + (k as i64),
                        _ => base,
                    };
                    (
                        name.to_string(),
                        json!(if jump && name == "orders" { v * 8 } else { v }),
                    )
                })
                .collect();
            b.push("data_reports", json!({"id": format!("demo-data-{ek:02}-{}", m.format("%Y%m")), "enterprise_id": ent(ek), "month": m.format("%Y-%m").to_string(), "submitted_on": submitted.to_string(), "figures": figures}));
        }
    }

    // Inventory counts: recent for most; one enterprise counted long ago; one discrepancy.
    let mut counted = std::collections::BTreeSet::new();
    for (k, pm) in projects.iter().enumerate() {
        if pm.operation_start.is_none_or(|o| o > t) || !counted.insert(pm.enterprise_id.clone()) {
            continue;
        }
        let date = if k == 15 {
            shift(t, -200)
        } else {
            shift(t, -30)
        };
        let items: Vec<Value> = (0..2)
            .map(|n| {
                let missing = k == 10 && n == 0;
                json!({"asset_id": format!("demo-asset-{k:02}-{n}"), "result": if missing { "missing" } else { "present" }})
            })
            .collect();
        b.push("inventory_counts", json!({"id": format!("demo-count-{k:02}"), "enterprise_id": pm.enterprise_id, "date": date.to_string(), "items": items}));
    }

    b.push("tipoffs", json!({"id": "demo-tip-1", "channel": "hotline", "content": "反映夏家营镇某村服务站经常不开门。", "summary": "村级服务站经常不开门", "receipt_code": "JB-DEMO-0001", "received_on": shift(t, -40).to_string(), "replied_on": shift(t, -30).to_string(), "reply": "经核查已督促整改，现已正常开放。"}));
    b.push("tipoffs", json!({"id": "demo-tip-2", "channel": "web", "content": "网店销售的红枣与宣传产地不符。", "summary": "网店红枣产地与宣传不符", "receipt_code": "JB-DEMO-0002", "received_on": shift(t, -20).to_string()}));

    Value::Object(b.b)
}
