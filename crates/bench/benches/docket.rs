//! The docket's cost: the rule engine in memory (one county; 1,500 counties' worth), and
//! loading + evaluating from SQLite against the bare scan of the same rows.
//!
//! `JIANGUAN_BENCH_COUNTIES` (default 20) synthetic counties of national-average size are
//! imported first through the ordinary bundle import.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use jianguan_app::App;
use jianguan_bench::{county_bundle, county_code};
use jianguan_domain::rules::{Facts, evaluate};
use jianguan_store::Store;
use std::hint::black_box;
use std::time::Instant;

struct World {
    rt: tokio::runtime::Runtime,
    app: App,
    facts: Vec<Facts>,
    today: NaiveDate,
    counties: usize,
    _dir: std::path::PathBuf,
}

fn world() -> World {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let counties: usize = std::env::var("JIANGUAN_BENCH_COUNTIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = std::env::temp_dir().join(format!("jianguan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
    let (app, facts) = rt.block_on(async {
        let app = App::new(Store::open(&url).await.expect("store"));
        let started = Instant::now();
        let mut rows = 0;
        for i in 0..counties {
            let bundle = county_bundle(i, today).to_string();
            let r = jianguan_app::bundle::import(&app, None, &bundle)
                .await
                .expect("import");
            rows += r.created;
        }
        eprintln!(
            "imported {counties} synthetic counties ({rows} records) in {:.1?}",
            started.elapsed()
        );
        let mut facts = Vec::new();
        for i in 0..counties {
            facts.push(
                jianguan_store::facts::load(app.store.reader(), &county_code(i))
                    .await
                    .expect("load"),
            );
        }
        let f = &facts[0];
        eprintln!(
            "one county: {} projects, {} inspections, {} reports, {} findings",
            f.projects.len(),
            f.inspections.len(),
            f.progress_reports.len(),
            evaluate(f, &app.profile, today).len()
        );
        (app, facts)
    });
    World {
        rt,
        app,
        facts,
        today,
        counties,
        _dir: dir,
    }
}

fn benches(c: &mut Criterion) {
    let w = world();
    let profile = w.app.profile.clone();
    let mut g = c.benchmark_group("engine");
    g.bench_function("one_county", |b| {
        b.iter(|| black_box(evaluate(&w.facts[0], &profile, w.today)))
    });
    g.sample_size(10);
    g.bench_function("nation_1500_counties", |b| {
        b.iter(|| {
            let mut n = 0;
            for k in 0..1500 {
                n += evaluate(&w.facts[k % w.facts.len()], &profile, w.today).len();
            }
            black_box(n)
        })
    });
    g.finish();

    let db = w.app.store.reader();
    let code = county_code(0);
    let mut g = c.benchmark_group("sqlite");
    g.bench_function("one_county_load_and_evaluate", |b| {
        b.iter(|| {
            w.rt.block_on(async {
                let f = jianguan_store::facts::load(db, &code).await.expect("load");
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
    let all = format!("{}_counties_load_and_evaluate", w.counties);
    g.bench_function(all.as_str(), |b| {
        b.iter(|| {
            w.rt.block_on(async {
                let mut n = 0;
                for i in 0..w.counties {
                    let f = jianguan_store::facts::load(db, &county_code(i))
                        .await
                        .expect("load");
                    n += evaluate(&f, &profile, w.today).len();
                }
                black_box(n)
            })
        })
    });
    let many = format!("{}_counties_load_many_and_evaluate", w.counties);
    let codes: Vec<String> = (0..w.counties).map(county_code).collect();
    g.bench_function(many.as_str(), |b| {
        b.iter(|| {
            w.rt.block_on(async {
                let all = jianguan_store::facts::load_many(db, &codes)
                    .await
                    .expect("load");
                black_box(
                    all.values()
                        .map(|f| evaluate(f, &profile, w.today).len())
                        .sum::<usize>(),
                )
            })
        })
    });
    let scan = format!("{}_counties_bare_scan", w.counties);
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
