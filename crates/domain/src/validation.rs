//! Field-level validation errors, in Chinese, keyed by the field's name in forms and JSON.

use serde::Serialize;
use std::collections::BTreeMap;

/// Messages per field. Empty means valid. Ordered, so errors read the same every time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the first message for a field; later ones for the same field are dropped so
    /// the person sees one thing to fix at a time.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// A required text field, trimmed; records an error when empty, too long, or holding
    /// characters no text may hold. Fields of more than 200 characters are paragraphs
    /// (line breaks allowed); shorter ones are single lines (names, numbers, titles).
    pub fn required_text(
        &mut self,
        field: &str,
        label: &str,
        value: &str,
        max_chars: usize,
    ) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, format!("请填写{label}"));
        } else {
            self.check_text(field, label, v, max_chars);
        }
        v.replace("\r\n", "\n")
    }

    /// An optional text field, trimmed; None when empty. The same checks as
    /// [`FieldErrors::required_text`].
    pub fn optional_text(
        &mut self,
        field: &str,
        label: &str,
        value: Option<&str>,
        max_chars: usize,
    ) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.check_text(field, label, v, max_chars);
        Some(v.replace("\r\n", "\n"))
    }

    fn check_text(&mut self, field: &str, label: &str, v: &str, max_chars: usize) {
        let lines = if max_chars > 200 {
            crate::text::Lines::Many
        } else {
            crate::text::Lines::One
        };
        if v.chars().count() > max_chars {
            self.add(field, format!("{label}不能超过 {max_chars} 个字"));
        } else if let Some(p) = crate::text::problem(v, lines) {
            self.add(field, format!("{label}{p}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_first_message_per_field() {
        let mut e = FieldErrors::new();
        assert_eq!(e.required_text("name", "企业名称", "  ", 10), "");
        e.add("name", "second");
        assert_eq!(e.get("name"), Some("请填写企业名称"));
        assert_eq!(
            e.required_text("x", "地址", "一二三四五六", 5),
            "一二三四五六"
        );
        assert_eq!(e.get("x"), Some("地址不能超过 5 个字"));
        assert_eq!(e.optional_text("y", "电话", Some("  "), 5), None);
        assert!(e.into_result(()).is_err());
    }

    #[test]
    fn text_fields_refuse_invisible_characters_and_lines_where_one_is_expected() {
        let mut e = FieldErrors::new();
        e.required_text("name", "企业名称", "山西\u{202E}建材", 100);
        assert!(e.get("name").unwrap().contains("U+202E"), "{e:?}");
        e.required_text("title", "标题", "第一行\n第二行", 100);
        assert!(e.get("title").unwrap().contains("一行"), "{e:?}");
        assert_eq!(
            e.required_text("facts", "事实", "第一行\r\n第二行", 2000),
            "第一行\n第二行"
        );
        assert_eq!(e.get("facts"), None);
        e.optional_text("note", "说明", Some("a\u{0}b"), 2000);
        assert!(e.get("note").is_some());
    }
}
