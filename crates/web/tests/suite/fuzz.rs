//! Byte and structure mutations of a real bundle, imported: every one is imported or
//! refused with its errors listed, never an internal error, and a refused one changes
//! nothing. (cargo-fuzz targets in fuzz/ run the same inputs for longer.)

use crate::common::{counts, seeded_router};
use jianguan_app::bundle::{self, ImportError};
use serde_json::Value;

/// A small deterministic generator: a failing seed can be run again.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Replaces one value somewhere in the tree with something of another kind.
fn mutate_value(v: &mut Value, rng: &mut Rng) {
    let replacement = match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => serde_json::json!(-1),
        3 => serde_json::json!(1e308),
        4 => Value::String("\u{202E}\u{0}".into()),
        5 => Value::String("9999-12-31".into()),
        6 => Value::String("长".repeat(30_000)),
        7 => serde_json::json!([]),
        _ => serde_json::json!({"x": 1}),
    };
    put(v, replacement, rng, 6);
}

fn put(v: &mut Value, replacement: Value, rng: &mut Rng, depth: u32) {
    let go_on = depth > 0 && rng.below(3) != 0;
    match v {
        Value::Object(m) if go_on && !m.is_empty() => {
            let k = m
                .keys()
                .nth(rng.below(m.len()))
                .cloned()
                .unwrap_or_default();
            if let Some(next) = m.get_mut(&k) {
                put(next, replacement, rng, depth - 1);
            }
        }
        Value::Array(a) if go_on && !a.is_empty() => {
            let i = rng.below(a.len());
            put(&mut a[i], replacement, rng, depth - 1);
        }
        _ => *v = replacement,
    }
}

#[tokio::test]
async fn mutated_bundles_are_imported_or_refused_never_an_internal_error() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let app = t.app.clone();
    let base = bundle::export(&app, "141121").await.unwrap();
    let seed = std::env::var("JIANGUAN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15u64);
    let cases: usize = std::env::var("JIANGUAN_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let mut rng = Rng(seed);
    for case in 0..cases {
        let text = if rng.below(2) == 0 {
            let mut v = base.clone();
            for _ in 0..=rng.below(3) {
                mutate_value(&mut v, &mut rng);
            }
            v.to_string()
        } else {
            let mut b = base.to_string().into_bytes();
            for _ in 0..=rng.below(8) {
                let i = rng.below(b.len());
                b[i] = (rng.next() & 0xff) as u8;
            }
            if rng.below(4) == 0 {
                b.truncate(rng.below(b.len()));
            }
            String::from_utf8_lossy(&b).into_owned()
        };
        let before = counts(&t).await;
        match bundle::import(&app, None, &text).await {
            Ok(_) => {}
            Err(ImportError::Invalid(errors)) => {
                assert!(!errors.is_empty(), "seed {seed} case {case}");
                assert_eq!(
                    counts(&t).await,
                    before,
                    "seed {seed} case {case}: refused but changed"
                );
            }
            Err(ImportError::App(e)) => {
                panic!("seed {seed} case {case}: {e:?} for a bundle a person could send")
            }
        }
    }
    jianguan_testkit::assert_audit_intact(&app.store).await;
}

/// An import tells its progress bar where it is: what it checks, then each table written
/// with the records done so far, up to all of them, then the sealing.
#[tokio::test]
async fn an_import_reports_its_progress_to_the_last_record() {
    use jianguan_app::bundle::Step;
    // The CLI's county-year scenario (~1,000 records).
    let text = include_str!("../../../cli/tests/fixtures/scenario-2026.json");
    let db = jianguan_testkit::TestDb::new(jianguan_testkit::Backend::Sqlite).await;
    let fresh = jianguan_app::App::new(db.store().await);
    let steps = std::sync::Mutex::new(Vec::new());
    let report = bundle::import_with(&fresh, None, text, &|s| steps.lock().unwrap().push(s))
        .await
        .unwrap();
    let steps = steps.into_inner().unwrap();
    let Some(Step::Checking { records }) = steps.first().copied() else {
        panic!("checking first: {steps:?}")
    };
    assert_eq!(
        records, report.created,
        "every record of the bundle is new here"
    );
    assert_eq!(steps.last(), Some(&Step::Sealing));
    let written: Vec<(usize, usize)> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Writing { done, total, .. } => Some((*done, *total)),
            _ => None,
        })
        .collect();
    assert!(written.len() > 5, "one step per table: {written:?}");
    assert!(written.windows(2).all(|w| w[0].0 <= w[1].0), "{written:?}");
    assert!(written.iter().all(|(_, total)| *total == records));
    assert_eq!(written.last().map(|w| w.0), Some(records));
}
