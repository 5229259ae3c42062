//! 固定资产 / 无形资产 (一（五）): what a ledger line holds, checked with a message for the
//! person who typed it; the tag numbers a county issues; and an asset's value on a day by
//! straight-line depreciation over its category's useful life. The value is shown beside
//! the price, never used to leave an asset out of a ledger or a count.

use crate::FieldErrors;
use crate::dates::parse_date;
use crate::money::MAX_FEN;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// 资产类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    Fixed,
    Intangible,
}

impl AssetKind {
    pub const ALL: [AssetKind; 2] = [AssetKind::Fixed, AssetKind::Intangible];

    pub fn code(self) -> &'static str {
        match self {
            AssetKind::Fixed => "fixed",
            AssetKind::Intangible => "intangible",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssetKind::Fixed => "固定资产",
            AssetKind::Intangible => "无形资产",
        }
    }

    pub fn parse(code: &str) -> Option<AssetKind> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// 资产状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetStatus {
    InUse,
    Idle,
    UnderRepair,
    Damaged,
    /// 经批准处置: with the approval, it leaves the assets to count.
    Disposed,
    /// 已移交 at the end of the service period.
    HandedOver,
}

impl AssetStatus {
    pub const ALL: [AssetStatus; 6] = [
        AssetStatus::InUse,
        AssetStatus::Idle,
        AssetStatus::UnderRepair,
        AssetStatus::Damaged,
        AssetStatus::Disposed,
        AssetStatus::HandedOver,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AssetStatus::InUse => "in_use",
            AssetStatus::Idle => "idle",
            AssetStatus::UnderRepair => "under_repair",
            AssetStatus::Damaged => "damaged",
            AssetStatus::Disposed => "disposed",
            AssetStatus::HandedOver => "handed_over",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssetStatus::InUse => "在用",
            AssetStatus::Idle => "闲置",
            AssetStatus::UnderRepair => "维修中",
            AssetStatus::Damaged => "损坏",
            AssetStatus::Disposed => "经批准处置",
            AssetStatus::HandedOver => "已移交",
        }
    }

    pub fn parse(code: &str) -> Option<AssetStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// A category of the profile: its name and useful life (government fixed-asset standard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Lower-case letters, digits and `_`; kept with the record, so never renamed.
    pub code: String,
    pub name: String,
    /// 折旧（摊销）年限.
    pub life_years: u32,
}

/// The profile's asset settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetSettings {
    /// 标签编号前缀: tags read `PREFIX-COUNTY-00001`.
    pub tag_prefix: String,
    /// Digits of the running number.
    pub tag_digits: u32,
    pub categories: Vec<Category>,
}

impl Default for AssetSettings {
    fn default() -> Self {
        let c = |code: &str, name: &str, life_years| Category {
            code: code.into(),
            name: name.into(),
            life_years,
        };
        Self {
            tag_prefix: "JG".into(),
            tag_digits: 5,
            categories: vec![
                c("electronic", "电子设备", 6),
                c("general", "通用设备", 10),
                c("special", "专用设备", 10),
                c("vehicle", "车辆", 8),
                c("furniture", "家具、用具", 15),
                c("building", "房屋及构筑物", 30),
                c("software", "软件及其他无形资产", 10),
            ],
        }
    }
}

impl AssetSettings {
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// The tag numbered `n` in `county`.
    pub fn tag(&self, county: &str, n: u64) -> String {
        let w = self.tag_digits as usize;
        format!("{}-{county}-{n:0w$}", self.tag_prefix)
    }

    /// The county and number a tag carries, when it is one of this deployment's pattern.
    pub fn parse_tag<'a>(&self, tag: &'a str) -> Option<(&'a str, u64)> {
        let rest = tag.trim().strip_prefix(self.tag_prefix.as_str())?;
        let rest = rest.strip_prefix('-')?;
        let (county, n) = rest.split_once('-')?;
        if county.len() != 6 || !county.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if n.len() < self.tag_digits as usize || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((county, n.parse().ok()?))
    }
}

/// Tags one request may issue (a station's pre-printed batch is about 100).
pub const MAX_TAGS_PER_BATCH: u64 = 500;

/// One ledger line as typed on the form, sent to the API or read from a workbook.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetInput {
    pub project_id: String,
    pub asset_kind: String,
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub model_spec: String,
    pub quantity: Option<i64>,
    #[serde(default)]
    pub unit: String,
    /// 金额 (原值), in 分.
    pub value_fen: Option<i64>,
    pub purchase_date: String,
    /// 发票代码及号码, when there is one.
    #[serde(default)]
    pub invoice: String,
    #[serde(default)]
    pub central_funds: bool,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(default)]
    pub custodian: String,
    pub status: String,
}

/// A ledger line that passed its checks.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetFields {
    pub kind: AssetKind,
    pub name: String,
    pub category: String,
    pub model_spec: Option<String>,
    pub quantity: i64,
    pub unit: Option<String>,
    pub value_fen: i64,
    pub purchase_date: NaiveDate,
    pub invoice: Option<String>,
    pub central_funds: bool,
    pub township: Option<String>,
    pub village: Option<String>,
    pub address: Option<String>,
    pub coordinates: Option<(f64, f64)>,
    pub custodian: Option<String>,
    pub status: AssetStatus,
}

/// Most items one ledger line may count (a line is one kind of thing at one place).
pub const MAX_QUANTITY: i64 = 100_000;

impl AssetInput {
    /// Checks every field, naming each problem under its field; `townships` are the
    /// county's (a township must be one of them when given).
    pub fn check(
        &self,
        settings: &AssetSettings,
        townships: &[String],
        today: NaiveDate,
        e: &mut FieldErrors,
    ) -> Option<AssetFields> {
        let kind = match self.asset_kind.trim() {
            "" => {
                e.add("asset_kind", "请选择资产类型（固定资产或无形资产）");
                None
            }
            k => AssetKind::parse(k).or_else(|| {
                e.add("asset_kind", "资产类型只能是固定资产或无形资产");
                None
            }),
        };
        let name = e.required_text("name", "资产名称", &self.name, 100);
        let category = match self.category.trim() {
            "" => {
                e.add("category", "请选择资产类别");
                None
            }
            c => settings.category(c).map(|c| c.code.clone()).or_else(|| {
                e.add("category", "没有这种资产类别，请从列表中选择");
                None
            }),
        };
        let model_spec = e.optional_text("model_spec", "规格型号", Some(&self.model_spec), 200);
        let quantity = match self.quantity {
            None => {
                e.add("quantity", "请填写数量");
                None
            }
            Some(q) if q < 1 => {
                e.add("quantity", "数量必须是正整数");
                None
            }
            Some(q) if q > MAX_QUANTITY => {
                e.add(
                    "quantity",
                    format!("一行最多登记 {MAX_QUANTITY} 件，请按存放地点分行登记"),
                );
                None
            }
            Some(q) => Some(q),
        };
        let unit = e.optional_text("unit", "计量单位", Some(&self.unit), 10);
        let value_fen = match self.value_fen {
            None => {
                e.add("value_fen", "请填写资产原值");
                None
            }
            Some(v) if v < 0 => {
                e.add("value_fen", "资产原值不能为负数");
                None
            }
            Some(v) if v > MAX_FEN => {
                e.add("value_fen", "资产原值过大，请核对（上限为 1000 亿元）");
                None
            }
            Some(v) => Some(v),
        };
        let purchase_date = match self.purchase_date.trim() {
            "" => {
                e.add("purchase_date", "请填写购置日期");
                None
            }
            d => match parse_date(d) {
                Ok(d) if d > today => {
                    e.add("purchase_date", "购置日期不能晚于今天");
                    None
                }
                Ok(d) => Some(d),
                Err(m) => {
                    e.add("purchase_date", format!("购置日期：{m}"));
                    None
                }
            },
        };
        let invoice = e.optional_text("invoice", "发票代码及号码", Some(&self.invoice), 60);
        let township = e.optional_text("township", "乡镇", Some(&self.township), 50);
        if let Some(t) = &township
            && !townships.is_empty()
            && !townships.contains(t)
        {
            e.add("township", "该乡镇不在本县的乡镇名单中，请从列表中选择");
        }
        let village = e.optional_text("village", "村（社区）", Some(&self.village), 50);
        let address = e.optional_text("address", "存放地址", Some(&self.address), 200);
        let coordinates = match (self.latitude, self.longitude) {
            (None, None) => None,
            (Some(lat), Some(lng))
                if lat.is_finite()
                    && lng.is_finite()
                    && (3.0..=54.0).contains(&lat)
                    && (73.0..=136.0).contains(&lng) =>
            {
                Some((lat, lng))
            }
            (Some(_), Some(_)) => {
                e.add("latitude", "坐标不在我国境内，请核对纬度和经度");
                None
            }
            _ => {
                e.add("latitude", "纬度和经度须同时填写");
                None
            }
        };
        let custodian = e.optional_text("custodian", "保管人", Some(&self.custodian), 50);
        let status = match self.status.trim() {
            "" => {
                e.add("status", "请选择资产状态");
                None
            }
            s => AssetStatus::parse(s).or_else(|| {
                e.add("status", "没有这种资产状态");
                None
            }),
        };
        if kind == Some(AssetKind::Intangible) && coordinates.is_some() {
            e.add("latitude", "无形资产没有存放地点坐标");
        }
        let (Some(kind), Some(category), Some(quantity), Some(value_fen)) =
            (kind, category, quantity, value_fen)
        else {
            return None;
        };
        let (Some(purchase_date), Some(status), true) = (purchase_date, status, e.is_empty())
        else {
            return None;
        };
        Some(AssetFields {
            kind,
            name,
            category,
            model_spec,
            quantity,
            unit,
            value_fen,
            purchase_date,
            invoice,
            central_funds: self.central_funds,
            township,
            village,
            address,
            coordinates,
            custodian,
            status,
        })
    }
}

/// 账面净值 on `as_of`: straight-line over `life_years`, a month at a time from the month
/// after purchase (当月购置当月不提), never below zero. A zero life keeps the price.
pub fn net_value_fen(
    value_fen: i64,
    purchased: NaiveDate,
    life_years: u32,
    as_of: NaiveDate,
) -> i64 {
    let life_months = i64::from(life_years) * 12;
    if life_months == 0 || value_fen <= 0 {
        return value_fen.max(0);
    }
    let months = (i64::from(as_of.year()) - i64::from(purchased.year())) * 12
        + i64::from(as_of.month())
        - i64::from(purchased.month());
    let used = months.clamp(0, life_months);
    // In i128: a 1000 亿 price times 360 months does not fit i64 comfortably.
    let taken = (i128::from(value_fen) * i128::from(used) / i128::from(life_months)) as i64;
    value_fen - taken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn good() -> AssetInput {
        AssetInput {
            project_id: "p".into(),
            asset_kind: "fixed".into(),
            name: "冷藏展示柜".into(),
            category: "general".into(),
            model_spec: "LC-1200".into(),
            quantity: Some(2),
            unit: "台".into(),
            value_fen: Some(1_200_000),
            purchase_date: "2026-03-15".into(),
            invoice: String::new(),
            central_funds: true,
            township: "天宁镇".into(),
            village: "东关村".into(),
            address: String::new(),
            latitude: Some(37.55),
            longitude: Some(112.16),
            custodian: "王建国".into(),
            status: "in_use".into(),
        }
    }

    fn check(i: &AssetInput) -> (Option<AssetFields>, FieldErrors) {
        let mut e = FieldErrors::new();
        let towns = vec!["天宁镇".to_string(), "夏家营镇".to_string()];
        let f = i.check(&AssetSettings::default(), &towns, d(2026, 12, 4), &mut e);
        (f, e)
    }

    #[test]
    fn a_good_line_passes() {
        let (f, e) = check(&good());
        assert!(e.is_empty(), "{e:?}");
        let f = f.unwrap();
        assert_eq!(
            (f.kind, f.status, f.quantity),
            (AssetKind::Fixed, AssetStatus::InUse, 2)
        );
        assert_eq!(f.coordinates, Some((37.55, 112.16)));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = AssetInput {
            asset_kind: "car".into(),
            name: " ".into(),
            category: "设备".into(),
            quantity: Some(0),
            value_fen: Some(-1),
            purchase_date: "2026-12-05".into(),
            township: "月球镇".into(),
            latitude: Some(91.0),
            status: "lost".into(),
            ..good()
        };
        let (f, e) = check(&bad);
        assert!(f.is_none());
        for field in [
            "asset_kind",
            "name",
            "category",
            "quantity",
            "value_fen",
            "purchase_date",
            "township",
            "latitude",
            "status",
        ] {
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
        assert_eq!(e.get("purchase_date"), Some("购置日期不能晚于今天"));
        // Today is fine; a quantity beyond a line's limit and a price beyond 1000 亿 are not.
        let (f, _) = check(&AssetInput {
            purchase_date: "2026-12-04".into(),
            ..good()
        });
        assert!(f.is_some());
        let (_, e) = check(&AssetInput {
            quantity: Some(MAX_QUANTITY + 1),
            value_fen: Some(MAX_FEN + 1),
            latitude: Some(37.0),
            longitude: None,
            ..good()
        });
        assert!(e.get("quantity").is_some() && e.get("value_fen").is_some());
        assert_eq!(e.get("latitude"), Some("纬度和经度须同时填写"));
    }

    #[test]
    fn tags_follow_the_pattern_and_read_back() {
        let s = AssetSettings::default();
        assert_eq!(s.tag("141122", 1), "JG-141122-00001");
        assert_eq!(s.tag("141122", 123_456), "JG-141122-123456");
        assert_eq!(s.parse_tag(" JG-141122-00042 "), Some(("141122", 42)));
        for bad in [
            "JG-14112-00001",
            "XX-141122-00001",
            "JG-141122-001",
            "JG-141122-0000a",
            "",
        ] {
            assert_eq!(s.parse_tag(bad), None, "{bad}");
        }
    }

    #[test]
    fn net_value_is_straight_line_by_month() {
        // ¥12,000 of electronic equipment, 6 years = 72 months.
        let bought = d(2026, 3, 15);
        let v = 1_200_000;
        // The month of purchase takes nothing; the next takes 1/72.
        assert_eq!(net_value_fen(v, bought, 6, d(2026, 3, 31)), v);
        assert_eq!(net_value_fen(v, bought, 6, d(2026, 4, 1)), v - v / 72);
        // Half-way, and the last month before the end.
        assert_eq!(net_value_fen(v, bought, 6, d(2029, 3, 1)), v / 2);
        assert_eq!(net_value_fen(v, bought, 6, d(2032, 2, 28)), v - v * 71 / 72);
        // Fully depreciated from the 72nd month on, never below zero.
        assert_eq!(net_value_fen(v, bought, 6, d(2032, 3, 1)), 0);
        assert_eq!(net_value_fen(v, bought, 6, d(2040, 1, 1)), 0);
        // Before purchase, the price.
        assert_eq!(net_value_fen(v, bought, 6, d(2025, 1, 1)), v);
        // The largest price does not overflow.
        assert_eq!(net_value_fen(MAX_FEN, bought, 30, d(2026, 3, 20)), MAX_FEN);
    }
}
