//! Synthetic counties of national-average size, as import bundles, for benchmarks.
//! The nation: 1,500 counties, ~45,000 projects, ~4 million inspections a year, so one
//! county holds 30 projects and about 2,700 inspections, with a year of reports, claims,
//! operating data and assets. Deterministic: the same seed gives the same county.

pub mod photos;

use chrono::{Days, NaiveDate};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};
use serde_json::{Value, json};

/// splitmix64: small, fast, deterministic; statistics are not the point here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub const PROJECTS_PER_COUNTY: usize = 30;
pub const INSPECTIONS_PER_PROJECT: usize = 89;

/// How much a synthetic county holds.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub projects: usize,
    pub inspections_per_project: usize,
    /// How many years back its records reach.
    pub years: u64,
}

/// A county of national-average size, over one year.
pub const NATIONAL: Size = Size {
    projects: PROJECTS_PER_COUNTY,
    inspections_per_project: INSPECTIONS_PER_PROJECT,
    years: 1,
};

/// The big county of the load script: 300 projects over five years, ~50,000 inspections.
pub const BIG: Size = Size {
    projects: 300,
    inspections_per_project: 167,
    years: 5,
};
const ENTERPRISES_PER_COUNTY: usize = 20;
const SYSTEMS: [&str; 5] = [
    "public_service",
    "logistics",
    "enterprise_upgrade",
    "leader_training",
    "production_sales_matching",
];
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u64; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn uscc(county: &str, n: usize) -> String {
    let base = format!("91{county}MA{:07}", n % 10_000_000);
    let sum: u64 = base
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| CHARSET.iter().position(|&x| x == c).unwrap_or(0) as u64 * w)
        .sum();
    format!("{base}{}", CHARSET[((31 - sum % 31) % 31) as usize] as char)
}

fn day(start: NaiveDate, n: u64) -> NaiveDate {
    start.checked_add_days(Days::new(n)).unwrap_or(start)
}

/// The 6-digit code of synthetic county `i` (never a real one: they start at 900000).
pub fn county_code(i: usize) -> String {
    format!("{}", 900_000 + i)
}

/// One synthetic county's records, as of about `today`.
pub fn county_bundle(i: usize, today: NaiveDate) -> Value {
    county_bundle_sized(i, today, NATIONAL)
}

/// One synthetic county of the given size.
pub fn county_bundle_sized(i: usize, today: NaiveDate, size: Size) -> Value {
    let code = county_code(i);
    let mut r = Rng(0x5EED ^ (i as u64).wrapping_mul(0x1000_0001));
    let span = 365 * size.years.max(1);
    let year_ago = today.checked_sub_days(Days::new(span)).unwrap_or(today);
    let d = |n: u64| day(year_ago, n).min(today).to_string();
    let mut b = serde_json::Map::new();
    b.insert("format".into(), json!("jianguan-bundle"));
    b.insert("version".into(), json!(1));
    b.insert("county".into(), json!({"code": code, "name": format!("样本县{i}"), "prefecture": "样本市", "province": "样本省", "townships": ["甲镇", "乙镇", "丙乡"]}));
    let prog = format!("{code}-prog");
    b.insert("programmes".into(), json!([{"id": prog, "name": "综合示范", "period_start": year_ago.to_string(), "period_end": day(today, 365).to_string(), "budget_fen": 2_000_000_000i64, "responsible_person": "局长"}]));
    let ents: Vec<Value> = (0..ENTERPRISES_PER_COUNTY)
        .map(|e| json!({"id": format!("{code}-e{e}"), "name": format!("样本企业{i}-{e}"), "uscc": uscc(&code, i * 100 + e), "handles_food": e % 3 == 0}))
        .collect();
    b.insert("enterprises".into(), Value::Array(ents));
    let mut projects = Vec::new();
    let mut plans = Vec::new();
    let mut reports = Vec::new();
    let mut inspections = Vec::new();
    let mut disbursements = Vec::new();
    let mut claims = Vec::new();
    let mut assets = Vec::new();
    for p in 0..size.projects {
        let id = format!("{code}-p{p}");
        let ent = format!("{code}-e{}", p % ENTERPRISES_PER_COUNTY);
        let start = r.below(span - 165);
        let len = 120 + r.below(180);
        let s = day(year_ago, start);
        let e = day(s, len);
        let operating = e < today && r.below(10) < 8;
        projects.push(json!({
            "id": id, "programme_id": prog, "enterprise_id": ent, "name": format!("样本项目{p}"), "system": SYSTEMS[p % 5],
            "township": "甲镇", "central_funds_fen": 50_000_000 + r.below(100) as i64 * 1_000_000, "construction_start": s.to_string(),
            "construction_end": e.to_string(), "operation_start": if operating { Value::String(day(e, 1).to_string()) } else { Value::Null },
            "status": if operating { "operating" } else { "under_construction" }, "targets": [{"name": "服务站", "quantity": 10, "unit": "个"}],
        }));
        plans.push(json!({"id": format!("{id}-plan"), "project_id": id, "version": 1, "effective_from": s.to_string(), "status": "approved",
            "milestones": [{"date": day(s, len / 2).to_string(), "percent": 50}, {"date": e.to_string(), "percent": 100}]}));
        let mut m = s;
        let mut k = 0;
        while m < today.min(e) {
            let month = m.format("%Y-%m").to_string();
            let pct = ((m - s).num_days() as f64 / len as f64 * 100.0 - r.below(15) as f64)
                .clamp(0.0, 100.0);
            reports.push(json!({"id": format!("{id}-r{k}"), "project_id": id, "month": month, "report_date": m.to_string(), "submitted_on": m.to_string(), "cumulative_percent": (pct * 10.0).round() / 10.0}));
            m = day(m, 30);
            k += 1;
        }
        for n in 0..size.inspections_per_project {
            let kind = if operating && n % 2 == 0 {
                "operations"
            } else {
                "construction"
            };
            let mut kinds = vec![kind];
            if n % 15 == 0 {
                kinds.push("funds");
            }
            inspections.push(json!({"id": format!("{id}-i{n}"), "project_id": id, "kinds": kinds, "date": d(start + r.below(span - start.min(span - 1))),
                "status": "finalised", "methods": ["on_site"], "standards": {}, "inspectors": ["甲", "乙"], "minutes": "检查记录", "photo_count": 1 + r.below(4) as i64, "announced": true}));
        }
        for n in 0..2 {
            disbursements.push(json!({"id": format!("{id}-d{n}"), "project_id": id, "date": d(start + 30 + n * 90), "amount_fen": 10_000_000, "batch": format!("第{}批", n + 1)}));
        }
        if p % 3 == 0 {
            // A county's own sellers and numbers (the code in them, so that a copied county
            // has its own too): invoices shared across the nation are the exception the
            // duplicate rule looks for, not every claim. A quarter of the counties share
            // one invoice with the copies of their source county (see `clone_county`).
            let mut invoices: Vec<Value> = (0..3)
                .map(|v| json!({"code": "1400221130", "number": format!("{code}-{:08}", r.below(100_000_000)), "date": d(start + 50), "seller": format!("{code}-供应商{v}"), "amount_fen": 1_000_000 + v}))
                .collect();
            if p == 0 && i.is_multiple_of(4) {
                invoices.push(json!({"code": "1400221130", "number": format!("{}-{:08}", county_code(i + 1), 1), "date": d(start + 50), "seller": "共同供应商", "amount_fen": 1_000_000}));
            }
            claims.push(json!({"id": format!("{id}-c"), "project_id": id, "submitted_on": d(start + 60), "amount_fen": 5_000_000, "invoices": invoices}));
        }
        if operating {
            for n in 0..2 {
                assets.push(json!({"id": format!("{id}-a{n}"), "enterprise_id": ent, "project_id": id, "name": "设备", "asset_kind": "fixed",
                    "tag": if r.below(20) == 0 { Value::Null } else { json!(format!("T-{p}-{n}")) }, "value_fen": 1_000_000, "purchase_date": d(start + 20), "central_funds": true}));
            }
        }
    }
    let data: Vec<Value> = (0..ENTERPRISES_PER_COUNTY)
        .flat_map(|e| {
            let code = code.clone();
            (0..12 * size.years).map(move |mo| {
                let month = day(year_ago, mo * 30);
                json!({"id": format!("{code}-e{e}-m{mo}"), "enterprise_id": format!("{code}-e{e}"), "month": month.format("%Y-%m").to_string(),
                    "submitted_on": day(month, 38).to_string(), "figures": {"orders": 1000 + (e as i64) * 10 + mo as i64, "parcels": 500}})
            })
        })
        .filter(|v| v["submitted_on"].as_str().is_some_and(|s| s <= today.to_string().as_str()))
        .collect();
    let licences: Vec<Value> = (0..ENTERPRISES_PER_COUNTY)
        .map(|e| json!({"id": format!("{code}-e{e}-bl"), "enterprise_id": format!("{code}-e{e}"), "kind": "business_licence", "number": "N", "valid_from": "2019-01-01"}))
        .collect();
    let orders: Vec<Value> = (0..10u64)
        .map(|n| json!({"id": format!("{code}-o{n}"), "project_id": format!("{code}-p{n}"), "enterprise_id": format!("{code}-e{n}"), "title": "整改", "requirements": "整改",
            "issued_on": d(n * 30), "deadline": d(n * 30 + 30), "state": if n % 2 == 0 { "accepted" } else { "issued" }, "accepted_on": if n % 2 == 0 { json!(d(n * 30 + 20)) } else { Value::Null }, "progress_notice": false}))
        .collect();
    let tips: Vec<Value> = (0..10u64)
        .map(|n| json!({"id": format!("{code}-t{n}"), "channel": "hotline", "content": "举报", "summary": "举报", "receipt_code": format!("{code}-{n}"), "received_on": d(n * 35), "replied_on": if n % 3 == 0 { Value::Null } else { json!(d(n * 35 + 5)) }}))
        .collect();
    for (k, v) in [
        ("projects", projects),
        ("progress_plans", plans),
        ("progress_reports", reports),
        ("inspections", inspections),
        ("disbursements", disbursements),
        ("subsidy_claims", claims),
        ("assets", assets),
        ("data_reports", data),
        ("licences", licences),
        ("rectification_orders", orders),
        ("tipoffs", tips),
    ] {
        b.insert(k.into(), Value::Array(v));
    }
    Value::Object(b)
}

/// Fills an empty database with `counties` synthetic counties of national-average size:
/// the first `imported` through the ordinary bundle import, the rest SQL copies of those
/// (see [`clone_county`]), then `ANALYZE`. Says what it did on stderr.
pub async fn build_nation(
    app: &jianguan_app::App,
    counties: usize,
    imported: usize,
    today: NaiveDate,
) -> Result<(), String> {
    let imported = imported.clamp(1, counties.max(1));
    let started = std::time::Instant::now();
    for i in 0..imported {
        let bundle = county_bundle(i, today).to_string();
        jianguan_app::bundle::import(app, None, &bundle)
            .await
            .map_err(|e| format!("import of county {i}: {e:?}"))?;
    }
    eprintln!("imported {imported} counties in {:.1?}", started.elapsed());
    let started = std::time::Instant::now();
    let db = app.store.housekeeping();
    let sql = |q: &'static str| async move {
        jianguan_store::execute_raw(db, q)
            .await
            .map_err(|e| format!("{q}: {e}"))
    };
    for i in imported..counties {
        sql("BEGIN").await?;
        clone_county(db, i % imported, i)
            .await
            .map_err(|e| format!("copy of county {i}: {e}"))?;
        sql("COMMIT").await?;
    }
    sql("ANALYZE").await?;
    eprintln!(
        "copied {} more counties in {:.1?}",
        counties - imported,
        started.elapsed()
    );
    Ok(())
}

/// Copies imported synthetic county `src` as county `dst` in plain SQL (SQLite only):
/// every row of every county table, with the county code replaced and every text column's
/// `SRC-` rewritten to `DST-`. All ids of a synthetic county start with its code and a
/// dash, so ids and the references to them (in columns and in JSON) move together. It
/// bypasses the audit chain on purpose: it only builds a national-size database in
/// minutes instead of the half hour 1,500 ordinary imports take. Returns rows written.
pub async fn clone_county(
    conn: &impl ConnectionTrait,
    src: usize,
    dst: usize,
) -> Result<u64, DbErr> {
    let (from, to) = (county_code(src), county_code(dst));
    // Parents first, for the foreign keys.
    let mut tables = vec!["counties", "programmes", "enterprises"];
    tables.extend(
        jianguan_store::facts::FACT_TABLES
            .into_iter()
            .filter(|t| *t != "enterprises"),
    );
    let mut written = 0;
    for table in tables {
        let columns = conn
            .query_all_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                format!("SELECT name, type FROM pragma_table_info('{table}')"),
            ))
            .await?;
        let (mut names, mut values) = (Vec::new(), Vec::new());
        for c in columns {
            let name: String = c.try_get("", "name")?;
            let kind: String = c.try_get("", "type")?;
            let kind = kind.to_ascii_lowercase();
            values.push(
                if name == "county_code" || (table == "counties" && name == "code") {
                    format!("'{to}'")
                } else if kind.contains("char") || kind.contains("text") {
                    format!("replace({name}, '{from}-', '{to}-')")
                } else {
                    name.clone()
                },
            );
            names.push(name);
        }
        let key = if table == "counties" {
            "code"
        } else {
            "county_code"
        };
        written += conn
            .execute_unprepared(&format!(
                "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE {key} = '{from}'",
                names.join(", "),
                values.join(", ")
            ))
            .await?
            .rows_affected();
    }
    // Derived rows the copy cannot rewrite in SQL: keys are normalised in Rust.
    jianguan_store::facts::invoice_keys::rebuild(conn, Some(&to))
        .await
        .map_err(|e| DbErr::Custom(format!("claim invoice keys of {to}: {e}")))?;
    Ok(written)
}
