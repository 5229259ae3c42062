//! Identifiers that carry meaning: the county's administrative division code.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 6-digit administrative division code of a county (交城县 = 141122).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountyCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("县级行政区划代码应为 6 位数字，例如交城县为 141122")]
pub struct CountyCodeError;

impl CountyCode {
    pub fn parse(input: &str) -> Result<Self, CountyCodeError> {
        let s = input.trim();
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0') {
            Ok(Self(s.to_string()))
        } else {
            Err(CountyCodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CountyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CountyCode {
    type Error = CountyCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountyCode> for String {
    fn from(value: CountyCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_codes() {
        assert_eq!(CountyCode::parse("141122").unwrap().as_str(), "141122");
        for bad in ["14112", "1411223", "14112a", "", "041122"] {
            assert!(CountyCode::parse(bad).is_err(), "{bad}");
        }
    }
}
