//! One county's facts for the rule engine, loaded in bulk: one query per table, voided
//! records left out. JSON columns are parsed here; a row that does not parse is reported
//! rather than silently skipped.

use crate::StoreError;
use crate::entity::*;
use jianguan_domain::System;
use jianguan_domain::rules::facts::{self as f, Facts};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::de::DeserializeOwned;

fn json<T: DeserializeOwned>(
    table: &str,
    id: &str,
    column: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("{table}.{column} of {id}: {e}")))
}

macro_rules! live {
    ($conn:expr, $module:ident, $county:expr) => {
        $module::Entity::find()
            .filter($module::Column::CountyCode.eq($county))
            .filter($module::Column::VoidedAt.is_null())
            .order_by_asc($module::Column::Id)
            .all($conn)
            .await?
    };
}

pub async fn load(conn: &impl ConnectionTrait, county: &str) -> Result<Facts, StoreError> {
    let mut out = Facts::default();
    for p in live!(conn, project, county) {
        let system = System::parse(&p.system)
            .ok_or_else(|| StoreError::Corrupt(format!("projects.system of {}", p.id)))?;
        out.projects.push(f::ProjectFacts {
            marked_operating: matches!(p.status.as_str(), "operating" | "deferred_acceptance"),
            disqualified: p.status == "disqualified",
            id: p.id,
            name: p.name,
            enterprise_id: p.enterprise_id,
            system,
            construction_start: p.construction_start,
            construction_end: p.construction_end,
            operation_start: p.operation_start,
            closed_on: p.closed_on,
        });
    }
    for e in live!(conn, enterprise, county) {
        out.enterprises.push(f::EnterpriseFacts {
            id: e.id,
            name: e.name,
            handles_food: e.handles_food,
        });
    }
    for v in live!(conn, progress_plan, county) {
        if v.status == "approved" {
            out.plans.push(f::PlanVersion {
                milestones: json("progress_plans", &v.id, "milestones", &v.milestones)?,
                project_id: v.project_id,
                effective_from: v.effective_from,
            });
        }
    }
    for r in live!(conn, progress_report, county) {
        out.progress_reports.push(f::ProgressReport {
            id: r.id,
            project_id: r.project_id,
            month: r.month,
            report_date: r.report_date,
            submitted_on: r.submitted_on,
            cumulative_percent: r.cumulative_percent,
        });
    }
    for i in live!(conn, inspection, county) {
        out.inspections.push(f::Inspection {
            kinds: json("inspections", &i.id, "kinds", &i.kinds)?,
            done: i.status != "planned",
            has_minutes: i.minutes.as_deref().is_some_and(|m| !m.trim().is_empty()),
            photo_count: u32::try_from(i.photo_count).unwrap_or(0),
            id: i.id,
            project_id: i.project_id,
            date: i.date,
            training_class_id: i.training_class_id,
            disbursement_id: i.disbursement_id,
        });
    }
    for c in live!(conn, training_class, county) {
        out.training_classes.push(f::TrainingClass {
            id: c.id,
            project_id: c.project_id,
            name: c.name,
            first_day: c.first_day,
            last_day: c.last_day,
        });
    }
    for b in live!(conn, disbursement, county) {
        out.disbursements.push(f::Disbursement {
            id: b.id,
            project_id: b.project_id,
            date: b.date,
            amount_fen: b.amount_fen,
            batch: b.batch,
        });
    }
    for c in live!(conn, subsidy_claim, county) {
        out.subsidy_claims.push(f::SubsidyClaim {
            invoices: json("subsidy_claims", &c.id, "invoices", &c.invoices)?,
            id: c.id,
            project_id: c.project_id,
            submitted_on: c.submitted_on,
            amount_fen: c.amount_fen,
        });
    }
    for r in live!(conn, data_report, county) {
        out.data_reports.push(f::DataReport {
            figures: json("data_reports", &r.id, "figures", &r.figures)?,
            id: r.id,
            enterprise_id: r.enterprise_id,
            month: r.month,
            submitted_on: r.submitted_on,
        });
    }
    for l in live!(conn, licence, county) {
        out.licences.push(f::Licence {
            id: l.id,
            enterprise_id: l.enterprise_id,
            kind: l.kind,
            number: l.number,
            valid_from: l.valid_from,
            valid_to: l.valid_to,
        });
    }
    for o in live!(conn, rectification_order, county) {
        out.rectification_orders.push(f::RectificationOrder {
            state: json(
                "rectification_orders",
                &o.id,
                "state",
                &format!("\"{}\"", o.state),
            )?,
            id: o.id,
            project_id: o.project_id,
            enterprise_id: o.enterprise_id,
            title: o.title,
            issued_on: o.issued_on,
            deadline: o.deadline,
            accepted_on: o.accepted_on,
            progress_notice: o.progress_notice,
        });
    }
    for r in live!(conn, fund_recovery, county) {
        out.fund_recoveries.push(f::FundRecovery {
            repayments: json("fund_recoveries", &r.id, "repayments", &r.repayments)?,
            id: r.id,
            project_id: r.project_id,
            enterprise_id: r.enterprise_id,
            decided_on: r.decided_on,
            amount_fen: r.amount_fen,
            deadline: r.deadline,
        });
    }
    for i in live!(conn, incident, county) {
        out.incidents.push(f::Incident {
            id: i.id,
            project_id: i.project_id,
            date: i.date,
            summary: i.summary,
            accountability_decided_on: i.accountability_decided_on,
        });
    }
    for e in live!(conn, performance_evaluation, county) {
        out.evaluations.push(f::PerformanceEvaluation {
            id: e.id,
            project_id: e.project_id,
            date: e.date,
        });
    }
    for m in live!(conn, market_finding, county) {
        out.market_findings.push(f::MarketFinding {
            category: json(
                "market_findings",
                &m.id,
                "category",
                &format!("\"{}\"", m.category),
            )?,
            id: m.id,
            enterprise_id: m.enterprise_id,
            project_id: m.project_id,
            raised_on: m.raised_on,
            closed_on: m.closed_on,
        });
    }
    for a in live!(conn, asset, county) {
        out.assets.push(f::Asset {
            id: a.id,
            enterprise_id: a.enterprise_id,
            project_id: a.project_id,
            name: a.name,
            tag: a.tag,
            purchase_date: a.purchase_date,
            central_funds: a.central_funds,
            disposed_on: a.disposed_on,
        });
    }
    for c in live!(conn, inventory_count, county) {
        out.inventory_counts.push(f::InventoryCount {
            items: json("inventory_counts", &c.id, "items", &c.items)?,
            id: c.id,
            enterprise_id: c.enterprise_id,
            date: c.date,
        });
    }
    for t in live!(conn, tipoff, county) {
        out.tipoffs.push(f::TipOff {
            id: t.id,
            received_on: t.received_on,
            summary: t.summary,
            replied_on: t.replied_on,
        });
    }
    Ok(out)
}
