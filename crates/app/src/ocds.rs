//! OCDS 1.1 (Open Contracting Data Standard) export of a programme's implementation: a
//! release package with one contracting process per project — the parties (the bureau as
//! buyer and payer, the enterprise as supplier with its USCC), the award's value (the
//! project's central funds), the contract with its implementation: the progress plan's
//! milestones with the dates they were met (from the progress reports), the confirmed
//! disbursements as transactions, and the public documents issued about it.

use crate::{App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use jianguan_domain::document::DocumentKind;
use jianguan_domain::rules::facts::Milestone;
use jianguan_store::entity::{
    disbursement, document, enterprise, programme, progress_plan, progress_report, project,
};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The prefix of every OCID when none is configured: a county registers its own with the
/// Open Contracting Partnership (`ocds-` and six characters) and sets `--ocid-prefix`.
pub const DEFAULT_OCID_PREFIX: &str = "ocds-jgxxxx";

/// Documents the public may read (published on the notice board, or an acceptance).
fn is_public(kind: &str) -> bool {
    matches!(
        DocumentKind::parse(kind),
        Some(
            DocumentKind::Criticism
                | DocumentKind::Disqualification
                | DocumentKind::AcceptanceOpinion
        )
    )
}

/// A date as OCDS writes it: the start of the day, China time.
fn day(d: NaiveDate) -> String {
    format!("{}T00:00:00+08:00", d.format("%Y-%m-%d"))
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// 分 as 元, the amount OCDS carries with its currency.
fn value(fen: i64) -> Value {
    json!({ "amount": fen as f64 / 100.0, "currency": "CNY" })
}

/// The release package of a programme the caller may read (`programme` already checked).
pub async fn package(app: &App, p: &programme::Model, prefix: &str) -> Result<Value, AppError> {
    let db = app.store.reader();
    let projects = project::Entity::find()
        .filter(project::Column::ProgrammeId.eq(p.id.as_str()))
        .filter(project::Column::CountyCode.eq(p.county_code.as_str()))
        .filter(project::Column::VoidedAt.is_null())
        .order_by_asc(project::Column::Name)
        .all(db)
        .await?;
    let ids: Vec<String> = projects.iter().map(|x| x.id.clone()).collect();
    let enterprises: BTreeMap<String, enterprise::Model> = enterprise::Entity::find()
        .filter(enterprise::Column::CountyCode.eq(p.county_code.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    let mut plans: BTreeMap<String, progress_plan::Model> = BTreeMap::new();
    for pl in progress_plan::Entity::find()
        .filter(progress_plan::Column::ProjectId.is_in(ids.clone()))
        .filter(progress_plan::Column::VoidedAt.is_null())
        .filter(progress_plan::Column::Status.eq("approved"))
        .order_by_asc(progress_plan::Column::Version)
        .all(db)
        .await?
    {
        plans.insert(pl.project_id.clone(), pl); // the latest approved version wins
    }
    let mut reports: BTreeMap<String, Vec<progress_report::Model>> = BTreeMap::new();
    for r in progress_report::Entity::find()
        .filter(progress_report::Column::ProjectId.is_in(ids.clone()))
        .filter(progress_report::Column::VoidedAt.is_null())
        .order_by_asc(progress_report::Column::ReportDate)
        .all(db)
        .await?
    {
        reports.entry(r.project_id.clone()).or_default().push(r);
    }
    let mut paid: BTreeMap<String, Vec<disbursement::Model>> = BTreeMap::new();
    for d in disbursement::Entity::find()
        .filter(disbursement::Column::ProjectId.is_in(ids.clone()))
        .filter(disbursement::Column::VoidedAt.is_null())
        .order_by_asc(disbursement::Column::Date)
        .all(db)
        .await?
        .into_iter()
        .filter(disbursement::Model::confirmed)
    {
        paid.entry(d.project_id.clone()).or_default().push(d);
    }
    let mut docs: BTreeMap<String, Vec<document::Model>> = BTreeMap::new();
    for d in document::Entity::find()
        .filter(document::Column::ProjectId.is_in(ids.clone()))
        .filter(document::Column::VoidedAt.is_null())
        .filter(document::Column::State.eq("issued"))
        .order_by_asc(document::Column::IssuedOn)
        .all(db)
        .await?
        .into_iter()
        .filter(|d| is_public(&d.kind))
    {
        if let Some(pid) = d.project_id.clone() {
            docs.entry(pid).or_default().push(d);
        }
    }
    let county = jianguan_store::queries::county(db, &p.county_code)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let bureau_id = format!("CN-COUNTY-{}-bureau", p.county_code);
    // The profile's authority names the county already (交城县工业和信息化（商务）局).
    let name = if app.profile.authority.starts_with(&county) {
        app.profile.authority.clone()
    } else {
        format!("{county}{}", app.profile.authority)
    };
    let bureau = json!({ "id": bureau_id, "name": name });
    let today = app.today();
    let mut releases = Vec::new();
    for pr in &projects {
        let e = enterprises.get(&pr.enterprise_id);
        let supplier_id = e.map_or_else(
            || pr.enterprise_id.clone(),
            |e| format!("CN-SAIC-{}", e.uscc),
        );
        let supplier =
            json!({ "id": supplier_id, "name": e.map(|e| e.name.clone()).unwrap_or_default() });
        let mut supplier_party = json!({
            "id": supplier_id,
            "name": supplier["name"],
            "roles": ["supplier", "payee"],
        });
        if let Some(e) = e {
            supplier_party["identifier"] = json!({
                "scheme": "CN-SAIC",
                "id": e.uscc,
                "legalName": e.name,
            });
        }
        let ocid = format!("{prefix}-{}", pr.id);
        let milestones = milestones(
            plans.get(&pr.id),
            reports.get(&pr.id).map(Vec::as_slice).unwrap_or(&[]),
            today,
        )?;
        let transactions: Vec<Value> = paid
            .get(&pr.id)
            .into_iter()
            .flatten()
            .map(|d| {
                json!({
                    "id": d.id,
                    "date": day(d.date),
                    "value": value(d.amount_fen),
                    "payer": bureau,
                    "payee": supplier,
                })
            })
            .collect();
        let documents: Vec<Value> = docs
            .get(&pr.id)
            .into_iter()
            .flatten()
            .map(|d| {
                let mut v = json!({
                    "id": d.id,
                    "title": format!("{}（{}）", d.title, d.number),
                    "datePublished": day(d.issued_on),
                    "format": "application/pdf",
                    "language": "zh",
                });
                // From OCDS's documentType codelist where one fits.
                match DocumentKind::parse(&d.kind) {
                    Some(DocumentKind::AcceptanceOpinion) => {
                        v["documentType"] = json!("completionCertificate")
                    }
                    Some(DocumentKind::Disqualification) => v["documentType"] = json!("debarments"),
                    _ => {}
                }
                v
            })
            .collect();
        let award_id = format!("{}-award", pr.id);
        let updated = [Some(pr.updated_at)]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(pr.created_at);
        releases.push(json!({
            "ocid": ocid,
            "id": format!("{ocid}-{}", updated.format("%Y%m%d%H%M%S")),
            "date": stamp(updated),
            "tag": ["implementation"],
            "initiationType": "tender",
            "language": "zh",
            "parties": [
                { "id": bureau["id"], "name": bureau["name"], "roles": ["buyer", "procuringEntity", "payer"] },
                supplier_party,
            ],
            "buyer": bureau,
            "tender": {
                "id": format!("{}-tender", pr.id),
                "title": pr.name,
                "status": "complete",
            },
            "awards": [{
                "id": award_id,
                "title": pr.name,
                "status": "active",
                "value": value(pr.central_funds_fen),
                "suppliers": [supplier],
            }],
            "contracts": [{
                "id": format!("{}-contract", pr.id),
                "awardID": award_id,
                "title": pr.name,
                "status": if pr.closed_on.is_some() { "terminated" } else { "active" },
                "value": value(pr.central_funds_fen),
                "period": {
                    "startDate": day(pr.construction_start),
                    "endDate": day(pr.service_period_end.unwrap_or(pr.construction_end)),
                },
                "documents": documents,
                "implementation": {
                    "milestones": milestones,
                    "transactions": transactions,
                },
            }],
        }));
    }
    Ok(json!({
        "uri": format!("urn:jianguan:ocds:{}:{}", p.county_code, p.id),
        "version": "1.1",
        "publishedDate": stamp(app.now()),
        "publisher": { "name": bureau["name"] },
        "publicationPolicy": "https://standard.open-contracting.org/1.1/en/",
        "releases": releases,
    }))
}

/// The plan's milestones with the day each was met: the first progress report at or above
/// its percent. One not met by its date is `notMet`, one still ahead `scheduled`.
fn milestones(
    plan: Option<&progress_plan::Model>,
    reports: &[progress_report::Model],
    today: NaiveDate,
) -> Result<Vec<Value>, AppError> {
    let Some(plan) = plan else {
        return Ok(Vec::new());
    };
    let list: Vec<Milestone> = serde_json::from_str(&plan.milestones)
        .map_err(|e| AppError::corrupt("progress_plan", &plan.id, "milestones", e.to_string()))?;
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let met = reports
                .iter()
                .find(|r| r.cumulative_percent + 1e-9 >= m.percent)
                .map(|r| r.report_date);
            let status = match met {
                Some(_) => "met",
                None if m.date < today => "notMet",
                None => "scheduled",
            };
            let mut v = json!({
                "id": format!("{}-m{}", plan.id, i + 1),
                "title": format!("累计完成 {}%", m.percent),
                "type": "delivery",
                "dueDate": day(m.date),
                "status": status,
            });
            if let Some(d) = met {
                v["dateMet"] = json!(day(d));
            }
            v
        })
        .collect())
}
