//! The synthetic worlds `scripts/load` measures on:
//!
//!   world bundle <i> <out.json>            county i of national-average size, as a bundle
//!   world big <out.json>                   the big county (300 projects, five years)
//!   world nation <db path> <counties>      the docket benchmark's national database
//!   world photos <db path> <files dir> <n> n photos' rows (and their files) on the
//!                                          newest finalised inspections of a database
//!
//! Bundles go through `jianguan import` (which is what is measured); the nation is built
//! as the docket benchmark builds it (twenty imports, the rest SQL copies). A bundle
//! carries no photos, so the big county's come from `world photos`, written as the upload
//! writes them (files under their SHA-256, rows sealed with an audit row) but without
//! decoding each: a few distinct pictures, each on many inspections.

use chrono::NaiveDate;
use jianguan_bench::{BIG, NATIONAL, build_nation, county_bundle_sized};

/// As the `jianguan` binary: the allocator is part of what is measured.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The day the synthetic records are as of (the docket benchmark's).
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
}

fn usage() -> ! {
    eprintln!(
        "usage: world bundle <i> <out.json> | world big <out.json> | world nation <db> <counties> \
         | world photos <db> <files dir> <n>"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["bundle", i, out] => {
            let i = i.parse().unwrap_or_else(|_| usage());
            write(out, &county_bundle_sized(i, today(), NATIONAL).to_string())
        }
        ["big", out] => write(out, &county_bundle_sized(0, today(), BIG).to_string()),
        ["nation", db, counties] => nation(db, counties.parse().unwrap_or_else(|_| usage())),
        ["photos", db, files, n] => photos(db, files, n.parse().unwrap_or_else(|_| usage())),
        _ => usage(),
    };
    if let Err(e) = result {
        eprintln!("world: {e}");
        std::process::exit(1);
    }
}

fn write(out: &str, text: &str) -> Result<(), String> {
    std::fs::write(out, text).map_err(|e| format!("{out}: {e}"))
}

fn nation(db: &str, counties: usize) -> Result<(), String> {
    on_database(db, |app| async move {
        build_nation(&app, counties, 20, today()).await
    })
}

fn photos(db: &str, files: &str, n: usize) -> Result<(), String> {
    let files = jianguan_files::FileStore::local(files);
    on_database(db, |app| async move {
        let written = jianguan_bench::photos::attach(&app, &files, n).await?;
        eprintln!("world: {written} photos on finalised inspections");
        Ok(())
    })
}

fn on_database<F, Fut>(db: &str, work: F) -> Result<(), String>
where
    F: FnOnce(jianguan_app::App) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let url = format!("sqlite://{db}?mode=rwc");
        let store = jianguan_store::Store::open(&url)
            .await
            .map_err(|e| e.to_string())?;
        work(jianguan_app::App::new(store)).await
    })
}
