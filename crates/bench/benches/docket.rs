//! The docket's cost: the rule engine in memory, and the docket from SQLite (one county;
//! the whole nation) against the bare scan of the same rows.
//!
//! `JIANGUAN_BENCH_COUNTIES` (default 1,500: the nation) synthetic counties of
//! national-average size. The first `JIANGUAN_BENCH_IMPORTED` (default 20) go through the
//! ordinary bundle import; the rest are SQL copies of those (see `clone_county`).
//! `JIANGUAN_BENCH_DB=path` keeps the database there and reuses it on the next run.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use jianguan_app::App;
use jianguan_bench::{build_nation, county_code};
use jianguan_domain::rules::facts::Tally;
use jianguan_domain::rules::{Facts, evaluate};
use jianguan_store::Store;
use std::hint::black_box;

/// As the `jianguan` binary: the allocator is part of what is measured.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct World {
    rt: tokio::runtime::Runtime,
    app: App,
    full: Facts,
    tallied: Facts,
    codes: Vec<String>,
    today: NaiveDate,
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn world() -> World {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let counties = env("JIANGUAN_BENCH_COUNTIES", 1500);
    let imported = env("JIANGUAN_BENCH_IMPORTED", 20).clamp(1, counties);
    let path = std::env::var("JIANGUAN_BENCH_DB").map_or_else(
        |_| std::env::temp_dir().join(format!("jianguan-bench-{}.db", std::process::id())),
        std::path::PathBuf::from,
    );
    let reuse = path.exists();
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
    let (app, full, tallied) = rt.block_on(async {
        let app = App::new(Store::open(&url).await.expect("store"));
        if !reuse {
            build_nation(&app, counties, imported, today)
                .await
                .expect("nation");
        }
        let db = app.store.reader();
        let rows = jianguan_store::facts::scan(db, None).await.expect("scan");
        eprintln!("{} ({counties} counties): {rows} rows", path.display());
        let code = county_code(0);
        let full = jianguan_store::facts::load(db, &code, None)
            .await
            .expect("load");
        let tally = Tally::new(&app.profile, today);
        let tallied = jianguan_store::facts::load(db, &code, Some(tally))
            .await
            .expect("load");
        eprintln!(
            "one county: {} projects, {} inspections ({} listed and {} counts once counted), \
             {} progress reports, {} findings",
            full.projects.len(),
            full.inspections.len(),
            tallied.inspections.len(),
            tallied.inspection_tallies.len(),
            full.progress_reports.len(),
            evaluate(&full, &app.profile, today).len()
        );
        (app, full, tallied)
    });
    World {
        rt,
        app,
        full,
        tallied,
        codes: (0..counties).map(county_code).collect(),
        today,
    }
}

fn benches(c: &mut Criterion) {
    let w = world();
    let profile = w.app.profile.clone();
    let mut g = c.benchmark_group("engine");
    g.bench_function("one_county_listed", |b| {
        b.iter(|| black_box(evaluate(&w.full, &profile, w.today)))
    });
    g.bench_function("one_county_counted", |b| {
        b.iter(|| black_box(evaluate(&w.tallied, &profile, w.today)))
    });
    g.sample_size(10);
    g.bench_function("1500_counties_one_core", |b| {
        b.iter(|| {
            let n: usize = (0..1500)
                .map(|_| evaluate(&w.tallied, &profile, w.today).len())
                .sum();
            black_box(n)
        })
    });
    g.finish();

    let db = w.app.store.reader();
    let code = county_code(0);
    let tally = Tally::new(&profile, w.today);
    let mut g = c.benchmark_group("sqlite");
    g.bench_function("one_county_docket", |b| {
        b.iter(|| {
            w.rt.block_on(async {
                let f = jianguan_store::facts::load(db, &code, Some(tally))
                    .await
                    .expect("load");
                black_box(evaluate(&f, &profile, w.today).len())
            })
        })
    });
    g.bench_function("one_county_bare_scan", |b| {
        b.iter(|| {
            w.rt.block_on(async {
                black_box(
                    jianguan_store::facts::scan(db, Some(&code))
                        .await
                        .expect("scan"),
                )
            })
        })
    });
    g.sample_size(10);
    let nation = format!("{}_counties_docket", w.codes.len());
    g.bench_function(nation.as_str(), |b| {
        b.iter(|| {
            w.rt.block_on(async {
                let all = jianguan_app::docket::evaluate_many(&w.app, &w.codes, w.today)
                    .await
                    .expect("docket");
                black_box(all.values().map(Vec::len).sum::<usize>())
            })
        })
    });
    let scan = format!("{}_counties_bare_scan", w.codes.len());
    g.bench_function(scan.as_str(), |b| {
        b.iter(|| {
            w.rt.block_on(async {
                black_box(jianguan_store::facts::scan(db, None).await.expect("scan"))
            })
        })
    });
    g.finish();
}

criterion_group!(docket, benches);
criterion_main!(docket);
