//! 清查盘点 (一（五）: 定期进行固定资产清查盘点): a count covers the assets of one enterprise
//! (or of one project or place of it) as the ledger stood when it started; every label
//! scanned is one entry, whoever scans it; closing turns what nobody scanned into missing.
//! Every missing, damaged, unexpected and unknown item is a discrepancy (盘点差异), followed
//! until it is resolved: found later, repaired, explained, written off with the responsible
//! person's approval, or recovered from the contractor by a fund-recovery decision.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a count found of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountResult {
    /// 在位: found where the ledger says.
    Present,
    /// 缺失: in the count's scope, never scanned.
    Missing,
    Damaged,
    /// 位置变动: found, but not where the ledger says.
    Relocated,
    /// 盘盈（外来）: a label of this county's ledger that belongs to another enterprise,
    /// project or place.
    Unexpected,
    /// 未知标签: a label no asset of the county carries.
    Unknown,
}

impl CountResult {
    pub const ALL: [CountResult; 6] = [
        CountResult::Present,
        CountResult::Missing,
        CountResult::Damaged,
        CountResult::Relocated,
        CountResult::Unexpected,
        CountResult::Unknown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CountResult::Present => "present",
            CountResult::Missing => "missing",
            CountResult::Damaged => "damaged",
            CountResult::Relocated => "relocated",
            CountResult::Unexpected => "unexpected",
            CountResult::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CountResult::Present => "在位",
            CountResult::Missing => "缺失",
            CountResult::Damaged => "损坏",
            CountResult::Relocated => "位置变动",
            CountResult::Unexpected => "不属于本次盘点",
            CountResult::Unknown => "未知标签",
        }
    }

    pub fn parse(code: &str) -> Option<CountResult> {
        Self::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// Whether the item is a discrepancy someone must resolve.
    pub fn is_discrepancy(self) -> bool {
        matches!(
            self,
            CountResult::Missing
                | CountResult::Damaged
                | CountResult::Unexpected
                | CountResult::Unknown
        )
    }

    /// Whether the person scanning must say what they saw (a note).
    pub fn needs_note(self) -> bool {
        matches!(self, CountResult::Damaged | CountResult::Relocated)
    }
}

/// What a scanned code turned out to be, against the count's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// An asset the count covers.
    Expected(String),
    /// An asset of the county's ledger outside the count's scope.
    Unexpected(String),
    /// A code no asset of the county carries.
    Unknown,
}

impl Scanned {
    /// Classifies a code by the asset carrying it (if any) and the count's scope.
    pub fn of(carrier: Option<&str>, expected: &BTreeSet<String>) -> Scanned {
        match carrier {
            Some(id) if expected.contains(id) => Scanned::Expected(id.to_string()),
            Some(id) => Scanned::Unexpected(id.to_string()),
            None => Scanned::Unknown,
        }
    }

    /// The results a person may record for it; the first is the default.
    pub fn results(&self) -> &'static [CountResult] {
        match self {
            Scanned::Expected(_) => &[
                CountResult::Present,
                CountResult::Damaged,
                CountResult::Relocated,
            ],
            Scanned::Unexpected(_) => &[CountResult::Unexpected],
            Scanned::Unknown => &[CountResult::Unknown],
        }
    }

    pub fn asset_id(&self) -> Option<&str> {
        match self {
            Scanned::Expected(id) | Scanned::Unexpected(id) => Some(id),
            Scanned::Unknown => None,
        }
    }
}

/// A label's code as compared: what a phone or a person typed, with spaces and full-width
/// forms gone and letters in capitals (`jg－141122－00001` is `JG-141122-00001`).
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            _ => c,
        })
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Longest code a scan may carry (a QR code may hold a URL to the asset's page).
pub const MAX_CODE_CHARS: usize = 200;

/// Most assets one count may cover: beyond it, count a project or a place at a time.
pub const MAX_COUNT_ASSETS: usize = 5_000;

/// Most scans one count may hold (its assets, and as many labels found besides).
pub const MAX_SCANS: usize = 2 * MAX_COUNT_ASSETS;

/// How a discrepancy was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionKind {
    /// 已找到: a missing asset scanned again.
    Found,
    /// 已修复: a damaged asset repaired.
    Repaired,
    /// 已查明: an unexpected or unknown label explained (and the ledger corrected).
    Explained,
    /// 核销: written off with the responsible person's approval.
    WrittenOff,
    /// 追回: recovered from the contractor by a fund-recovery decision.
    Recovered,
}

impl ResolutionKind {
    pub const ALL: [ResolutionKind; 5] = [
        ResolutionKind::Found,
        ResolutionKind::Repaired,
        ResolutionKind::Explained,
        ResolutionKind::WrittenOff,
        ResolutionKind::Recovered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ResolutionKind::Found => "found",
            ResolutionKind::Repaired => "repaired",
            ResolutionKind::Explained => "explained",
            ResolutionKind::WrittenOff => "written_off",
            ResolutionKind::Recovered => "recovered",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResolutionKind::Found => "已找到",
            ResolutionKind::Repaired => "已修复",
            ResolutionKind::Explained => "已查明原因",
            ResolutionKind::WrittenOff => "经批准核销",
            ResolutionKind::Recovered => "追回资金",
        }
    }

    pub fn parse(code: &str) -> Option<ResolutionKind> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// Whether it may settle a discrepancy of this result.
    pub fn applies_to(self, result: CountResult) -> bool {
        use CountResult as R;
        match self {
            ResolutionKind::Found => result == R::Missing,
            ResolutionKind::Repaired => result == R::Damaged,
            ResolutionKind::Explained => matches!(result, R::Unexpected | R::Unknown),
            ResolutionKind::WrittenOff | ResolutionKind::Recovered => {
                matches!(result, R::Missing | R::Damaged)
            }
        }
    }

    /// Whether it waits for the responsible person's decision before it settles anything.
    pub fn needs_decision(self) -> bool {
        matches!(self, ResolutionKind::WrittenOff | ResolutionKind::Recovered)
    }
}

/// A settlement: what, on which day, by whom (as the audit names people), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub kind: ResolutionKind,
    pub on: NaiveDate,
    pub by: String,
    pub note: String,
    /// The fund-recovery decision behind a recovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanction_id: Option<String>,
}

/// One item of a count: an asset of its scope (found or not), or a label found besides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountItem {
    /// The asset; none for an unknown label.
    #[serde(default)]
    pub asset_id: Option<String>,
    pub result: CountResult,
    /// The day it was settled; none while open (or pending a decision).
    pub resolved_on: Option<NaiveDate>,
    /// The code as scanned (normalised), when it was scanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What the person scanning noted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The scan that found it (its photos hang on the scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_id: Option<String>,
    /// A write-off or recovery asked for, waiting for the responsible person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Resolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

impl CountItem {
    /// A discrepancy not yet settled on `d` (a pending request does not settle it).
    pub fn open_on(&self, d: NaiveDate) -> bool {
        self.result.is_discrepancy() && self.resolved_on.is_none_or(|r| r > d)
    }

    /// A discrepancy not settled at all.
    pub fn is_open(&self) -> bool {
        self.result.is_discrepancy() && self.resolved_on.is_none()
    }
}

/// One scan of an open count, as the closing reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanEntry {
    pub id: String,
    pub code: String,
    pub asset_id: Option<String>,
    pub result: CountResult,
    pub note: Option<String>,
}

/// Closing: each asset the count covers, in the order it was listed, with its scan's
/// result or missing; then each label found besides, in the order scanned.
pub fn close(expected: &[String], scans: &[ScanEntry]) -> Vec<CountItem> {
    let item = |asset_id: Option<String>, s: Option<&ScanEntry>, result| CountItem {
        asset_id,
        result,
        resolved_on: None,
        code: s.map(|s| s.code.clone()),
        note: s.and_then(|s| s.note.clone()),
        scan_id: s.map(|s| s.id.clone()),
        pending: None,
        resolution: None,
    };
    let mut out: Vec<CountItem> = expected
        .iter()
        .map(|id| {
            let scan = scans.iter().find(|s| {
                s.asset_id.as_deref() == Some(id.as_str())
                    && matches!(
                        s.result,
                        CountResult::Present | CountResult::Damaged | CountResult::Relocated
                    )
            });
            let result = scan.map_or(CountResult::Missing, |s| s.result);
            item(Some(id.clone()), scan, result)
        })
        .collect();
    out.extend(
        scans
            .iter()
            .filter(|s| matches!(s.result, CountResult::Unexpected | CountResult::Unknown))
            .map(|s| item(s.asset_id.clone(), Some(s), s.result)),
    );
    out
}

/// How far a count has come: assets covered, how many of them scanned, labels found besides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub expected: usize,
    pub done: usize,
    pub besides: usize,
}

pub fn progress(expected: &BTreeSet<String>, scans: &[ScanEntry]) -> Progress {
    let done = scans
        .iter()
        .filter_map(|s| s.asset_id.as_deref())
        .filter(|id| expected.contains(*id))
        .collect::<BTreeSet<_>>()
        .len();
    Progress {
        expected: expected.len(),
        done,
        besides: scans
            .iter()
            .filter(|s| matches!(s.result, CountResult::Unexpected | CountResult::Unknown))
            .count(),
    }
}

/// Why a request to settle an item is refused, in words for the person asking.
pub fn check_resolution(item: &CountItem, kind: ResolutionKind) -> Result<(), String> {
    if !item.result.is_discrepancy() {
        return Err("该项不是盘点差异，无需处理".into());
    }
    if let Some(r) = &item.resolution {
        return Err(format!("该差异已处理（{}）", r.kind.label()));
    }
    if let Some(p) = &item.pending {
        return Err(format!(
            "该差异已申请{}，正等待监管责任人决定",
            p.kind.label()
        ));
    }
    if !kind.applies_to(item.result) {
        return Err(format!(
            "“{}”的差异不能以“{}”处理",
            item.result.label(),
            kind.label()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn scan(id: &str, asset: Option<&str>, result: CountResult) -> ScanEntry {
        ScanEntry {
            id: id.into(),
            code: format!("JG-141122-{id}"),
            asset_id: asset.map(str::to_string),
            result,
            note: None,
        }
    }

    fn set(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn codes_compare_as_a_person_means_them() {
        assert_eq!(normalise_code(" jg-141122-00001 "), "JG-141122-00001");
        assert_eq!(
            normalise_code("ＪＧ－１４１１２２－０００４２"),
            "JG-141122-00042"
        );
        assert_eq!(normalise_code("JG–141122—00042"), "JG-141122-00042");
        assert_eq!(normalise_code("JG 141122 00042"), "JG14112200042");
    }

    #[test]
    fn a_code_is_expected_unexpected_or_unknown() {
        let scope = set(&["a1", "a2"]);
        assert_eq!(
            Scanned::of(Some("a1"), &scope),
            Scanned::Expected("a1".into())
        );
        assert_eq!(
            Scanned::of(Some("b9"), &scope),
            Scanned::Unexpected("b9".into())
        );
        assert_eq!(Scanned::of(None, &scope), Scanned::Unknown);
        assert_eq!(
            Scanned::Expected("a1".into()).results()[0],
            CountResult::Present
        );
        assert_eq!(Scanned::Unknown.results(), &[CountResult::Unknown]);
    }

    #[test]
    fn closing_turns_the_unscanned_into_missing_and_keeps_what_was_found_besides() {
        let expected = vec!["a1".to_string(), "a2".into(), "a3".into(), "a4".into()];
        let scans = vec![
            scan("s1", Some("a1"), CountResult::Present),
            scan("s2", Some("a3"), CountResult::Damaged),
            scan("s3", None, CountResult::Unknown),
            scan("s4", Some("b9"), CountResult::Unexpected),
            scan("s5", Some("a4"), CountResult::Relocated),
        ];
        let items = close(&expected, &scans);
        let results: Vec<(Option<&str>, CountResult)> = items
            .iter()
            .map(|i| (i.asset_id.as_deref(), i.result))
            .collect();
        assert_eq!(
            results,
            vec![
                (Some("a1"), CountResult::Present),
                (Some("a2"), CountResult::Missing),
                (Some("a3"), CountResult::Damaged),
                (Some("a4"), CountResult::Relocated),
                (None, CountResult::Unknown),
                (Some("b9"), CountResult::Unexpected),
            ]
        );
        assert_eq!(items[1].scan_id, None);
        assert_eq!(items[2].scan_id.as_deref(), Some("s2"));
        let open: Vec<_> = items.iter().filter(|i| i.is_open()).collect();
        assert_eq!(open.len(), 4, "missing, damaged, unknown, unexpected");
        // Nothing scanned: everything missing; nothing covered: only what was found.
        assert!(
            close(&expected, &[])
                .iter()
                .all(|i| i.result == CountResult::Missing)
        );
        assert_eq!(close(&[], &scans[2..4]).len(), 2);
    }

    #[test]
    fn progress_counts_each_covered_asset_once() {
        let scope = set(&["a1", "a2", "a3"]);
        let scans = vec![
            scan("s1", Some("a1"), CountResult::Present),
            scan("s2", Some("a2"), CountResult::Damaged),
            scan("s3", None, CountResult::Unknown),
            scan("s4", Some("b9"), CountResult::Unexpected),
        ];
        assert_eq!(
            progress(&scope, &scans),
            Progress {
                expected: 3,
                done: 2,
                besides: 2
            }
        );
    }

    #[test]
    fn each_resolution_settles_only_its_kinds_of_discrepancy() {
        use CountResult as R;
        use ResolutionKind as K;
        let item = |result| CountItem {
            asset_id: Some("a1".into()),
            result,
            resolved_on: None,
            code: None,
            note: None,
            scan_id: None,
            pending: None,
            resolution: None,
        };
        assert!(check_resolution(&item(R::Missing), K::Found).is_ok());
        assert!(check_resolution(&item(R::Damaged), K::Found).is_err());
        assert!(check_resolution(&item(R::Damaged), K::Repaired).is_ok());
        assert!(check_resolution(&item(R::Unknown), K::Explained).is_ok());
        assert!(check_resolution(&item(R::Unknown), K::WrittenOff).is_err());
        assert!(check_resolution(&item(R::Missing), K::Recovered).is_ok());
        assert_eq!(
            check_resolution(&item(R::Present), K::Found).unwrap_err(),
            "该项不是盘点差异，无需处理"
        );
        let pending = Resolution {
            kind: K::WrittenOff,
            on: d(2026, 12, 1),
            by: "甲".into(),
            note: "报废".into(),
            sanction_id: None,
        };
        let mut waiting = item(R::Missing);
        waiting.pending = Some(pending.clone());
        assert!(
            check_resolution(&waiting, K::Found)
                .unwrap_err()
                .contains("等待监管责任人")
        );
        let mut done = item(R::Missing);
        done.resolution = Some(pending);
        done.resolved_on = Some(d(2026, 12, 2));
        assert!(check_resolution(&done, K::Found).is_err());
        // Settled on the 2nd: open on the 1st, not on the 2nd.
        assert!(done.open_on(d(2026, 12, 1)) && !done.open_on(d(2026, 12, 2)));
        assert!(!item(R::Relocated).is_open());
    }

    #[test]
    fn an_item_reads_back_from_what_older_bundles_carry() {
        let old: CountItem =
            serde_json::from_str(r#"{"asset_id":"a1","result":"missing","resolved_on":null}"#)
                .unwrap();
        assert_eq!(old.asset_id.as_deref(), Some("a1"));
        assert!(old.is_open());
        // Written back, it carries no empty extras.
        assert_eq!(
            serde_json::to_string(&old).unwrap(),
            r#"{"asset_id":"a1","result":"missing","resolved_on":null}"#
        );
    }
}
