//! 发票 as the duplicate checks compare them: sellers and invoice numbers normalised, so that
//! the same invoice typed twice in two ways (a full-width bracket, a space, a dropped zero,
//! 有限责任公司 for 有限公司) is still the same invoice.

/// Full-width ASCII forms (！ to ～) and the ideographic space to their half-width forms.
fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A seller's name as compared: half-width, without spaces or brackets of either width,
/// Latin letters in lower case, 有限责任公司 read as 有限公司 and 股份公司 as 股份有限公司
/// (a 股份有限公司 stays distinct from a 有限公司 of the same name).
///
/// "山西晋丰建材有限公司", "山西晋丰建材 有限责任公司" and "山西晋丰建材（有限公司）" are one seller.
pub fn seller_key(name: &str) -> String {
    let s: String = name
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）'))
        .flat_map(char::to_lowercase)
        .collect();
    s.replace("有限责任公司", "有限公司")
        .replace("股份公司", "股份有限公司")
}

/// An invoice code or number as compared: half-width, without spaces, dashes or leading
/// zeros ("00012345", " 0001 2345" and "１２３４５" are one number).
pub fn number_key(s: &str) -> String {
    let digits: String = s
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() && !digits.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

/// Whether `text` — an invoice as a ledger line names it, e.g. "1400221130 04512876" or
/// "发票号码：4512876" — cites the invoice numbered `number`: one of its runs of digits and
/// letters is that number, compared as [`number_key`] compares.
pub fn cites(text: &str, number: &str) -> bool {
    let wanted = number_key(number);
    if wanted.len() < 6 {
        return false;
    }
    text.chars()
        .map(half_width)
        .collect::<String>()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|run| number_key(run) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ledger_line_cites_an_invoice_by_its_number_however_typed() {
        for text in [
            "1400221130 04512876",
            "发票号码：4512876",
            "１４００２２１１３０－０４５１２８７６",
            "04512876",
        ] {
            assert!(cites(text, "04512876"), "{text}");
        }
        assert!(!cites("1400221130 04512877", "04512876"));
        assert!(
            !cites("14512876", "04512876"),
            "a number inside another is not it"
        );
        assert!(!cites("", "04512876"));
        assert!(!cites("123", "123"), "too short to mean one invoice");
    }

    #[test]
    fn one_seller_however_typed() {
        let a = seller_key("山西晋丰建材有限公司");
        for other in [
            "山西晋丰建材 有限责任公司",
            "山西晋丰建材（有限公司）",
            "山西晋丰建材(有限公司)",
            "　山西晋丰建材有限公司　",
            "山西晋丰建材有限责任公司",
        ] {
            assert_eq!(seller_key(other), a, "{other}");
        }
        assert_eq!(
            seller_key("ＡＢＣ农业科技有限公司"),
            seller_key("abc 农业科技有限公司")
        );
        assert_eq!(
            seller_key("太原（晋中）物流有限公司"),
            seller_key("太原(晋中)物流有限公司")
        );
    }

    #[test]
    fn sellers_that_differ_stay_apart() {
        let a = seller_key("山西晋丰建材有限公司");
        for other in [
            "山西晋丰建材股份有限公司",
            "山西晋峰建材有限公司",
            "山西晋丰建材有限公司交城分公司",
            "晋丰建材有限公司",
        ] {
            assert_ne!(seller_key(other), a, "{other}");
        }
        assert_eq!(
            seller_key("山西晋丰建材股份公司"),
            seller_key("山西晋丰建材股份有限公司")
        );
    }

    #[test]
    fn numbers_without_spaces_or_leading_zeros() {
        assert_eq!(number_key("00012345"), "12345");
        assert_eq!(number_key(" 0001 2345 "), "12345");
        assert_eq!(number_key("１２３４５"), "12345");
        assert_eq!(number_key("1400-2211-30"), "1400221130");
        assert_eq!(number_key("0000"), "0");
        assert_eq!(number_key(""), "");
        assert_ne!(number_key("12345"), number_key("123450"));
        assert_ne!(number_key("10012345"), number_key("00012345"));
    }
}
