//! A bundle record (JSON, as people and spreadsheets write it) ↔ a stored row.
//! JSON-valued fields are stored as JSON text; month fields are "YYYY-MM" in a bundle and
//! the month's first day in the database; county and bookkeeping columns are not in a
//! bundle at all.

use super::PathError;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub struct Shape {
    pub fields: &'static [&'static str],
    pub json: &'static [&'static str],
    pub months: &'static [&'static str],
}

const BOOKKEEPING: [&str; 5] = [
    "county_code",
    "created_at",
    "updated_at",
    "voided_at",
    "void_reason",
];

/// Turns one bundle record into a row, or says (with JSON paths) why it cannot.
pub fn to_row<M: DeserializeOwned>(
    record: &Value,
    path: &str,
    shape: &Shape,
    county: &str,
    now: DateTime<Utc>,
    errors: &mut Vec<PathError>,
) -> Option<M> {
    let Some(obj) = record.as_object() else {
        errors.push(PathError::new(path, "应为一个对象（{…}）"));
        return None;
    };
    let before = errors.len();
    for k in obj.keys() {
        if !shape.fields.contains(&k.as_str()) {
            errors.push(PathError::new(
                &format!("{path}.{k}"),
                format!("未知字段“{k}”"),
            ));
        }
    }
    match obj.get("id").and_then(Value::as_str) {
        Some(id) if !id.trim().is_empty() && id.len() <= 64 => {}
        _ => errors.push(PathError::new(
            &format!("{path}.id"),
            "缺少编号 id（每条记录须有自己的编号，重复导入据此识别）",
        )),
    }
    let mut row = Map::new();
    for (k, v) in obj {
        let v = if shape.json.contains(&k.as_str()) {
            Value::String(v.to_string())
        } else if shape.months.contains(&k.as_str()) {
            match v.as_str().and_then(|s| {
                chrono::NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok()
            }) {
                Some(d) => Value::String(d.to_string()),
                None => {
                    errors.push(PathError::new(
                        &format!("{path}.{k}"),
                        "月份格式应为“2026-05”",
                    ));
                    continue;
                }
            }
        } else {
            v.clone()
        };
        row.insert(k.clone(), v);
    }
    row.insert("county_code".into(), Value::String(county.into()));
    row.insert("created_at".into(), serde_json::json!(now));
    row.insert("updated_at".into(), serde_json::json!(now));
    row.insert("voided_at".into(), Value::Null);
    row.insert("void_reason".into(), Value::Null);
    if errors.len() > before {
        return None;
    }
    match serde_path_to_error::deserialize::<_, M>(Value::Object(row)) {
        Ok(m) => Some(m),
        Err(e) => {
            let field = e.path().to_string();
            let inner = e.into_inner().to_string();
            let message = if inner.starts_with("missing field") {
                format!("缺少字段：{inner}")
            } else {
                format!("类型或格式不对（日期写作“2026-05-21”，金额为整数“分”）：{inner}")
            };
            let at = if field == "." {
                path.to_string()
            } else {
                format!("{path}.{field}")
            };
            errors.push(PathError::new(&at, message));
            None
        }
    }
}

/// The bundle form of a stored row.
pub fn to_record<M: Serialize>(row: &M, shape: &Shape) -> Value {
    let mut v = serde_json::to_value(row).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        for k in BOOKKEEPING {
            obj.remove(k);
        }
        for k in shape.json {
            if let Some(Value::String(text)) = obj.get(*k) {
                let parsed = serde_json::from_str(text).unwrap_or(Value::Null);
                obj.insert((*k).to_string(), parsed);
            }
        }
        for k in shape.months {
            if let Some(Value::String(date)) = obj.get(*k) {
                let month = date.get(..7).unwrap_or(date).to_string();
                obj.insert((*k).to_string(), Value::String(month));
            }
        }
        // Leave out empty optional fields: a bundle written by hand would not have them.
        obj.retain(|_, v| !v.is_null());
    }
    v
}
