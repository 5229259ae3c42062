//! 季度监督检查情况报告 for the leading group: in one quarter of one county, inspections
//! required against done (counted as the quota rules count), the docket's findings by area
//! and what became of them, rectification orders on time and overdue, sanctions decided,
//! the money and the assets, and each enterprise's operating data on time or not. The same
//! figures and charts on the page and in the issued PDF.

use crate::{Actor, App, AppError, Permission};
use chrono::{Datelike, NaiveDate};
use jianguan_documents::chart::{Group, grouped_bars};
use jianguan_domain::rules::calendar::quarter_end;
use jianguan_domain::rules::facts::OrderState;
use jianguan_domain::rules::{AREAS, MonthReport, QuotaLine};
use jianguan_domain::sanction::SanctionKind;
use jianguan_store::entity::{
    asset, disbursement, finding, project, rectification_order as order, sanction,
};
use jianguan_store::scoped;
use jianguan_store::sea::{ColumnTrait, ExprTrait, QueryFilter};

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    /// 1–4.
    pub q: u32,
}

const NUMERALS: [&str; 4] = ["一", "二", "三", "四"];

impl Quarter {
    pub fn of(d: NaiveDate) -> Self {
        Quarter {
            year: d.year(),
            q: d.month0() / 3 + 1,
        }
    }

    /// A quarter as a form or URL gives it; a bad one named.
    pub fn parse(year: &str, q: &str, today: NaiveDate) -> Result<Self, AppError> {
        let mut e = jianguan_domain::FieldErrors::new();
        let year = year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        let q = q.trim().parse::<u32>().ok().filter(|q| (1..=4).contains(q));
        if year.is_none() {
            e.add("year", "年份请写四位数字，例如 2026");
        }
        if q.is_none() {
            e.add("quarter", "季度请选择第一至第四季度");
        }
        let (Some(year), Some(q)) = (year, q) else {
            return Err(AppError::Validation(e));
        };
        let quarter = Quarter { year, q };
        if quarter.start() > today {
            return Err(AppError::field("quarter", "这个季度还没有开始"));
        }
        Ok(quarter)
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn end(self) -> NaiveDate {
        quarter_end(self.start())
    }

    /// "2026年第四季度".
    pub fn label(self) -> String {
        format!("{}年第{}季度", self.year, NUMERALS[(self.q - 1) as usize])
    }

    /// What a report of this quarter is registered under ("2026-Q4").
    pub fn key(self) -> String {
        format!("{}-Q{}", self.year, self.q)
    }

    pub fn parse_key(key: &str, today: NaiveDate) -> Result<Self, AppError> {
        let (y, q) = key
            .trim()
            .split_once("-Q")
            .ok_or_else(|| AppError::field("source_id", "季度报告请写明季度，例如 2026-Q4"))?;
        Self::parse(y, q, today)
    }
}

/// Findings of one area: new in the quarter, resolved in it, open at its end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaLine {
    pub area: &'static str,
    pub new: u32,
    pub resolved: u32,
    pub open_at_end: u32,
}

/// The orders issued in the quarter and where they stand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Orders {
    pub issued: u32,
    pub done_on_time: u32,
    pub done_late: u32,
    pub open_overdue: u32,
    pub open_in_time: u32,
}

/// One enterprise's operating data for the quarter's months.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataLine {
    pub enterprise: String,
    pub owed: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub quarter: Quarter,
    pub county: String,
    /// The figures are as of this day: the quarter's end, or today while it runs.
    pub as_of: NaiveDate,
    pub inspections: Vec<QuotaLine>,
    pub findings: Vec<AreaLine>,
    pub orders: Orders,
    /// Sanctions decided in the quarter: (kind, how many).
    pub sanctions: Vec<(&'static str, u32)>,
    pub budget_fen: i64,
    pub disbursed_in_quarter_fen: i64,
    pub disbursed_to_end_fen: i64,
    pub assets: u32,
    pub asset_value_fen: i64,
    pub assets_unlabelled: u32,
    pub data: Vec<DataLine>,
}

/// Who may read the report: the bureau and auditors (it is the whole county's).
pub fn may_read(actor: &Actor) -> bool {
    actor.may(Permission::ReadCounty) && actor.county_code.is_some()
}

pub async fn report(app: &App, actor: &Actor, quarter: Quarter) -> Result<Report, AppError> {
    if !may_read(actor) {
        return Err(AppError::Forbidden);
    }
    let county_code = actor.county_for_write(None)?;
    let db = app.store.reader();
    let scope = actor.scope();
    let (from, to) = (quarter.start(), quarter.end());
    let as_of = Ord::min(to, app.today());
    let county = jianguan_store::queries::county(db, &county_code)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();

    let tally = jianguan_domain::rules::facts::Tally::new(&app.profile, as_of);
    let facts = jianguan_store::facts::load(db, &county_code, Some(tally)).await?;
    let inspections = jianguan_domain::rules::quarter_quota(&facts, &app.profile, as_of, from);

    let months: Vec<NaiveDate> = (0..3)
        .map(|n| from + chrono::Months::new(n))
        .filter(|m| *m <= as_of)
        .collect();
    let data = jianguan_domain::rules::reporting_matrix(&facts, &app.profile, as_of, &months)
        .into_iter()
        .map(|r| {
            let mut line = DataLine {
                enterprise: r.name,
                ..DataLine::default()
            };
            for (_, m) in r.months {
                match m {
                    MonthReport::NotOwed | MonthReport::NotDue => continue,
                    MonthReport::OnTime => line.on_time += 1,
                    MonthReport::Late(_) => line.late += 1,
                    MonthReport::Missing => line.missing += 1,
                }
                line.owed += 1;
            }
            line
        })
        .filter(|l| l.owed > 0)
        .collect();

    let found = scoped::find::<finding::Entity>(&scope)
        .filter(finding::Column::FirstSeen.lte(as_of))
        .filter(
            finding::Column::ResolvedOn
                .is_null()
                .or(finding::Column::ResolvedOn.gte(from)),
        )
        .all(db)
        .await?;
    let findings = AREAS
        .iter()
        .map(|(code, label)| {
            let mut line = AreaLine {
                area: label,
                ..AreaLine::default()
            };
            for f in found
                .iter()
                .filter(|f| f.rule.split('.').next() == Some(*code))
            {
                if f.first_seen >= from {
                    line.new += 1;
                }
                match f.resolved_on {
                    Some(r) if r <= as_of => line.resolved += 1,
                    _ => line.open_at_end += 1,
                }
            }
            line
        })
        .filter(|l| {
            *l != AreaLine {
                area: l.area,
                ..AreaLine::default()
            }
        })
        .collect();

    let mut orders = Orders::default();
    for o in scoped::find::<order::Entity>(&scope)
        .filter(order::Column::IssuedOn.between(from, as_of))
        .filter(order::Column::VoidedAt.is_null())
        .all(db)
        .await?
    {
        orders.issued += 1;
        match o.accepted_on.filter(|_| OrderState::Accepted.is(&o.state)) {
            Some(d) if d <= o.deadline => orders.done_on_time += 1,
            Some(_) => orders.done_late += 1,
            None if o.deadline < as_of => orders.open_overdue += 1,
            None => orders.open_in_time += 1,
        }
    }

    let decided = scoped::find::<sanction::Entity>(&scope)
        .filter(sanction::Column::DecidedOn.between(from, as_of))
        .all(db)
        .await?;
    let sanctions = SanctionKind::ALL
        .iter()
        .map(|k| {
            let n = decided.iter().filter(|s| s.kind == k.code()).count() as u32;
            (k.label(), n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();

    let projects = scoped::find::<project::Entity>(&scope)
        .filter(project::Column::VoidedAt.is_null())
        .all(db)
        .await?;
    let paid = scoped::find::<disbursement::Entity>(&scope)
        .filter(disbursement::Column::VoidedAt.is_null())
        .filter(disbursement::Column::Date.lte(as_of))
        .all(db)
        .await?;
    let paid: Vec<_> = paid.into_iter().filter(|d| d.confirmed()).collect();
    let assets = scoped::find::<asset::Entity>(&scope)
        .filter(asset::Column::VoidedAt.is_null())
        .filter(asset::Column::CentralFunds.eq(true))
        .all(db)
        .await?;

    Ok(Report {
        quarter,
        county,
        as_of,
        inspections,
        findings,
        orders,
        sanctions,
        budget_fen: projects.iter().map(|p| p.central_funds_fen).sum(),
        disbursed_in_quarter_fen: paid
            .iter()
            .filter(|d| d.date >= from)
            .map(|d| d.amount_fen)
            .sum(),
        disbursed_to_end_fen: paid.iter().map(|d| d.amount_fen).sum(),
        assets: assets.len() as u32,
        asset_value_fen: assets.iter().map(|a| a.value_fen).sum(),
        assets_unlabelled: assets
            .iter()
            .filter(|a| a.tag.as_deref().is_none_or(|t| t.trim().is_empty()))
            .count() as u32,
        data,
    })
}

/// The report's two charts as SVG: inspections required against done, and findings by
/// area. The page shows them and the PDF carries the same drawings.
pub fn charts(r: &Report) -> Vec<(String, String)> {
    let inspections: Vec<Group> = r
        .inspections
        .iter()
        .map(|l| Group {
            label: format!(
                "{}（{}）",
                l.period,
                jianguan_domain::inspection::kind_label(l.kind)
            ),
            values: vec![
                (i64::from(l.required), format!("应检查 {} 次", l.required)),
                (i64::from(l.done), format!("已检查 {} 次", l.done)),
            ],
        })
        .collect();
    let findings: Vec<Group> = r
        .findings
        .iter()
        .map(|l| Group {
            label: l.area.to_string(),
            values: vec![
                (i64::from(l.new), format!("新发现 {}", l.new)),
                (i64::from(l.resolved), format!("已解决 {}", l.resolved)),
                (
                    i64::from(l.open_at_end),
                    format!("期末未解决 {}", l.open_at_end),
                ),
            ],
        })
        .collect();
    vec![
        (
            "监督检查频次：应检查与已检查".into(),
            grouped_bars("监督检查频次", &["应检查", "已检查"], &inspections),
        ),
        (
            "待办事项按领域：新发现、已解决与期末未解决".into(),
            grouped_bars("待办事项", &["新发现", "已解决", "期末未解决"], &findings),
        ),
    ]
}
