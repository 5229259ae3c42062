//! Demo data: a realistic 交城县 programme dated relative to the day it is seeded, so that
//! today's screens show work done, due and overdue. Demo accounts exist only here.

use crate::accounts::{NewUser, create_user};
use crate::records::{self, CountyInput, ProgrammeInput};
use crate::{Actor, App, AppError};
use chrono::{Days, NaiveDate};
use jianguan_domain::enterprise::EnterpriseInput;
use jianguan_domain::project::{ProjectInput, Target};
use jianguan_domain::{FieldErrors, Role, Uscc};
use jianguan_store::queries;

pub const DEMO_PASSWORD: &str = "jianguan-demo";
pub const COUNTY: &str = "141122";

pub const TOWNSHIPS: [&str; 10] = [
    "天宁镇",
    "夏家营镇",
    "西营镇",
    "水峪贯镇",
    "西社镇",
    "庞泉沟镇",
    "洪相乡",
    "岭底乡",
    "东坡底乡",
    "会立乡",
];

/// The demo accounts, as printed at start: (user name, role).
pub const ACCOUNTS: [(&str, Role); 6] = [
    ("admin", Role::Admin),
    ("chief", Role::Chief),
    ("inspector", Role::Inspector),
    ("viewer", Role::Viewer),
    ("contractor", Role::Contractor),
    ("contractor2", Role::Contractor),
];

struct DemoEnterprise {
    name: &'static str,
    /// 17 characters; the check character is computed.
    uscc17: &'static str,
    person: &'static str,
    phone: &'static str,
    address: &'static str,
    food: bool,
}

const ENTERPRISES: [DemoEnterprise; 12] = [
    DemoEnterprise {
        name: "交城县晋商电子商务服务有限公司",
        uscc17: "91141122MA0K3B2C1",
        person: "王建国",
        phone: "13903581001",
        address: "交城县天宁镇卦山路 18 号",
        food: false,
    },
    DemoEnterprise {
        name: "交城县顺通物流有限公司",
        uscc17: "91141122MA0K4D5E2",
        person: "李志强",
        phone: "13903581002",
        address: "交城县夏家营镇工业园区",
        food: false,
    },
    DemoEnterprise {
        name: "山西吕梁红枣农产品有限公司",
        uscc17: "91141100MA0L1F6G3",
        person: "张秀英",
        phone: "13903581003",
        address: "交城县西营镇西营村",
        food: true,
    },
    DemoEnterprise {
        name: "交城县庞泉沟生态旅游开发有限公司",
        uscc17: "91141122MA0K7H8J4",
        person: "刘海峰",
        phone: "13903581004",
        address: "交城县庞泉沟镇",
        food: true,
    },
    DemoEnterprise {
        name: "交城县乡村振兴电商培训学校",
        uscc17: "52141122MJ0A1K2L5",
        person: "陈丽华",
        phone: "0358-3521001",
        address: "交城县天宁镇新华街 6 号",
        food: false,
    },
    DemoEnterprise {
        name: "交城县供销合作社商贸有限公司",
        uscc17: "91141122MA0K9M3N6",
        person: "赵卫东",
        phone: "0358-3521002",
        address: "交城县天宁镇永宁路 2 号",
        food: true,
    },
    DemoEnterprise {
        name: "交城县骏枣源农业专业合作社",
        uscc17: "93141122MA0KAP4Q7",
        person: "孙红梅",
        phone: "13903581007",
        address: "交城县西社镇",
        food: true,
    },
    DemoEnterprise {
        name: "交城县邮政快递综合服务有限公司",
        uscc17: "91141122MA0KBR5T8",
        person: "周志明",
        phone: "13903581008",
        address: "交城县天宁镇迎宾路",
        food: false,
    },
    DemoEnterprise {
        name: "交城县山货优选电子商务有限公司",
        uscc17: "91141122MA0KCU6W9",
        person: "吴晓燕",
        phone: "13903581009",
        address: "交城县水峪贯镇",
        food: true,
    },
    DemoEnterprise {
        name: "交城县宏达超市连锁有限公司",
        uscc17: "91141122MA0KDX7Y0",
        person: "郑国平",
        phone: "13903581010",
        address: "交城县洪相乡",
        food: true,
    },
    DemoEnterprise {
        name: "交城县云农直播科技有限公司",
        uscc17: "91141122MA0KE18A1",
        person: "冯佳",
        phone: "13903581011",
        address: "交城县天宁镇",
        food: false,
    },
    DemoEnterprise {
        name: "交城县岭底核桃种植专业合作社",
        uscc17: "93141122MA0KF29B2",
        person: "何永红",
        phone: "13903581012",
        address: "交城县岭底乡",
        food: true,
    },
];

/// (enterprise index, system, name, township, village, funds 元, start offset days from
/// today, construction days, operation starts after construction, targets)
pub(crate) struct DemoProject {
    pub ent: usize,
    pub system: &'static str,
    name: &'static str,
    pub township: &'static str,
    village: Option<&'static str>,
    yuan: i64,
    start: i64,
    days: u64,
    operating: bool,
    targets: &'static [(&'static str, i64, &'static str)],
}

pub(crate) const PROJECTS: [DemoProject; 16] = [
    DemoProject {
        ent: 0,
        system: "public_service",
        name: "县级电子商务公共服务中心建设",
        township: "天宁镇",
        village: None,
        yuan: 2_800_000,
        start: -330,
        days: 180,
        operating: true,
        targets: &[("县级公共服务中心", 1, "个"), ("入驻企业", 20, "家")],
    },
    DemoProject {
        ent: 0,
        system: "public_service",
        name: "乡村电子商务服务站点建设",
        township: "夏家营镇",
        village: Some("夏家营村"),
        yuan: 1_200_000,
        start: -120,
        days: 240,
        operating: false,
        targets: &[("村级服务站", 12, "个"), ("乡镇服务站", 4, "个")],
    },
    DemoProject {
        ent: 1,
        system: "logistics",
        name: "县级物流仓储配送中心",
        township: "夏家营镇",
        village: None,
        yuan: 3_000_000,
        start: -300,
        days: 200,
        operating: true,
        targets: &[("仓储面积", 3000, "平方米"), ("配送车辆", 8, "辆")],
    },
    DemoProject {
        ent: 7,
        system: "logistics",
        name: "乡村快递共同配送网络",
        township: "西营镇",
        village: Some("西营村"),
        yuan: 900_000,
        start: -90,
        days: 210,
        operating: false,
        targets: &[("村级快递服务点", 60, "个")],
    },
    DemoProject {
        ent: 1,
        system: "logistics",
        name: "庞泉沟山区物流配送线路",
        township: "庞泉沟镇",
        village: None,
        yuan: 600_000,
        start: 30,
        days: 150,
        operating: false,
        targets: &[("配送线路", 6, "条")],
    },
    DemoProject {
        ent: 5,
        system: "enterprise_upgrade",
        name: "供销超市数字化改造",
        township: "天宁镇",
        village: None,
        yuan: 800_000,
        start: -200,
        days: 120,
        operating: true,
        targets: &[("改造门店", 10, "家")],
    },
    DemoProject {
        ent: 9,
        system: "enterprise_upgrade",
        name: "连锁超市线上线下融合改造",
        township: "洪相乡",
        village: None,
        yuan: 500_000,
        start: -150,
        days: 180,
        operating: false,
        targets: &[("改造门店", 6, "家"), ("线上订单系统", 1, "套")],
    },
    DemoProject {
        ent: 4,
        system: "leader_training",
        name: "农村电商带头人培训（第一期）",
        township: "天宁镇",
        village: None,
        yuan: 400_000,
        start: -250,
        days: 120,
        operating: true,
        targets: &[("培训人次", 1000, "人次"), ("孵化网店", 50, "个")],
    },
    DemoProject {
        ent: 4,
        system: "leader_training",
        name: "农村电商带头人培训（第二期）",
        township: "天宁镇",
        village: None,
        yuan: 400_000,
        start: -40,
        days: 150,
        operating: false,
        targets: &[("培训人次", 1000, "人次")],
    },
    DemoProject {
        ent: 10,
        system: "leader_training",
        name: "直播带货技能培训",
        township: "水峪贯镇",
        village: None,
        yuan: 300_000,
        start: -60,
        days: 90,
        operating: false,
        targets: &[("培训人次", 500, "人次"), ("直播账号", 30, "个")],
    },
    DemoProject {
        ent: 2,
        system: "production_sales_matching",
        name: "骏枣产销对接与品牌建设",
        township: "西营镇",
        village: Some("段村"),
        yuan: 1_000_000,
        start: -280,
        days: 150,
        operating: true,
        targets: &[
            ("区域公用品牌", 1, "个"),
            ("农产品网络销售额", 5_000_000, "元"),
        ],
    },
    DemoProject {
        ent: 6,
        system: "production_sales_matching",
        name: "红枣核桃农产品溯源体系",
        township: "西社镇",
        village: None,
        yuan: 600_000,
        start: -100,
        days: 200,
        operating: false,
        targets: &[("溯源产品", 20, "个")],
    },
    DemoProject {
        ent: 8,
        system: "production_sales_matching",
        name: "山货优选网货开发",
        township: "水峪贯镇",
        village: None,
        yuan: 450_000,
        start: -180,
        days: 120,
        operating: true,
        targets: &[("网货产品", 40, "个")],
    },
    DemoProject {
        ent: 3,
        system: "public_service",
        name: "庞泉沟生态旅游电商服务站",
        township: "庞泉沟镇",
        village: None,
        yuan: 350_000,
        start: -20,
        days: 180,
        operating: false,
        targets: &[("旅游商品网店", 5, "个")],
    },
    DemoProject {
        ent: 11,
        system: "production_sales_matching",
        name: "岭底核桃产地仓建设",
        township: "岭底乡",
        village: None,
        yuan: 700_000,
        start: 60,
        days: 150,
        operating: false,
        targets: &[("产地仓", 1, "个")],
    },
    DemoProject {
        ent: 7,
        system: "public_service",
        name: "东坡底乡会立乡村级服务站改造",
        township: "东坡底乡",
        village: None,
        yuan: 250_000,
        start: -160,
        days: 120,
        operating: true,
        targets: &[("村级服务站", 8, "个")],
    },
];

/// Coordinates to 5 decimals (about a metre), as a GPS reading is written.
fn round5(x: f64) -> f64 {
    (x * 100_000.0).round() / 100_000.0
}

fn shift(today: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        today
            .checked_add_days(Days::new(days as u64))
            .unwrap_or(today)
    } else {
        today
            .checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(today)
    }
}

fn demo_err(what: &str, e: AppError) -> AppError {
    match e {
        AppError::Validation(f) => AppError::bug(format!("demo {what}: {f:?}")),
        other => other,
    }
}

/// Seeds the demo county unless it is already there. Returns whether it seeded.
pub async fn seed(app: &App) -> Result<bool, AppError> {
    if queries::county(app.store.reader(), COUNTY).await?.is_some() {
        return Ok(false);
    }
    let today = app.today();
    records::create_county(
        app,
        None,
        &CountyInput {
            code: COUNTY.into(),
            name: "交城县".into(),
            prefecture: "吕梁市".into(),
            province: "山西省".into(),
            townships: TOWNSHIPS.iter().map(|s| s.to_string()).collect(),
        },
    )
    .await?;
    let admin = create_user(
        app,
        None,
        &NewUser {
            username: "admin".into(),
            display_name: "系统管理员".into(),
            role: "admin".into(),
            county_code: Some(COUNTY.into()),
            enterprise_id: None,
            password: DEMO_PASSWORD.into(),
        },
    )
    .await
    .map_err(|e| demo_err("admin", e))?;
    let admin = Actor {
        user_id: admin.id,
        username: admin.username,
        display_name: admin.display_name,
        role: Role::Admin,
        county_code: Some(COUNTY.into()),
        enterprise_id: None,
    };
    let programme = records::create_programme(
        app,
        &admin,
        &ProgrammeInput {
            county_code: None,
            name: "交城县电子商务进农村综合示范".into(),
            plan_document: Some("交电商办〔2022〕9号".into()),
            period_start: shift(today, -365).to_string(),
            period_end: shift(today, 365).to_string(),
            budget_fen: Some(20_000_000 * 100),
            responsible_person: "县工业和信息化（商务）局局长".into(),
        },
        FieldErrors::new(),
    )
    .await
    .map_err(|e| demo_err("programme", e))?;

    let mut enterprise_ids = Vec::new();
    for d in &ENTERPRISES {
        let uscc = Uscc::complete(d.uscc17)
            .ok_or_else(|| AppError::bug(format!("demo USCC {}", d.uscc17)))?;
        let e = records::create_enterprise(
            app,
            &admin,
            None,
            &EnterpriseInput {
                name: d.name.into(),
                uscc: uscc.to_string(),
                legal_representative: Some(d.person.into()),
                contact_person: Some(d.person.into()),
                contact_phone: Some(d.phone.into()),
                address: Some(d.address.into()),
                handles_food: d.food,
            },
        )
        .await
        .map_err(|e| demo_err(d.name, e))?;
        enterprise_ids.push(e.id);
    }

    let mut projects = Vec::new();
    for p in &PROJECTS {
        let start = shift(today, p.start);
        let end = shift(start, p.days as i64);
        let status = if p.start > 0 {
            "planned"
        } else if p.operating && end < today {
            "operating"
        } else {
            "under_construction"
        };
        let input = ProjectInput {
            name: p.name.into(),
            programme_id: programme.id.clone(),
            enterprise_id: enterprise_ids[p.ent].clone(),
            system: p.system.into(),
            township: p.township.into(),
            village: p.village.map(str::to_string),
            latitude: Some(round5(37.55 + (p.ent as f64) * 0.01)),
            longitude: Some(round5(112.15 + (p.days as f64) * 0.0001)),
            central_funds_fen: Some(p.yuan * 100),
            construction_start: start.to_string(),
            construction_end: end.to_string(),
            operation_start: p.operating.then(|| shift(end, 1).to_string()),
            // A training course serves for a few months; the first one's has ended, so
            // its equipment is due to be handed over (assets.handover_due).
            service_period_end: Some(
                shift(
                    end,
                    if p.system == "leader_training" {
                        120
                    } else {
                        3 * 365
                    },
                )
                .to_string(),
            ),
            status: Some(status.into()),
            targets: p
                .targets
                .iter()
                .map(|(n, q, u)| Target {
                    name: (*n).into(),
                    quantity: *q,
                    unit: (*u).into(),
                })
                .collect(),
        };
        let created = records::create_project(app, &admin, None, &input, FieldErrors::new())
            .await
            .map_err(|e| demo_err(p.name, e))?;
        projects.push(created);
    }

    // A year of supervision records, through the same import as any county's data.
    let food: Vec<bool> = ENTERPRISES.iter().map(|e| e.food).collect();
    let facts = crate::demo_facts::bundle(today, COUNTY, &projects, &enterprise_ids, &food);
    crate::bundle::import(app, None, &facts.to_string())
        .await
        .map_err(|e| match e {
            crate::bundle::ImportError::Invalid(errors) => {
                AppError::bug(format!("demo facts: {errors:?}"))
            }
            crate::bundle::ImportError::App(e) => e,
        })?;

    for (username, role) in ACCOUNTS.iter().skip(1) {
        let (display_name, enterprise_id) = match *username {
            "chief" => ("赵局长", None),
            "inspector" => ("李检查", None),
            "viewer" => ("审计组 孙审计", None),
            "contractor" => ("王建国（晋商电商）", Some(enterprise_ids[0].clone())),
            _ => ("李志强（顺通物流）", Some(enterprise_ids[1].clone())),
        };
        create_user(
            app,
            Some(&admin),
            &NewUser {
                username: (*username).into(),
                display_name: display_name.into(),
                role: role.code().into(),
                county_code: Some(COUNTY.into()),
                enterprise_id,
                password: DEMO_PASSWORD.into(),
            },
        )
        .await
        .map_err(|e| demo_err(username, e))?;
    }
    order_material(app, today).await?;
    Ok(true)
}

/// The written material behind the demo's handed-in and accepted orders: an order's state
/// always matches its submissions (a submitted order has one waiting to be checked).
async fn order_material(app: &App, today: chrono::NaiveDate) -> Result<(), AppError> {
    use jianguan_store::entity::{order_submission, rectification_order};
    use jianguan_store::sea::EntityTrait;
    let at = |days: u64| {
        (today - chrono::Days::new(days))
            .and_hms_opt(10, 0, 0)
            .map(|d| d.and_utc())
            .unwrap_or_else(|| app.now())
    };
    let mut tx = app.store.begin().await?;
    let mut written = 0;
    for (order_id, days_ago, accepted, text) in [
        (
            "demo-order-1",
            40,
            true,
            "已按要求为服务中心补齐灭火器 6 具、应急照明 4 套，并建立月度检查台账，附照片。",
        ),
        (
            "demo-order-2",
            3,
            false,
            "已补登物流仓储台账 2026 年度出入库记录，并指定专人每日登记，附台账扫描件。",
        ),
    ] {
        let Some(order) = rectification_order::Entity::find_by_id(order_id.to_string())
            .one(tx.conn())
            .await?
        else {
            continue;
        };
        let s = order_submission::Model {
            id: format!("{order_id}-material"),
            county_code: order.county_code.clone(),
            order_id: order.id.clone(),
            enterprise_id: order.enterprise_id.clone(),
            text: text.into(),
            submitted_by: "demo".into(),
            submitted_at: at(days_ago),
            review: if accepted { "accepted" } else { "pending" }.into(),
            review_note: accepted.then(|| "经现场核查，整改到位。".to_string()),
            reviewed_by: accepted.then(|| "demo".to_string()),
            reviewed_at: accepted.then(|| at(days_ago - 5)),
        };
        tx.insert(s.clone()).await?;
        tx.record(jianguan_store::AuditEntry {
            at: app.now(),
            actor_id: None,
            actor_name: "系统（演示数据）".into(),
            county_code: Some(order.county_code.clone()),
            entity: "order_submission".into(),
            entity_id: s.id.clone(),
            action: "import_create".into(),
            before: None,
            after: Some(serde_json::to_value(&s)?),
        })
        .await?;
        written += 1;
    }
    if written == 0 {
        return Ok(tx.rollback().await?);
    }
    tx.commit().await?;
    Ok(())
}
