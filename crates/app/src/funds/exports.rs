//! What leaves the funds area as files and lists: the ledger and the claims register as
//! XLSX, the recoveries, and invoices read from an uploaded list.

use super::*;
use crate::reporting::CLAIM;
use jianguan_documents::xlsx::table::{Cell, Table};
use jianguan_domain::reporting::Review;
use jianguan_store::entity::ledger_entry;
use jianguan_store::entity::submission_review as review;
// ------------------------------------------------------------------ spreadsheets out

/// One entry of the ledger as a row.
fn movement_row(e: &Entry, reversed: bool, projects: &BTreeMap<String, String>) -> Vec<Cell> {
    vec![
        Cell::Date(e.date),
        Cell::Text(projects.get(&e.project_id).cloned().unwrap_or_default()),
        Cell::Text(e.movement.label().into()),
        Cell::Fen(if e.reverses.is_some() {
            -e.amount_fen
        } else {
            e.amount_fen
        }),
        Cell::Text(ledger::describe(e)),
        Cell::Text(match (&e.reverses, reversed) {
            (Some(_), _) => "冲正".into(),
            (None, true) => "已冲正".into(),
            (None, false) => String::new(),
        }),
        Cell::Text(e.id.clone()),
    ]
}

/// The funds ledger of every programme the actor may see, one movement a row, as XLSX.
pub async fn ledger_xlsx(app: &App, actor: &Actor) -> Result<Vec<u8>, AppError> {
    let all = overview(app, actor).await?;
    // Who wrote each entry, and when, as stored.
    let written: BTreeMap<String, (String, chrono::DateTime<chrono::Utc>)> =
        scoped::find::<ledger_entry::Entity>(&actor.scope())
            .all(app.store.reader())
            .await?
            .into_iter()
            .map(|m| (m.id, (m.recorded_by, m.recorded_at)))
            .collect();
    let mut rows = Vec::new();
    for p in &all {
        let names: BTreeMap<String, String> = p
            .projects
            .iter()
            .map(|f| (f.project.id.clone(), f.project.name.clone()))
            .collect();
        for e in p.ledger.entries() {
            let mut row = vec![Cell::Text(p.programme.name.clone())];
            row.extend(movement_row(e, p.ledger.is_reversed(&e.id), &names));
            let (by, at) = written.get(&e.id).cloned().unzip();
            row.push(Cell::Text(by.unwrap_or_default()));
            row.push(at.map_or(Cell::Text(String::new()), |at| {
                Cell::Text(
                    at.with_timezone(&jianguan_domain::dates::china_offset())
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                )
            }));
            rows.push(row);
        }
    }
    let t = Table {
        sheet: "资金台账".into(),
        headers: vec![
            "综合示范项目",
            "日期",
            "项目",
            "类型",
            "金额（元）",
            "依据",
            "冲正",
            "台账编号",
            "记账人",
            "记账时间",
        ],
        rows,
    };
    app.heavy
        .run(move || jianguan_documents::xlsx::table::write(&t))
        .await?
        .map_err(|e| AppError::internal("funds ledger", e))
}

/// The claims register (补助资金申请登记表): every claim the actor may see with its
/// invoices, review and approved amount, as XLSX; the reviews read in one query.
pub async fn claims_xlsx(app: &App, actor: &Actor) -> Result<Vec<u8>, AppError> {
    use jianguan_documents::xlsx::table::MAX_ROWS;
    let db = app.store.reader();
    let all = scoped::find::<subsidy_claim::Entity>(&actor.scope())
        .order_by_desc(subsidy_claim::Column::SubmittedOn)
        .order_by_asc(subsidy_claim::Column::Id)
        .limit(MAX_ROWS as u64)
        .all(db)
        .await?;
    let mut latest: BTreeMap<String, review::Model> = BTreeMap::new();
    for r in scoped::find::<review::Entity>(&actor.scope())
        .filter(review::Column::Kind.eq(CLAIM))
        .order_by_asc(review::Column::SubmittedAt)
        .all(db)
        .await?
    {
        latest.insert(r.record_id.clone(), r);
    }
    let projects: BTreeMap<String, String> = crate::inspections::projects(app, actor)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut rows = Vec::with_capacity(all.len());
    for c in &all {
        let invoices = c.invoices_parsed()?;
        let state = latest
            .get(&c.id)
            .and_then(|r| Review::parse(&r.state))
            .map_or("导入的记录", Review::label);
        rows.push(vec![
            Cell::Date(c.submitted_on),
            Cell::Text(projects.get(&c.project_id).cloned().unwrap_or_default()),
            Cell::Text(c.purpose.clone().unwrap_or_default()),
            Cell::Fen(c.amount_fen),
            Cell::Count(i64::try_from(invoices.len()).unwrap_or(i64::MAX)),
            Cell::Fen(invoices.iter().map(Invoice::total_fen).sum()),
            Cell::Text(
                invoices
                    .iter()
                    .map(|i| format!("{} {}（{}）", i.code, i.number, i.seller))
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
            Cell::Text(state.into()),
            c.approved_fen.map_or(Cell::Empty, Cell::Fen),
            c.approved_on.map_or(Cell::Empty, Cell::Date),
        ]);
    }
    let t = Table {
        sheet: "补助资金申请".into(),
        headers: vec![
            "申请日期",
            "项目",
            "资金用途",
            "申请金额（元）",
            "发票张数",
            "发票价税合计（元）",
            "发票（代码 号码（销售方））",
            "审核状态",
            "核定金额（元）",
            "审核通过日期",
        ],
        rows,
    };
    app.heavy
        .run(move || jianguan_documents::xlsx::table::write(&t))
        .await?
        .map_err(|e| AppError::internal("claims register", e))
}

// ------------------------------------------------------------------ recoveries

/// A recovery (追回资金) as the list shows it.
#[derive(Debug, Clone)]
pub struct RecoveryRow {
    pub recovery: fund_recovery::Model,
    pub repaid_fen: i64,
    /// The decision it came from has a page (imported recoveries may not).
    pub has_decision: bool,
}

impl RecoveryRow {
    pub fn owed_fen(&self) -> i64 {
        (self.recovery.amount_fen - self.repaid_fen).max(0)
    }
}

/// The recoveries the actor may see (a contractor: its own), the latest decided first.
pub async fn recoveries(app: &App, actor: &Actor) -> Result<Vec<RecoveryRow>, AppError> {
    use jianguan_store::entity::sanction;
    let db = app.store.reader();
    let all = scoped::find::<fund_recovery::Entity>(&actor.scope())
        .order_by_desc(fund_recovery::Column::DecidedOn)
        .order_by_asc(fund_recovery::Column::Id)
        .limit(crate::records::MAX_PAGE)
        .all(db)
        .await?;
    let ids: Vec<String> = all.iter().map(|r| r.id.clone()).collect();
    let decided: std::collections::BTreeSet<String> =
        scoped::find::<sanction::Entity>(&actor.scope())
            .filter(sanction::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
    let mut out = Vec::with_capacity(all.len());
    for r in all {
        let repaid_fen = r
            .repayments_parsed()?
            .iter()
            .map(|y| y.amount_fen)
            .fold(0i64, i64::saturating_add);
        out.push(RecoveryRow {
            has_decision: decided.contains(&r.id),
            repaid_fen,
            recovery: r,
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------ invoices from a list

/// The blank invoice list (发票清单) to fill in Excel or WPS.
pub async fn invoice_template(app: &App) -> Result<Vec<u8>, AppError> {
    app.heavy
        .run(jianguan_documents::xlsx::invoice_template)
        .await?
        .map_err(|e| AppError::internal("invoice template", e))
}

/// An uploaded invoice list read whole: every cell problem at once (under `file`), or the
/// invoices as if typed, for the claim's own checks. Nothing is saved here.
pub async fn read_invoice_list(
    app: &App,
    bytes: Vec<u8>,
) -> Result<Vec<jianguan_domain::claim::InvoiceInput>, AppError> {
    let read = app
        .heavy
        .run(move || jianguan_documents::xlsx::read_invoices(&bytes))
        .await?;
    match read {
        Ok(rows) => Ok(rows
            .into_iter()
            .map(|r| jianguan_domain::claim::InvoiceInput {
                code: r.code,
                number: r.number,
                date: r.date,
                seller: r.seller,
                buyer: r.buyer,
                amount_fen: Some(r.amount_fen),
                tax_fen: Some(r.tax_fen),
            })
            .collect()),
        Err(errors) => Err(AppError::workbook("invoices", "file", &errors)),
    }
}
