//! Claims handed in, reviewed, and suspected pairs decided.

use super::*;
use crate::Permission;
use crate::audit::entry;
use crate::reporting::{CLAIM, HandIn, hand_in, review_row, reviews_of};
use crate::secrets::new_id;
use jianguan_domain::FieldErrors;
use jianguan_domain::claim::{ClaimInput, DECLARATION};
use jianguan_domain::reporting::Review;
use jianguan_domain::rules::facts::SubsidyClaim;
use jianguan_store::entity::{duplicate_decision, submission_review as review};
// ------------------------------------------------------------------ handing in a claim

/// Hands a claim in: the contractor in its portal, or staff for the contractor (then the
/// claim records who entered it, and that person may not review it). The docket runs
/// at once, so a duplicate shows before anyone reviews the claim.
pub async fn submit_claim(
    app: &App,
    actor: &Actor,
    input: &ClaimInput,
    pre: FieldErrors,
) -> Result<subsidy_claim::Model, AppError> {
    let staff = actor.role.supervises();
    if staff {
        actor.require(Permission::EditRecords)?;
    } else if actor.role != Role::Contractor {
        return Err(AppError::Forbidden);
    }
    let mut e = pre;
    let project = crate::records::chosen_project(
        app,
        actor,
        &input.project_id,
        "请选择申请补助的项目",
        &mut e,
    )
    .await?;
    let f = input.validate(app.today(), e)?;
    let p = project.ok_or(AppError::NotFound)?;
    let now = app.now();
    let m = subsidy_claim::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        submitted_on: app.today(),
        amount_fen: f.amount_fen,
        invoices: serde_json::to_string(&f.invoices)?,
        purpose: Some(f.purpose),
        declaration: Some(format!(
            "{}于{}确认：{DECLARATION}",
            actor.audit_name(),
            jianguan_domain::format_cn_date(app.today())
        )),
        recorded_by: staff.then(|| actor.user_id.clone()),
        approved_fen: None,
        approved_on: None,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let r = review_row(app, actor, &p, CLAIM, &m.id, 1);
    hand_in(
        app,
        actor,
        &p.county_code,
        HandIn {
            kind: CLAIM,
            id: m.id.clone(),
            record: m.clone(),
            replaced: None,
            review: r,
            title: format!("补助资金申请待审核：{}", p.name),
            body: format!(
                "申请金额{}，附发票 {} 张。",
                yuan(m.amount_fen),
                f.invoices.len()
            ),
            link: format!("/funds/claims/{}", m.id),
        },
    )
    .await?;
    Ok(m)
}

/// A claim's review state; an imported claim (no review row) counts as reviewed: approved
/// if it carries an approved amount.
pub async fn claim_review(
    app: &App,
    c: &subsidy_claim::Model,
) -> Result<Option<review::Model>, AppError> {
    Ok(reviews_of(app, &c.id).await?.pop())
}

/// The open findings that hold a claim's approval: a duplicate of it, or a pair with it
/// still to be decided.
async fn holds(
    app: &App,
    actor: &Actor,
    c: &subsidy_claim::Model,
) -> Result<Vec<finding::Model>, AppError> {
    Ok(open_claim_findings(app, actor)
        .await?
        .into_iter()
        .filter(|f| {
            // A claim above its invoices is settled by approving no more than they show.
            let over = f.period.as_deref() == Some("over_invoiced");
            (f.subject_id == c.id && !over)
                || (f.rule == "funds.suspected_duplicate" && f.period.as_deref() == Some(&c.id))
        })
        .collect())
}

/// What a reviewer decides on a claim.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimVerdict {
    /// approved, has_issues, rejected
    pub verdict: String,
    #[serde(default)]
    pub note: String,
    /// 核定金额, in 分: required when approving, at most the amount claimed.
    #[serde(default)]
    pub approved_fen: Option<i64>,
}

/// Reviews a claim: approved (with the amount approved, which may be lower — the note
/// says why), has issues, or rejected. Never by the staff member who entered it, and
/// not while a duplicate of it is open or a suspected pair with it is undecided.
pub async fn review_claim(
    app: &App,
    actor: &Actor,
    id: &str,
    v: &ClaimVerdict,
    pre: FieldErrors,
) -> Result<subsidy_claim::Model, AppError> {
    actor.require(Permission::Supervise)?;
    let c = claim(app, actor, id).await?;
    if c.recorded_by.as_deref() == Some(actor.user_id.as_str()) {
        return Err(AppError::Conflict(
            "这份申请是您代企业录入的，须由另一名工作人员审核（录入人不能审核）".into(),
        ));
    }
    let before = claim_review(app, &c)
        .await?
        .ok_or_else(|| AppError::Conflict("该申请是导入的记录，没有待审核的版本".into()))?;
    let current = Review::parse(&before.state).unwrap_or(Review::Submitted);
    if current != Review::Submitted {
        return Err(AppError::Conflict(format!(
            "该申请{}，不能再审核；如需更正，请企业重新提交申请。",
            current.label()
        )));
    }
    let mut e = pre;
    let verdict = Review::parse(v.verdict.trim());
    if verdict.is_none() || verdict == Some(Review::Submitted) {
        e.add("verdict", "请选择审核结论");
    }
    let mut approved = None;
    if verdict == Some(Review::Approved) && e.get("approved").is_none() {
        match v.approved_fen {
            None => e.add("approved", "请填写核定金额"),
            Some(x) if x <= 0 => e.add("approved", "核定金额必须大于零；不予补助请选择“退回”"),
            Some(x) if x > c.amount_fen => e.add(
                "approved",
                format!("核定金额不能超过申请金额{}", yuan(c.amount_fen)),
            ),
            Some(x) if x > invoiced_fen(&c)? => e.add(
                "approved",
                format!(
                    "核定金额不能超过所附发票的价税合计{}",
                    yuan(invoiced_fen(&c)?)
                ),
            ),
            Some(x) => {
                if x < c.amount_fen && v.note.trim().is_empty() {
                    e.add("note", "核减金额时请写明核减原因");
                }
                approved = Some(x);
            }
        }
    }
    let note = e.optional_text("note", "审核意见", Some(&v.note), 2_000);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let verdict = verdict.unwrap_or(Review::Submitted);
    let next = current
        .review(verdict, note.as_deref().unwrap_or_default())
        .map_err(|m| {
            if current == Review::Submitted {
                AppError::field("note", m)
            } else {
                AppError::Conflict(m)
            }
        })?;
    if next == Review::Approved {
        let open = holds(app, actor, &c).await?;
        if let Some(f) = open.first() {
            return Err(AppError::Conflict(format!(
                "该申请有未处理的重复申请疑点，请先核实再审核通过：{}",
                f.message
            )));
        }
    }
    let now = app.now();
    let after_review = review::Model {
        state: next.code().into(),
        note: note.clone(),
        reviewed_by: Some(actor.audit_name()),
        reviewed_at: Some(now),
        ..before.clone()
    };
    let p = crate::records::project(app, actor, &c.project_id).await?;
    let mut tx = app.store.begin().await?;
    tx.replace(&before, after_review.clone()).await?;
    let after = subsidy_claim::Model {
        approved_fen: approved,
        approved_on: approved.map(|_| app.today()),
        updated_at: now,
        ..c.clone()
    };
    if approved.is_some() {
        tx.replace(&c, after.clone()).await?;
        super::ledger::post_for(app, &mut tx, actor, &c.county_code, &c.project_id).await?;
        tx.record(entry(
            app,
            actor,
            &c.county_code,
            (CLAIM, &c.id),
            "approve",
            Some(&c),
            Some(&after),
        )?)
        .await?;
    }
    let ent = p.enterprise_id.clone();
    crate::notify::notify(
        app,
        &tx,
        &c.county_code,
        |u| u.role == "contractor" && u.enterprise_id.as_deref() == Some(ent.as_str()),
        format!("补助资金申请{}：{}", next.label(), p.name),
        match approved {
            Some(x) => format!("核定金额{}。{}", yuan(x), note.clone().unwrap_or_default()),
            None => note.clone().unwrap_or_default(),
        },
        format!("/funds/claims/{}", c.id),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &c.county_code,
        ("submission_review", &before.id),
        "review",
        Some(&before),
        Some(&after_review),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &c.county_code).await?;
    Ok(if approved.is_some() { after } else { c })
}

// ------------------------------------------------------------------ deciding a suspected pair

/// 价税合计 of a claim's invoices.
fn invoiced_fen(c: &subsidy_claim::Model) -> Result<i64, AppError> {
    Ok(c.invoices_parsed()?.iter().map(Invoice::total_fen).sum())
}

fn as_fact(c: &subsidy_claim::Model) -> Result<SubsidyClaim, AppError> {
    Ok(SubsidyClaim {
        id: c.id.clone(),
        project_id: c.project_id.clone(),
        submitted_on: c.submitted_on,
        amount_fen: c.amount_fen,
        invoices: c.invoices_parsed()?,
        approved_fen: c.approved_fen,
        approved_on: c.approved_on,
    })
}

/// A staff member's word on a pair `funds.suspected_duplicate` raised: confirmed (it is a
/// duplicate, and `funds.duplicate_claim` with the recovery follows) or not a duplicate,
/// with the reason either way. Kept and audited; the pair is not raised again unless one
/// of the claims changes. Two identical clicks at once decide it once.
pub async fn decide_pair(
    app: &App,
    actor: &Actor,
    finding_id: &str,
    confirmed: bool,
    reason: &str,
) -> Result<duplicate_decision::Model, AppError> {
    actor.require(Permission::Supervise)?;
    let f = crate::docket::get(app, actor, finding_id).await?;
    if f.rule != "funds.suspected_duplicate" || f.resolved_on.is_some() {
        return Err(AppError::Conflict(
            "这条待办不是待核实的疑似重复申请，或已经处理".into(),
        ));
    }
    // A pair of claims, or (a claim above its invoices) the claim with itself.
    let first = match f.period.as_deref() {
        Some("over_invoiced") => f.subject_id.as_str(),
        Some(p) if !p.contains(':') => p,
        _ => {
            return Err(AppError::Conflict(
                "这项疑点涉及其他县的申请，请与该县核实".into(),
            ));
        }
    };
    let mut e = FieldErrors::new();
    let reason = e.required_text("reason", "核实情况", reason, 2_000);
    e.into_result(()).map_err(AppError::from)?;
    let a = claim(app, actor, first).await?;
    let b = claim(app, actor, &f.subject_id).await?;
    // A pair is kept in id order, as the rules look it up.
    let (a, b) = if a.id <= b.id { (a, b) } else { (b, a) };
    let fingerprint = jianguan_domain::rules::pair_fingerprint(&as_fact(&a)?, &as_fact(&b)?);
    let now = app.now();
    let m = duplicate_decision::Model {
        id: new_id(),
        county_code: f.county_code.clone(),
        claim_a: a.id.clone(),
        claim_b: b.id.clone(),
        confirmed,
        fingerprint,
        reason,
        decided_by: actor.audit_name(),
        decided_on: app.today(),
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let mut tx = app.store.begin().await?;
    tx.insert(m.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &f.county_code,
        ("duplicate_decision", &m.id),
        if confirmed { "confirm" } else { "clear" },
        None,
        Some(&m),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &f.county_code).await?;
    Ok(m)
}

/// The decisions taken on pairs with this claim, newest first (staff only).
pub async fn decisions(
    app: &App,
    actor: &Actor,
    c: &subsidy_claim::Model,
) -> Result<Vec<duplicate_decision::Model>, AppError> {
    if actor.role == Role::Contractor {
        return Ok(Vec::new());
    }
    Ok(duplicate_decision::Entity::find()
        .filter(duplicate_decision::Column::CountyCode.eq(c.county_code.as_str()))
        .filter(duplicate_decision::Column::VoidedAt.is_null())
        .filter(
            Condition::any()
                .add(duplicate_decision::Column::ClaimA.eq(c.id.as_str()))
                .add(duplicate_decision::Column::ClaimB.eq(c.id.as_str())),
        )
        .order_by_desc(duplicate_decision::Column::CreatedAt)
        .all(app.store.reader())
        .await?)
}

// ------------------------------------------------------------------ corrections

/// A claim as recorded, voided ones included (its page stays, marked voided).
pub async fn claim_record(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<subsidy_claim::Model, AppError> {
    scoped::one_with_voided::<subsidy_claim::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Voids a claim entered or approved in error, with the reason: the record is kept,
/// marked voided, and an approved amount is undone in the ledger by a reversing entry on
/// the day. Staff only, once; the claim leaves the lists and the duplicate comparisons.
pub async fn void_claim(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<subsidy_claim::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = claim_record(app, actor, id).await?;
    actor.require_staff()?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该补助资金申请已经作废".into()));
    }
    let reason = crate::records::void_reason(reason)?;
    let now = app.now();
    let after = subsidy_claim::Model {
        voided_at: Some(now),
        void_reason: Some(reason),
        updated_at: now,
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        (CLAIM, id),
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
