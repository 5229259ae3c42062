//! 公文 the county issues from its records (一（一）–（四）, 二（四）, 三（二）5): what each
//! kind is called, which record it is issued from, and the register's numbering — one run
//! of numbers per issuing office (机关代字) and year, without gaps or repeats; a spoiled
//! number stays in the register as 作废 with its reason.

use serde::{Deserialize, Serialize};

/// The kinds of document issued from records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 限期整改通知书 (from a rectification order; 一（一）).
    RectificationNotice,
    /// 整改意见书 (from an inspection's problems; 二（四）).
    RectificationOpinion,
    /// 通报批评 (from a decided public criticism; 一（四）).
    Criticism,
    /// 取消承办资格决定书 (from a decided disqualification).
    Disqualification,
    /// 追回资金通知书 (from a decided fund recovery).
    RecoveryNotice,
    /// 责任追究决定 (from a decided accountability sanction).
    Accountability,
    /// 监督检查会议纪要 (from a finalised inspection, with its photos; 三（二）5).
    Minutes,
    /// 验收意见 (from a performance evaluation that accepts the project; 一（三）).
    AcceptanceOpinion,
    /// 延期验收通知 (from a performance evaluation that defers acceptance; 一（三）).
    DeferralNotice,
    /// 季度监督检查情况报告 (from a quarter's figures, for the leading group).
    QuarterlyReport,
}

/// What a document is issued from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Order,
    Inspection,
    Sanction,
    Evaluation,
    /// A quarter of the county's supervision ("2026-Q4").
    Quarter,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 10] = [
        DocumentKind::RectificationNotice,
        DocumentKind::RectificationOpinion,
        DocumentKind::Criticism,
        DocumentKind::Disqualification,
        DocumentKind::RecoveryNotice,
        DocumentKind::Accountability,
        DocumentKind::Minutes,
        DocumentKind::AcceptanceOpinion,
        DocumentKind::DeferralNotice,
        DocumentKind::QuarterlyReport,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::RectificationNotice => "rectification_notice",
            DocumentKind::RectificationOpinion => "rectification_opinion",
            DocumentKind::Criticism => "criticism",
            DocumentKind::Disqualification => "disqualification",
            DocumentKind::RecoveryNotice => "recovery_notice",
            DocumentKind::Accountability => "accountability",
            DocumentKind::Minutes => "minutes",
            DocumentKind::AcceptanceOpinion => "acceptance_opinion",
            DocumentKind::DeferralNotice => "deferral_notice",
            DocumentKind::QuarterlyReport => "quarterly_report",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::RectificationNotice => "限期整改通知书",
            DocumentKind::RectificationOpinion => "整改意见书",
            DocumentKind::Criticism => "通报批评",
            DocumentKind::Disqualification => "取消承办资格决定书",
            DocumentKind::RecoveryNotice => "追回资金通知书",
            DocumentKind::Accountability => "责任追究决定",
            DocumentKind::Minutes => "监督检查会议纪要",
            DocumentKind::AcceptanceOpinion => "验收意见",
            DocumentKind::DeferralNotice => "延期验收通知",
            DocumentKind::QuarterlyReport => "季度监督检查情况报告",
        }
    }

    pub fn parse(code: &str) -> Option<DocumentKind> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    pub fn source(self) -> Source {
        match self {
            DocumentKind::RectificationNotice => Source::Order,
            DocumentKind::RectificationOpinion | DocumentKind::Minutes => Source::Inspection,
            DocumentKind::AcceptanceOpinion | DocumentKind::DeferralNotice => Source::Evaluation,
            DocumentKind::QuarterlyReport => Source::Quarter,
            _ => Source::Sanction,
        }
    }

    /// The document a decided sanction of this kind (a `SanctionKind` code) is issued as.
    pub fn of_sanction(sanction_kind: &str) -> Option<DocumentKind> {
        match sanction_kind {
            "public_criticism" => Some(DocumentKind::Criticism),
            "disqualification" => Some(DocumentKind::Disqualification),
            "fund_recovery" => Some(DocumentKind::RecoveryNotice),
            "accountability" => Some(DocumentKind::Accountability),
            "notice" => Some(DocumentKind::RectificationNotice),
            _ => None,
        }
    }

    /// The document an evaluation with this outcome (accept / defer / rectify) is issued
    /// as; a rectification goes out as its order's 限期整改通知书.
    pub fn of_evaluation(outcome: &str) -> Option<DocumentKind> {
        match outcome {
            "accept" => Some(DocumentKind::AcceptanceOpinion),
            "defer" => Some(DocumentKind::DeferralNotice),
            _ => None,
        }
    }

    /// A 纪要 is numbered in its own run ("第3期"), not with the office's 发文字号.
    pub fn is_minutes(self) -> bool {
        self == DocumentKind::Minutes
    }
}

/// 已印发 / 作废.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentState {
    Issued,
    Spoiled,
}

impl DocumentState {
    pub fn code(self) -> &'static str {
        match self {
            DocumentState::Issued => "issued",
            DocumentState::Spoiled => "spoiled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentState::Issued => "已印发",
            DocumentState::Spoiled => "作废",
        }
    }

    pub fn parse(code: &str) -> Option<DocumentState> {
        [DocumentState::Issued, DocumentState::Spoiled]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// The issuing office, as the county's settings name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// 发文机关 (署名 and 印发机关): 交城县电子商务领导组办公室.
    pub name: String,
    /// 机关代字: 交电商办.
    pub code: String,
    /// 发文机关标志: 交城县电子商务领导组办公室文件.
    pub mark: String,
    /// 抄送机关, in order.
    #[serde(default)]
    pub cc: Vec<String>,
}

impl Office {
    /// What a county without its own settings issues as: the office the regulation names.
    pub fn default_for(county: &str) -> Office {
        // The county's first character, as 交城县 writes 交电商办.
        let short: String = county.chars().take(1).collect();
        Office {
            name: format!("{county}电子商务领导组办公室"),
            code: format!("{short}电商办"),
            mark: format!("{county}电子商务领导组办公室文件"),
            cc: Vec::new(),
        }
    }

    /// Checks what a person typed for the office, each problem under its field.
    pub fn check(&self, e: &mut crate::FieldErrors) -> Option<Office> {
        let name = e.required_text("name", "发文机关名称", &self.name, 60);
        let code = e.required_text("code", "机关代字", &self.code, 12);
        let mark = e.required_text("mark", "发文机关标志", &self.mark, 40);
        if code
            .chars()
            .any(|c| c.is_ascii_digit() || "〔〕[]()（）".contains(c))
        {
            e.add(
                "code",
                "机关代字只写代字本身，例如“交电商办”，年份和序号由系统编排",
            );
        }
        let mut cc = Vec::new();
        for (i, c) in self.cc.iter().enumerate() {
            let c = c.trim();
            if c.is_empty() {
                continue;
            }
            if c.chars().count() > 40 {
                e.add("cc", format!("第 {} 个抄送机关名称过长", i + 1));
            }
            cc.push(c.to_string());
        }
        if cc.len() > 20 {
            e.add("cc", "抄送机关最多 20 个");
        }
        e.is_empty().then_some(Office {
            name,
            code,
            mark,
            cc,
        })
    }
}

/// 发文字号 of a number in an office's year: 交电商办〔2026〕12号.
pub fn number(code: &str, year: i32, seq: i64) -> String {
    format!("{code}〔{year}〕{seq}号")
}

/// A 纪要's number in its year: 2026年第3期.
pub fn minutes_number(year: i32, seq: i64) -> String {
    format!("{year}年第{seq}期")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_the_standard_writes_them() {
        assert_eq!(number("交电商办", 2022, 9), "交电商办〔2022〕9号");
        assert_eq!(minutes_number(2026, 3), "2026年第3期");
    }

    #[test]
    fn kinds_round_trip_and_sanctions_map_to_their_documents() {
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.code()), Some(k));
            assert!(!k.label().is_ascii());
        }
        assert_eq!(
            DocumentKind::of_sanction("fund_recovery"),
            Some(DocumentKind::RecoveryNotice)
        );
        assert_eq!(DocumentKind::of_sanction("nonsense"), None);
        assert_eq!(
            DocumentKind::of_evaluation("accept"),
            Some(DocumentKind::AcceptanceOpinion)
        );
        assert_eq!(
            DocumentKind::of_evaluation("defer"),
            Some(DocumentKind::DeferralNotice)
        );
        assert_eq!(DocumentKind::of_evaluation("rectify"), None);
        assert_eq!(DocumentKind::DeferralNotice.source(), Source::Evaluation);
    }

    #[test]
    fn an_office_is_checked_as_typed() {
        let mut e = crate::FieldErrors::new();
        let ok = Office {
            name: "交城县电子商务领导组办公室".into(),
            code: "交电商办".into(),
            mark: "交城县电子商务领导组办公室文件".into(),
            cc: vec!["县财政局".into(), " ".into()],
        }
        .check(&mut e)
        .unwrap();
        assert_eq!(ok.cc, vec!["县财政局".to_string()]);
        let mut e = crate::FieldErrors::new();
        let bad = Office {
            name: String::new(),
            code: "交电商办〔2026〕".into(),
            mark: "x".repeat(41),
            cc: vec![],
        };
        assert!(bad.check(&mut e).is_none());
        for f in ["name", "code", "mark"] {
            assert!(e.get(f).is_some(), "{f}");
        }
        assert_eq!(Office::default_for("交城县").code, "交电商办");
        assert_eq!(
            Office::default_for("交城县").mark,
            "交城县电子商务领导组办公室文件"
        );
    }
}
