//! What text a person, a file or another system may hand in. Names and notes end up on
//! printed notices and the public board, so characters that are invisible or that reorder
//! what is shown (control characters, bidirectional overrides, zero-width marks) are
//! refused everywhere text enters: forms, the API, imports and uploaded spreadsheets.

/// Longest string accepted at any edge (a form value, a JSON string, a bundle field), in
/// characters. Each field also has its own, smaller limit.
pub const MAX_ANY_TEXT: usize = 20_000;

/// Whether a text may span lines (a description, minutes) or is one line (a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Characters no text may hold. Tabs and line breaks are allowed in multi-line text only.
pub fn forbidden(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\r' | '\t' => lines == Lines::One,
        c if c.is_control() => true,
        // Zero-width and direction marks, bidirectional embeddings, overrides and isolates,
        // invisible operators, the BOM and interlinear annotations.
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061C}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{FFFE}'
        | '\u{FFFF}' => true,
        _ => false,
    }
}

/// Why a text is refused, in words for the person who typed it; None when it is fine.
pub fn problem(value: &str, lines: Lines) -> Option<String> {
    let (i, c) = value
        .chars()
        .enumerate()
        .find(|(_, c)| forbidden(*c, lines))?;
    Some(if matches!(c, '\n' | '\r' | '\t') {
        "只能填写一行，请删除换行或制表符".to_string()
    } else {
        format!(
            "第 {} 个字符是不可见的控制字符或文字方向控制符（U+{:04X}），请删除后重新输入",
            i + 1,
            u32::from(c)
        )
    })
}

/// A telephone number as counties write them: a mobile (13800000000, +86 138 0000 0000)
/// or a fixed line with its area code (0358-3520080). The number is returned trimmed.
pub fn phone(value: &str) -> Result<String, &'static str> {
    const MESSAGE: &str =
        "联系电话格式不正确，请填写 11 位手机号或带区号的固定电话，例如 0358-3520080";
    let p = value.trim();
    let allowed = p
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ' | '—' | '－' | '(' | ')'));
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let national = digits
        .strip_prefix("86")
        .filter(|_| p.starts_with('+'))
        .unwrap_or(&digits);
    let mobile = national.len() == 11 && national.starts_with('1');
    let fixed = national.starts_with('0') && (10..=12).contains(&national.len());
    // Hotlines (12345, 95xxx) and local numbers written without their area code.
    let first = national.bytes().next().unwrap_or(b'0');
    let service = !p.contains('+')
        && ((national.len() == 5 && matches!(first, b'1' | b'9'))
            || ((7..=8).contains(&national.len()) && (b'2'..=b'9').contains(&first)));
    if allowed && (mobile || fixed || service) && !p.starts_with('-') {
        Ok(p.to_string())
    } else {
        Err(MESSAGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_reordering_characters_are_refused() {
        for bad in [
            "山西\u{0}建材",
            "山西\u{202E}材建",
            "a\u{2066}b",
            "\u{200B}山西晋丰",
            "x\u{7F}",
            "x\u{85}",
            "\u{FEFF}abc",
            "a\u{1B}[31m",
        ] {
            assert!(problem(bad, Lines::Many).is_some(), "{bad:?}");
            assert!(problem(bad, Lines::One).is_some(), "{bad:?}");
        }
        assert!(problem("第一行\n第二行\t缩进", Lines::Many).is_none());
        assert!(
            problem("第一行\n第二行", Lines::One)
                .unwrap()
                .contains("一行")
        );
        let m = problem("山西\u{202E}材建", Lines::One).unwrap();
        assert!(m.contains("第 3 个字符") && m.contains("U+202E"), "{m}");
        for fine in ["山西晋丰建材（有限公司）", "Ｇ２０８ 国道", "👍", "ǎ é ü"]
        {
            assert!(problem(fine, Lines::One).is_none(), "{fine}");
        }
    }

    #[test]
    fn phones_are_mobiles_fixed_lines_or_service_numbers() {
        for ok in [
            "13800000000",
            "+86 138 0000 0000",
            "0358-3520080",
            "0358—3520080",
            "(0358) 3520080",
            "010-12345678",
            "12345",
            "3520080",
        ] {
            assert!(phone(ok).is_ok(), "{ok}");
        }
        for bad in [
            "abc",
            "138000",
            "1380000000",
            "138000000000",
            "23800000000",
            "电话 13800000000",
            "1380000000\u{202E}0",
            "-13800000000",
            "+1 555 0100",
            "138000",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }
}
