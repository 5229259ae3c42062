//! Disbursements recorded by one staff member and confirmed by another, and voided with
//! a reversing entry when recorded in error.

use super::*;
use crate::Permission;
use crate::audit::entry;
use crate::secrets::new_id;
use jianguan_domain::FieldErrors;
// ------------------------------------------------------------------ disbursements

/// A disbursement as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisbursementInput {
    pub project_id: String,
    pub date: String,
    pub amount_fen: Option<i64>,
    /// 批次, e.g. 第一批.
    pub batch: String,
}

/// Records a disbursement; it counts once another staff member confirms it.
pub async fn record_disbursement(
    app: &App,
    actor: &Actor,
    input: &DisbursementInput,
    pre: FieldErrors,
) -> Result<disbursement::Model, AppError> {
    actor.require_staff()?;
    let mut e = pre;
    let project =
        crate::records::chosen_project(app, actor, &input.project_id, "请选择拨付的项目", &mut e)
            .await?;
    let date = match jianguan_domain::dates::parse_date(&input.date) {
        Ok(d) if d > app.today() => {
            e.add("date", "拨付日期不能晚于今天");
            None
        }
        Ok(d) => Some(d),
        Err(_) if input.date.trim().is_empty() => {
            e.add("date", "请填写拨付日期");
            None
        }
        Err(m) => {
            e.add("date", m);
            None
        }
    };
    if e.get("amount").is_none() {
        match input.amount_fen {
            None => e.add("amount", "请填写拨付金额"),
            Some(x) if x <= 0 => e.add("amount", "拨付金额必须大于零"),
            Some(x) if x > jianguan_domain::money::MAX_FEN => {
                e.add("amount", "金额过大，请核对（上限为 1000 亿元）")
            }
            Some(_) => {}
        }
    }
    let batch = e.required_text("batch", "拨付批次", &input.batch, 50);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let (Some(p), Some(date), Some(amount_fen)) = (project, date, input.amount_fen) else {
        return Err(AppError::NotFound);
    };
    let now = app.now();
    let m = disbursement::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        date,
        amount_fen,
        batch,
        state: Some(disbursement::RECORDED.into()),
        recorded_by: Some(actor.user_id.clone()),
        confirmed_by: None,
        confirmed_on: None,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let mut tx = app.store.begin().await?;
    tx.insert(m.clone()).await?;
    let me = actor.user_id.clone();
    crate::notify::notify(
        app,
        &tx,
        &p.county_code,
        |u| crate::notify::is_staff(u) && u.id != me,
        format!("拨付记录待复核：{}", p.name),
        format!(
            "{}，{}，请另一名工作人员核对后确认。",
            batch_text(&m),
            yuan(m.amount_fen)
        ),
        "/funds/disbursements".into(),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        ("disbursement", &m.id),
        "create",
        None,
        Some(&m),
    )?)
    .await?;
    tx.commit().await?;
    Ok(m)
}

fn batch_text(d: &disbursement::Model) -> String {
    format!("{}（{}）", d.batch, jianguan_domain::format_cn_date(d.date))
}

/// Confirms a recorded disbursement: by someone other than its recorder (two-person rule),
/// once. From then on it counts, and its funds-use inspection (三（一）4) is due.
pub async fn confirm_disbursement(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<disbursement::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = disbursement(app, actor, id).await?;
    actor.require_staff()?;
    if before.state.as_deref() != Some(disbursement::RECORDED) {
        return Err(AppError::Conflict("该拨付记录已经确认".into()));
    }
    if before.recorded_by.as_deref() == Some(actor.user_id.as_str()) {
        return Err(AppError::Conflict(
            "拨付记录须由另一名工作人员复核确认，录入人不能自己确认".into(),
        ));
    }
    let after = disbursement::Model {
        state: Some(disbursement::CONFIRMED.into()),
        confirmed_by: Some(actor.user_id.clone()),
        confirmed_on: Some(app.today()),
        updated_at: app.now(),
        ..before.clone()
    };
    let p = crate::records::project(app, actor, &before.project_id).await?;
    let mut tx = app.store.begin().await?;
    tx.replace(&before, after.clone()).await?;
    super::ledger::post_for(app, &mut tx, actor, &p.county_code, &p.id).await?;
    let ent = p.enterprise_id.clone();
    crate::notify::notify(
        app,
        &tx,
        &p.county_code,
        |u| u.role == "contractor" && u.enterprise_id.as_deref() == Some(ent.as_str()),
        format!("资金已拨付：{}", p.name),
        format!(
            "{}，{}。按规定，拨付后将开展资金使用情况检查。",
            batch_text(&after),
            yuan(after.amount_fen)
        ),
        format!("/projects/{}", p.id),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        ("disbursement", &after.id),
        "confirm",
        Some(&before),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &p.county_code).await?;
    Ok(after)
}

// ------------------------------------------------------------------ corrections

/// A disbursement as recorded, voided ones included (its page stays, marked voided).
pub async fn disbursement_record(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<disbursement::Model, AppError> {
    scoped::one_with_voided::<disbursement::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Voids a disbursement recorded in error, with the reason: the record is kept, marked
/// voided, and the ledger undoes its payment with a reversing entry on the day.
pub async fn void_disbursement(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<disbursement::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = disbursement_record(app, actor, id).await?;
    actor.require_staff()?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该拨付记录已经作废".into()));
    }
    let reason = crate::records::void_reason(reason)?;
    let now = app.now();
    let after = disbursement::Model {
        voided_at: Some(now),
        void_reason: Some(reason),
        updated_at: now,
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("disbursement", id),
        "void",
        Some(&before),
        Some(&after),
    )?;
    super::ledger::replace_and_post(
        app,
        actor,
        audit,
        &before,
        after.clone(),
        &before.project_id,
    )
    .await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}
