//! What every string of a bundle must be, whatever field it is in: no control or
//! direction characters, no longer than any field may be, and a date (or month) only in
//! the years records are from. Field-specific rules follow in the checker; these hold for
//! all fields, including those nested in JSON sub-structures.

use super::PathError;
use jianguan_domain::dates::YEARS;
use jianguan_domain::text::{Lines, MAX_ANY_TEXT, problem};
use serde_json::Value;

/// Errors reported at most; a file with more is wrong throughout.
const MAX_ERRORS: usize = 200;

pub fn check(v: &Value, path: &mut String, errors: &mut Vec<PathError>) {
    if errors.len() >= MAX_ERRORS {
        return;
    }
    match v {
        Value::String(s) => {
            let n = s.chars().count();
            if n > MAX_ANY_TEXT {
                errors.push(PathError::new(
                    path,
                    format!("内容有 {n} 字，超过任何字段的上限 {MAX_ANY_TEXT} 字"),
                ));
            } else if let Some(p) = problem(s, Lines::Many) {
                errors.push(PathError::new(path, p));
            } else if let Some(year) = date_year(s)
                && !YEARS.contains(&year)
            {
                errors.push(PathError::new(
                    path,
                    format!(
                        "日期“{s}”不在 {}–{} 年之间，请核对年份",
                        YEARS.start(),
                        YEARS.end()
                    ),
                ));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                check(item, path, errors);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// The year of a string that is a date ("2026-05-21"), a month ("2026-05") or a
/// timestamp ("2026-05-21T08:00:00Z"), and nothing else.
fn date_year(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let shaped = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && match b.len() {
            7 => true,
            10 => b[7] == b'-' && digits(8..10),
            n => n > 10 && b[7] == b'-' && digits(8..10) && b[10] == b'T',
        };
    shaped.then(|| s[..4].parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors_of(v: Value) -> Vec<PathError> {
        let mut e = Vec::new();
        check(&v, &mut "$".to_string(), &mut e);
        e
    }

    #[test]
    fn every_string_anywhere_is_checked_with_its_path() {
        let e = errors_of(json!({
            "enterprises": [{"name": "山西\u{202E}建材", "id": "e1"}],
            "progress_plans": [{"milestones": [{"date": "9999-12-31", "note": "ok\nnext line"}]}],
            "inspections": [{"minutes": "长".repeat(20_001)}],
        }));
        let paths: Vec<&str> = e.iter().map(|x| x.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "$.enterprises[0].name",
                "$.inspections[0].minutes",
                "$.progress_plans[0].milestones[0].date"
            ],
            "{e:?}"
        );
        assert!(e[0].message.contains("U+202E"));
        assert!(e[1].message.contains("20000"));
        assert!(e[2].message.contains("年份"));
        assert!(
            errors_of(
                json!({"a": ["2026-05", "2026-05-21", "2026-05-21T08:00:00Z", "2026-05-21 交付"]})
            )
            .is_empty()
        );
        assert_eq!(errors_of(json!(["0001-01"])).len(), 1);
        assert_eq!(
            errors_of(Value::Array(vec![json!("\u{0}"); 1000])).len(),
            MAX_ERRORS
        );
    }
}
