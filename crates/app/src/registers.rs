//! 台账 as XLSX: each register the county keeps — projects, inspections, rectification
//! orders, sanctions, operating data, licences, training classes — with the filters of the
//! list it comes from, as its list page's 导出 Excel and its API: Chinese headers, real
//! dates and amounts, the header frozen and filtered, text never read as a formula.

use crate::inspections::{InspectionFilter, InspectionSort};
use crate::rectification::OrderFilter;
use crate::sanctions::SanctionFilter;
use crate::{Actor, App, AppError};
use jianguan_documents::xlsx::table::{Cell, MAX_ROWS, SheetWriter, Table};
use jianguan_domain::project::ProjectStatus;
use jianguan_domain::rules::facts::OrderState;
use jianguan_domain::sanction::{SanctionKind, SanctionState};
use jianguan_domain::system::System;
use jianguan_store::entity::inspection;
use jianguan_store::paging::Cursor;
use jianguan_store::queries::{self, ListFilter, Paged};
use std::collections::HashMap;
use std::future::Future;

/// Reads a list page by page (the pages' own bound), at most a register's rows in all.
/// When the list pages by key (`key` gives a row's), each page is read next to the last
/// row of the one before, so every page costs what the first does, where by offset the
/// 100th page of 500 first walks past the 49,500 rows before it.
struct Pages<T, F> {
    page: F,
    key: Option<fn(&T) -> String>,
    offset: u64,
    after: Option<Cursor>,
    done: bool,
}

impl<T, F, Fut> Pages<T, F>
where
    F: FnMut(u64, Option<Cursor>) -> Fut,
    Fut: Future<Output = Result<Paged<T>, AppError>>,
{
    const SIZE: u64 = 500;

    fn new(key: Option<fn(&T) -> String>, page: F) -> Self {
        Pages {
            page,
            key,
            offset: 0,
            after: None,
            done: false,
        }
    }

    /// The next page's rows; `None` after the last.
    async fn next(&mut self) -> Result<Option<Vec<T>>, AppError> {
        if self.done {
            return Ok(None);
        }
        let p = (self.page)(self.offset, self.after.take()).await?;
        let n = p.items.len() as u64;
        self.after = self
            .key
            .zip(p.items.last())
            .map(|(k, last)| Cursor::After(k(last)));
        let room = (MAX_ROWS as u64).saturating_sub(self.offset);
        self.offset += n;
        self.done = n < Self::SIZE || self.offset >= p.total || self.offset >= MAX_ROWS as u64;
        let mut items = p.items;
        items.truncate(usize::try_from(room).unwrap_or(MAX_ROWS));
        Ok(Some(items))
    }
}

/// Every row of a list paged by offset.
async fn every<T, F, Fut>(mut page: F) -> Result<Vec<T>, AppError>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<Paged<T>, AppError>>,
{
    let mut pages = Pages::new(None, |offset, _| page(offset));
    let mut out = Vec::new();
    while let Some(items) = pages.next().await? {
        out.extend(items);
    }
    Ok(out)
}

/// A register too long to hold whole, written as it is read: each page's records are made
/// their rows (`row`) and written to the sheet (on the blocking pool) before the next page
/// is read, so no more than a page of records and rows is held at once.
async fn written<T, F, Fut>(
    app: &App,
    sheet: &str,
    headers: &[&str],
    mut pages: Pages<T, F>,
    mut row: impl FnMut(T) -> Result<Vec<Cell>, AppError>,
) -> Result<Vec<u8>, AppError>
where
    F: FnMut(u64, Option<Cursor>) -> Fut,
    Fut: Future<Output = Result<Paged<T>, AppError>>,
{
    let mut w = SheetWriter::new(sheet, headers).map_err(AppError::Conflict)?;
    while let Some(items) = pages.next().await? {
        let rows = items
            .into_iter()
            .map(&mut row)
            .collect::<Result<Vec<_>, _>>()?;
        w = app
            .heavy
            .run(move || w.extend(&rows).map(|()| w))
            .await?
            .map_err(AppError::Conflict)?;
    }
    app.heavy
        .run(move || w.finish())
        .await?
        .map_err(AppError::Conflict)
}

async fn write(app: &App, t: Table<'static>) -> Result<Vec<u8>, AppError> {
    app.heavy
        .run(move || jianguan_documents::xlsx::table::write(&t))
        .await?
        .map_err(AppError::Conflict)
}

async fn enterprise_names(
    app: &App,
    ids: impl Iterator<Item = String>,
) -> Result<HashMap<String, String>, AppError> {
    let mut ids: Vec<String> = ids.collect();
    ids.sort();
    ids.dedup();
    Ok(queries::enterprise_names(app.store.reader(), &ids).await?)
}

async fn project_names(app: &App, actor: &Actor) -> Result<HashMap<String, String>, AppError> {
    Ok(crate::inspections::projects(app, actor)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_date(d: Option<chrono::NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

/// 项目台账, with the projects list's filters.
pub async fn projects(app: &App, actor: &Actor, f: &ListFilter) -> Result<Vec<u8>, AppError> {
    let all = every(|offset| {
        let f = ListFilter {
            offset,
            limit: 500,
            ..f.clone()
        };
        async move { crate::records::projects(app, actor, &f).await }
    })
    .await?;
    let names = enterprise_names(app, all.iter().map(|p| p.enterprise_id.clone())).await?;
    let rows = all
        .iter()
        .map(|p| {
            vec![
                text(&p.name),
                text(names.get(&p.enterprise_id).cloned().unwrap_or_default()),
                text(System::parse(&p.system).map_or("", System::label)),
                text(&p.township),
                text(p.village.clone().unwrap_or_default()),
                Cell::Fen(p.central_funds_fen),
                Cell::Date(p.construction_start),
                Cell::Date(p.construction_end),
                opt_date(p.operation_start),
                opt_date(p.service_period_end),
                text(ProjectStatus::parse(&p.status).map_or("", ProjectStatus::label)),
                text(if p.voided_at.is_some() {
                    "已作废"
                } else {
                    ""
                }),
            ]
        })
        .collect();
    write(
        app,
        Table {
            sheet: "项目台账".into(),
            headers: vec![
                "项目名称",
                "承办企业",
                "所属体系",
                "乡镇",
                "村（社区）",
                "中央财政资金（元）",
                "建设开始",
                "建设结束",
                "运营开始",
                "服务期满",
                "状态",
                "作废",
            ],
            rows,
        },
    )
    .await
}

/// 监督检查台账, with the inspections list's filters and order.
pub async fn inspections(
    app: &App,
    actor: &Actor,
    f: &InspectionFilter,
    sort: InspectionSort,
) -> Result<Vec<u8>, AppError> {
    let projects = project_names(app, actor).await?;
    let key: fn(&inspection::Model) -> String = |i| i.id.clone();
    let pages = Pages::new(Some(key), |offset, after| async move {
        crate::inspections::page(app, actor, f, sort, (offset, after.as_ref()), 500).await
    });
    written(
        app,
        "监督检查台账",
        &[
            "检查日期",
            "项目",
            "检查类型",
            "检查人员",
            "状态",
            "方式",
            "图片（张）",
            "会议记录",
            "发现的问题",
        ],
        pages,
        |i| {
            let kinds: Vec<&str> = i
                .kinds_parsed()?
                .iter()
                .filter_map(|k| jianguan_domain::inspection::parse_kind(k))
                .map(jianguan_domain::inspection::kind_label)
                .collect();
            Ok(vec![
                Cell::Date(i.date),
                text(projects.get(&i.project_id).cloned().unwrap_or_default()),
                text(kinds.join("、")),
                text(i.inspectors_parsed()?.join("、")),
                text(
                    jianguan_domain::inspection::InspectionStatus::parse(&i.status)
                        .map_or("", |s| s.label()),
                ),
                text(if i.announced {
                    "事先通知"
                } else {
                    "不打招呼"
                }),
                Cell::Count(i.photo_count),
                text(i.minutes.unwrap_or_default()),
                text(i.problems.unwrap_or_default()),
            ])
        },
    )
    .await
}

/// 整改台账, with the orders list's filters and order.
pub async fn orders(app: &App, actor: &Actor, f: &OrderFilter) -> Result<Vec<u8>, AppError> {
    let all =
        every(|offset| async move { crate::rectification::page(app, actor, f, offset, 500).await })
            .await?;
    let projects = project_names(app, actor).await?;
    let names = enterprise_names(app, all.iter().map(|o| o.enterprise_id.clone())).await?;
    let today = app.today();
    let rows = all
        .iter()
        .map(|o| {
            let state = OrderState::parse(&o.state);
            vec![
                text(&o.title),
                text(projects.get(&o.project_id).cloned().unwrap_or_default()),
                text(names.get(&o.enterprise_id).cloned().unwrap_or_default()),
                Cell::Date(o.issued_on),
                Cell::Date(o.deadline),
                text(state.map_or("", |s| s.label())),
                text(
                    if state != Some(OrderState::Accepted) && o.deadline < today {
                        "已逾期"
                    } else {
                        ""
                    },
                ),
                opt_date(o.accepted_on),
                text(o.responsible_person.clone().unwrap_or_default()),
                text(&o.requirements),
            ]
        })
        .collect();
    write(
        app,
        Table {
            sheet: "整改台账".into(),
            headers: vec![
                "整改事项",
                "项目",
                "承办企业",
                "下达日期",
                "整改期限",
                "状态",
                "逾期",
                "验收日期",
                "整改责任人",
                "整改要求",
            ],
            rows,
        },
    )
    .await
}

/// 处理台账, with the sanctions list's filters and order.
pub async fn sanctions(app: &App, actor: &Actor, f: &SanctionFilter) -> Result<Vec<u8>, AppError> {
    let all =
        every(|offset| async move { crate::sanctions::page(app, actor, f, offset, 500).await })
            .await?;
    let projects = project_names(app, actor).await?;
    let names = enterprise_names(app, all.iter().map(|s| s.enterprise_id.clone())).await?;
    let china = jianguan_domain::dates::china_offset();
    let rows = all
        .iter()
        .map(|s| {
            vec![
                text(SanctionKind::parse(&s.kind).map_or("", SanctionKind::label)),
                text(names.get(&s.enterprise_id).cloned().unwrap_or_default()),
                text(
                    s.project_id
                        .as_ref()
                        .and_then(|p| projects.get(p).cloned())
                        .unwrap_or_default(),
                ),
                text(&s.facts),
                text(&s.clause),
                s.amount_fen.map_or(Cell::Empty, Cell::Fen),
                opt_date(s.deadline),
                text(SanctionState::parse(&s.state).map_or("", SanctionState::label)),
                text(crate::inventory::person(&s.proposed_by)),
                Cell::Date(s.proposed_at.with_timezone(&china).date_naive()),
                text(
                    s.decided_by
                        .as_deref()
                        .map(crate::inventory::person)
                        .unwrap_or_default(),
                ),
                opt_date(s.decided_on),
                text(s.decision_note.clone().unwrap_or_default()),
            ]
        })
        .collect();
    write(
        app,
        Table {
            sheet: "处理台账".into(),
            headers: vec![
                "处理方式",
                "承办企业",
                "项目",
                "事实和理由",
                "依据",
                "金额（元）",
                "期限",
                "状态",
                "提议人",
                "提议日期",
                "决定人",
                "决定日期",
                "决定意见",
            ],
            rows,
        },
    )
    .await
}

/// 证照台账.
pub async fn licences(app: &App, actor: &Actor) -> Result<Vec<u8>, AppError> {
    let all = crate::reporting::licences(app, actor).await?;
    let names = enterprise_names(app, all.iter().map(|l| l.enterprise_id.clone())).await?;
    let today = app.today();
    let rows = all
        .iter()
        .map(|l| {
            vec![
                text(names.get(&l.enterprise_id).cloned().unwrap_or_default()),
                text(app.profile.licence_name(&l.kind)),
                text(&l.number),
                Cell::Date(l.valid_from),
                opt_date(l.valid_to),
                text(if l.valid_to.is_some_and(|t| t < today) {
                    "已过期"
                } else {
                    "有效"
                }),
            ]
        })
        .collect();
    write(
        app,
        Table {
            sheet: "证照台账".into(),
            headers: vec![
                "承办企业",
                "证照类型",
                "编号",
                "有效期起",
                "有效期止",
                "状态",
            ],
            rows,
        },
    )
    .await
}

/// 培训班台账.
pub async fn classes(app: &App, actor: &Actor) -> Result<Vec<u8>, AppError> {
    let all = crate::reporting::classes(app, actor).await?;
    let projects = project_names(app, actor).await?;
    let rows = all
        .iter()
        .map(|c| {
            vec![
                text(&c.name),
                text(projects.get(&c.project_id).cloned().unwrap_or_default()),
                Cell::Date(c.first_day),
                Cell::Date(c.last_day),
                text(c.place.clone().unwrap_or_default()),
                Cell::Count(c.planned_trainees),
                Cell::Count(c.actual_trainees),
            ]
        })
        .collect();
    write(
        app,
        Table {
            sheet: "培训班台账".into(),
            headers: vec![
                "培训班",
                "项目",
                "开班日期",
                "结业日期",
                "地点",
                "计划人数",
                "实际人数",
            ],
            rows,
        },
    )
    .await
}

/// 生产经营数据台账: one figure a row (superseded versions marked).
pub async fn data_reports(app: &App, actor: &Actor) -> Result<Vec<u8>, AppError> {
    let all = crate::reporting::data_reports(app, actor).await?;
    let names = enterprise_names(app, all.iter().map(|d| d.enterprise_id.clone())).await?;
    let mut rows = Vec::new();
    for d in &all {
        for (metric, value) in d.figures_parsed()? {
            rows.push(vec![
                text(names.get(&d.enterprise_id).cloned().unwrap_or_default()),
                text(d.month.format("%Y-%m").to_string()),
                Cell::Date(d.submitted_on),
                text(app.profile.metric_name(&metric)),
                text(value.to_string()),
                text(if d.voided_at.is_some() {
                    "已被更正"
                } else {
                    ""
                }),
            ]);
        }
    }
    write(
        app,
        Table {
            sheet: "生产经营数据".into(),
            headers: vec!["承办企业", "月份", "报送日期", "指标", "数值", "版本"],
            rows,
        },
    )
    .await
}
