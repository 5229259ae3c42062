//! 统一社会信用代码 (unified social credit code), GB 32100-2015.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The 31 characters the standard allows: digits and capitals without I, O, Z, S, V.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A validated unified social credit code; it can only be built by [`Uscc::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码不能为空")]
    Empty,
    #[error("统一社会信用代码应为 18 位，当前为 {0} 位，请核对")]
    Length(usize),
    #[error(
        "统一社会信用代码第 {position} 位“{found}”不是有效字符（只用数字和除 I、O、Z、S、V 以外的大写字母）"
    )]
    Character { position: usize, found: char },
    #[error("统一社会信用代码校验位错误，请核对第 18 位（按前 17 位计算应为“{expected}”）")]
    CheckCharacter { expected: char },
}

fn value_of(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// The check character the standard assigns to the first 17 characters.
fn check_character(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (i, &c) in first17.iter().enumerate() {
        sum += value_of(c)? * WEIGHTS[i];
    }
    let check = (31 - sum % 31) % 31;
    Some(CHARSET[check as usize] as char)
}

impl Uscc {
    /// Parses a code as a person types it: surrounding spaces are ignored and lower-case
    /// letters are taken as capitals, everything else must be exact.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let code: String = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(UsccError::Empty);
        }
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(UsccError::Length(chars.len()));
        }
        for (i, &c) in chars.iter().enumerate() {
            if !c.is_ascii() || value_of(c as u8).is_none() {
                return Err(UsccError::Character {
                    position: i + 1,
                    found: c,
                });
            }
        }
        let bytes = code.as_bytes();
        // Every byte was checked against the charset above, so this is always Some.
        let expected = check_character(&bytes[..17]).ok_or(UsccError::Length(18))?;
        if bytes[17] as char != expected {
            return Err(UsccError::CheckCharacter { expected });
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Completes 17 characters with their check character (for generated and demo data).
    pub fn complete(first17: &str) -> Option<Self> {
        let upper = first17.to_ascii_uppercase();
        if upper.len() != 17 {
            return None;
        }
        let check = check_character(upper.as_bytes())?;
        Some(Self(format!("{upper}{check}")))
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Uscc {
    type Error = UsccError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Uscc> for String {
    fn from(value: Uscc) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes of well-known companies as published on their business licences.
    const PUBLISHED: &[&str] = &[
        "91350100M000100Y43", // the example printed in GB 32100-2015
        "9144030071526726XG", // 腾讯科技（深圳）有限公司
        "914403001922038216", // 华为技术有限公司
        "91110000802100433B", // 百度在线网络技术（北京）有限公司
        "911100007109250324", // 北京京东世纪贸易有限公司
    ];

    #[test]
    fn accepts_published_codes() {
        for code in PUBLISHED {
            assert_eq!(
                Uscc::parse(code).map(|u| u.to_string()),
                Ok(code.to_string()),
                "{code}"
            );
        }
    }

    #[test]
    fn accepts_lower_case_and_spaces_as_typed() {
        assert_eq!(
            Uscc::parse(" 9144030071526726xg ").unwrap().as_str(),
            "9144030071526726XG"
        );
    }

    #[test]
    fn every_single_character_corruption_is_caught() {
        for code in PUBLISHED {
            for pos in 0..18 {
                for &replacement in CHARSET {
                    let mut bytes = code.as_bytes().to_vec();
                    if bytes[pos] == replacement {
                        continue;
                    }
                    bytes[pos] = replacement;
                    let corrupted = String::from_utf8(bytes).unwrap();
                    assert!(Uscc::parse(&corrupted).is_err(), "{corrupted} passed");
                }
            }
        }
    }

    #[test]
    fn completes_with_check_character() {
        assert_eq!(
            Uscc::complete("91350100M000100Y4").unwrap().as_str(),
            "91350100M000100Y43"
        );
        assert!(Uscc::complete("91350100M000100Y").is_none());
        assert!(Uscc::complete("91350100O000100Y4").is_none());
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(Uscc::parse(""), Err(UsccError::Empty));
        assert_eq!(Uscc::parse("91350100M000100Y4"), Err(UsccError::Length(17)));
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(UsccError::CheckCharacter { expected: '3' })
        );
        assert_eq!(
            Uscc::parse("91350100O000100Y43"),
            Err(UsccError::Character {
                position: 9,
                found: 'O'
            })
        );
        assert_eq!(
            Uscc::parse("91350100M00010中Y43"),
            Err(UsccError::Character {
                position: 15,
                found: '中'
            })
        );
        let msg = Uscc::parse("91350100M000100Y44").unwrap_err().to_string();
        assert!(
            msg.contains("校验位错误") && msg.contains("第 18 位"),
            "{msg}"
        );
    }
}
