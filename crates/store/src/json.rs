//! Columns that hold JSON text, read as their types. A column that does not read is an
//! error naming the row, never an empty value: a row edited outside the product (or
//! written by a bug) must be noticed, not silently shown as blank.

use crate::StoreError;
use serde::de::DeserializeOwned;

/// Reads `text`, the JSON of `table`.`column` in row `id`, as `T`.
pub fn column<T: DeserializeOwned>(
    table: &'static str,
    id: &str,
    column: &'static str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::CorruptColumn {
        table,
        id: id.into(),
        column,
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_that_does_not_read_names_its_row() {
        let ok: Vec<String> = column("inspections", "i1", "kinds", r#"["construction"]"#).unwrap();
        assert_eq!(ok, ["construction"]);
        let e =
            column::<Vec<String>>("inspections", "i1", "kinds", "[\"construction\"").unwrap_err();
        match e {
            StoreError::CorruptColumn {
                table, id, column, ..
            } => {
                assert_eq!((table, id.as_str(), column), ("inspections", "i1", "kinds"))
            }
            other => panic!("{other:?}"),
        }
        // The wrong shape is as corrupt as broken text.
        assert!(column::<Vec<String>>("inspections", "i1", "kinds", "{}").is_err());
    }
}
