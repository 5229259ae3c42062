//! A county-year of subsidy claims with duplicates planted in it, and near misses that are
//! not duplicates: how many of the planted ones the funds rules find (recall), and how
//! many of what they raise was planted (precision). Every exact duplicate must be found.

use super::testing::*;
use std::collections::BTreeSet;

/// A small deterministic generator (no randomness in the domain crate).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SELLERS: [&str; 24] = [
    "山西晋丰建材有限公司",
    "太原市恒通物流设备有限公司",
    "吕梁市鑫源电子科技有限公司",
    "交城县农丰农资有限责任公司",
    "山西华宇网络科技股份有限公司",
    "晋中市顺达冷链设备有限公司",
    "交城县天宁印务有限公司",
    "山西汾河包装材料有限公司",
    "太原市联创办公家具有限公司",
    "吕梁市万家福商贸有限公司",
    "山西云岭信息技术有限公司",
    "交城县夏家营农产品专业合作社",
    "山西龙城货架制造有限公司",
    "太原市鼎盛广告传媒有限公司",
    "交城县庞泉沟旅游商品有限公司",
    "山西三晋电商服务有限公司",
    "晋中市瑞丰包装有限公司",
    "交城县洪相镇益民超市",
    "山西百川物流有限公司",
    "太原市新视界监控工程有限公司",
    "吕梁山农副产品加工有限公司",
    "山西金谷电子商务有限公司",
    "交城县东坡底乡供销社",
    "山西宏远叉车销售有限公司",
];

/// What was planted, as unordered pairs of claim ids (a claim alone for an over-claim).
#[derive(Default)]
struct Planted {
    duplicates: BTreeSet<(String, String)>,
    suspected: BTreeSet<(String, String)>,
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.into(), b.into())
    } else {
        (b.into(), a.into())
    }
}

/// 320 claims with 3–4 invoices each over 2026, in four projects; invoice numbers unique,
/// amounts random to the 分, so nothing matches by chance. Then the plants.
fn county_year() -> (Facts, Planted) {
    let mut r = Lcg(20_261_203);
    let mut f = world();
    f.projects[0].central_funds_fen = i64::MAX / 4;
    for p in 2..=4 {
        f.projects.push(ProjectFacts {
            id: format!("p{p}"),
            name: format!("项目{p}"),
            ..f.projects[0].clone()
        });
    }
    let start = d(2026, 1, 1);
    let mut number = 10_000_000u64;
    for c in 0..320 {
        let on = start + chrono::Days::new(30 + r.below(300));
        let n = 3 + r.below(2);
        let mut invoices = Vec::new();
        for _ in 0..n {
            number += 1 + r.below(50);
            let amount = 100_000 + r.below(20_000_000) as i64;
            invoices.push(Invoice {
                code: format!("14002211{:02}", r.below(40)),
                number: format!("{number:08}"),
                date: on - chrono::Days::new(1 + r.below(25)),
                seller: SELLERS[r.below(SELLERS.len() as u64) as usize].into(),
                amount_fen: amount,
                buyer: "交城县某电商企业".into(),
                tax_fen: amount * 13 / 100,
            });
        }
        let total: i64 = invoices.iter().map(Invoice::total_fen).sum();
        f.subsidy_claims.push(SubsidyClaim {
            id: format!("c{c:03}"),
            project_id: format!("p{}", 1 + c % 4),
            submitted_on: on,
            amount_fen: total * 8 / 10,
            invoices,
            approved_fen: None,
            approved_on: None,
        });
    }
    let mut planted = Planted::default();
    let mut k = 0usize;
    // Pairs of distinct claims to plant into: (source, target) spread over the year.
    let mut next = || {
        k += 1;
        (k * 13 % 320, (k * 13 + 7 + k) % 320)
    };
    let claims = &mut f.subsidy_claims;
    // 6 × one invoice copied into another claim, typed differently (zeros, spaces).
    for typed in 0..6 {
        let (a, b) = next();
        let mut inv = claims[a].invoices[0].clone();
        match typed % 3 {
            0 => {}
            1 => inv.number = inv.number.trim_start_matches('0').to_string(),
            _ => inv.code = format!("{} {}", &inv.code[..4], &inv.code[4..]),
        }
        claims[b].amount_fen += inv.total_fen() * 8 / 10;
        claims[b].invoices.push(inv);
        planted
            .duplicates
            .insert(pair(&claims[a].id, &claims[b].id));
    }
    // 4 × the same seller (written another way), amount and date under another number.
    for (i, form) in ["有限责任公司", "（有限公司）", " 有限公司", "有限公司"]
        .iter()
        .enumerate()
    {
        let (a, b) = next();
        let mut inv = claims[a].invoices[1].clone();
        inv.seller = format!("交城县第{i}号电商服务站{form}");
        claims[a].invoices[1].seller = format!("交城县第{i}号电商服务站有限公司");
        inv.number = format!("9{i:07}");
        claims[b].invoices.push(inv);
        planted
            .duplicates
            .insert(pair(&claims[a].id, &claims[b].id));
    }
    // 5 × the same seller and amount, 1 to 30 days apart.
    for (i, apart) in [1u64, 7, 15, 29, 30].into_iter().enumerate() {
        let (a, b) = next();
        let mut inv = claims[a].invoices[2].clone();
        inv.number = format!("8{i:07}");
        inv.date = inv.date + chrono::Days::new(apart);
        claims[b].invoices.push(inv);
        planted.suspected.insert(pair(&claims[a].id, &claims[b].id));
    }
    // 3 × the same number under another code.
    for i in 0..3 {
        let (a, b) = next();
        let mut inv = claims[a].invoices[0].clone();
        inv.code = format!("330022{i:04}");
        inv.seller = "浙江某设备有限公司".into();
        inv.amount_fen += 1_234;
        claims[b].invoices.push(inv);
        planted.suspected.insert(pair(&claims[a].id, &claims[b].id));
    }
    // 2 × a claim asking more than its invoices add up to.
    for _ in 0..2 {
        let (a, _) = next();
        let total: i64 = claims[a].invoices.iter().map(Invoice::total_fen).sum();
        claims[a].amount_fen = total + 1;
        planted.suspected.insert(pair(&claims[a].id, &claims[a].id));
    }
    // Near misses, none of which is a duplicate: 31 and 45 days apart; one 分 apart on the
    // same day; a 股份有限公司 beside the 有限公司 of the same name; a claim of exactly its total.
    for (i, (apart, plus, seller)) in [
        (31u64, 0i64, None),
        (45, 0, None),
        (0, 1, None),
        (0, -1, None),
        (0, 0, Some("股份有限公司")),
    ]
    .into_iter()
    .enumerate()
    {
        let (a, b) = next();
        let mut inv = claims[a].invoices[0].clone();
        inv.number = format!("7{i:07}");
        inv.date = inv.date + chrono::Days::new(apart);
        inv.amount_fen += plus;
        if let Some(kind) = seller {
            claims[a].invoices[0].seller = "交城县近似商贸有限公司".into();
            inv.seller = format!("交城县近似商贸{kind}");
        }
        claims[b].invoices.push(inv);
    }
    let (a, _) = next();
    claims[a].amount_fen = claims[a].invoices.iter().map(Invoice::total_fen).sum();
    (f, planted)
}

/// The pairs a rule raised: subject and period, or the subject alone for an over-claim.
fn raised(found: &[Finding], rule: &str) -> BTreeSet<(String, String)> {
    found
        .iter()
        .filter(|x| x.rule == rule)
        .map(|x| {
            let other = x.period.clone().unwrap_or_default();
            let other = if other == "over_invoiced" {
                x.subject.id.clone()
            } else {
                other
            };
            pair(&x.subject.id, &other)
        })
        .collect()
}

fn score(found: &BTreeSet<(String, String)>, planted: &BTreeSet<(String, String)>) -> (f64, f64) {
    let hit = found.intersection(planted).count() as f64;
    (hit / planted.len() as f64, hit / found.len().max(1) as f64)
}

#[test]
fn planted_duplicates_are_found_and_near_misses_are_not() {
    let (f, planted) = county_year();
    let invoices: usize = f.subsidy_claims.iter().map(|c| c.invoices.len()).sum();
    assert!(
        f.subsidy_claims.len() >= 300 && invoices >= 1_000,
        "{invoices}"
    );
    assert_eq!(planted.duplicates.len() + planted.suspected.len(), 20);
    let found = evaluate(&f, &profile(), d(2026, 12, 31));
    let dup = raised(&found, "funds.duplicate_claim");
    let sus = raised(&found, "funds.suspected_duplicate");
    let (dr, dp) = score(&dup, &planted.duplicates);
    let (sr, sp) = score(&sus, &planted.suspected);
    println!(
        "{} claims, {invoices} invoices: duplicate_claim recall {dr:.2} precision {dp:.2}; \
         suspected_duplicate recall {sr:.2} precision {sp:.2}",
        f.subsidy_claims.len()
    );
    assert_eq!(
        dup, planted.duplicates,
        "every exact duplicate, and nothing else"
    );
    assert_eq!(
        sus, planted.suspected,
        "every suspected pair, and no near miss"
    );
}
