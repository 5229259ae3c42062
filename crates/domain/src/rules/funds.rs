//! 一（四）资金安全: duplicate and suspected duplicate subsidy claims (invoices compared
//! normalised, in the county and across the deployment), money beyond a project's central
//! funds, and fund recoveries not repaid in time.

use super::facts::{Invoice, InvoiceElsewhere, PairDecision, SubsidyClaim};
use super::{Ctx, Draft, days_text};
use crate::Money;
use crate::dates::format_cn_date;
use crate::invoice::{number_key, seller_key};
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn money(fen: i64) -> String {
    Money::from_fen(fen.max(0))
        .map(|m| m.to_string())
        .unwrap_or_else(|_| format!("{fen} 分"))
}

/// A claim as the duplicate checks see it: its invoices' keys computed once.
struct Keyed<'a> {
    claim: &'a SubsidyClaim,
    invoices: Vec<(&'a Invoice, InvoiceKeys)>,
}

/// What makes two invoices the same, or suspiciously alike.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct InvoiceKeys {
    code: String,
    number: String,
    seller: String,
}

fn keys(inv: &Invoice) -> InvoiceKeys {
    InvoiceKeys {
        code: number_key(&inv.code),
        number: number_key(&inv.number),
        seller: seller_key(&inv.seller),
    }
}

/// Why two invoices match.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The same code and number: one invoice.
    SameInvoice,
    /// The same seller, amount and date.
    SameContent,
    /// The same number under another code.
    NumberOtherCode,
    /// The same seller and amount, `n` days apart (within the profile's limit).
    SellerAmountNear(i64),
}

impl Match {
    fn certain(self) -> bool {
        matches!(self, Match::SameInvoice | Match::SameContent)
    }
}

/// How two invoices compare; None when they are unrelated.
fn compare(
    a: (&Invoice, &InvoiceKeys),
    b: (&Invoice, &InvoiceKeys),
    near_days: i64,
) -> Option<Match> {
    let (ia, ka) = a;
    let (ib, kb) = b;
    if !ka.number.is_empty() && ka.number == kb.number {
        return Some(if ka.code == kb.code {
            Match::SameInvoice
        } else {
            Match::NumberOtherCode
        });
    }
    if ka.seller.is_empty() || ka.seller != kb.seller || ia.amount_fen != ib.amount_fen {
        return None;
    }
    let apart = (ia.date - ib.date).num_days().abs();
    match apart {
        0 => Some(Match::SameContent),
        n if n <= near_days => Some(Match::SellerAmountNear(n)),
        _ => None,
    }
}

/// How one invoice compares with another, for the page that shows two claims side by
/// side: which fields agree once normalised, and what the duplicate rules make of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceComparison {
    pub same_code: bool,
    pub same_number: bool,
    pub same_seller: bool,
    pub same_amount: bool,
    pub same_date: bool,
    /// "同一张发票", "销售方、金额、开票日期相同", …; None when the rules see no match.
    pub verdict: Option<String>,
    /// A certain duplicate (`funds.duplicate_claim`) rather than a suspected one.
    pub certain: bool,
}

pub fn compare_invoices(a: &Invoice, b: &Invoice, near_days: u32) -> InvoiceComparison {
    let (ka, kb) = (keys(a), keys(b));
    let how = compare((a, &ka), (b, &kb), i64::from(near_days));
    InvoiceComparison {
        same_code: ka.code == kb.code,
        same_number: ka.number == kb.number,
        same_seller: ka.seller == kb.seller,
        same_amount: a.amount_fen == b.amount_fen,
        same_date: a.date == b.date,
        certain: how.is_some_and(Match::certain),
        verdict: how.map(|m| match m {
            Match::SameInvoice => "同一张发票".to_string(),
            Match::SameContent => "销售方、金额、开票日期相同".to_string(),
            Match::NumberOtherCode => "发票号码相同、发票代码不同".to_string(),
            Match::SellerAmountNear(n) => {
                format!("销售方、金额相同，开票日期相隔 {}", days_text(n))
            }
        }),
    }
}

/// A stable short digest of what a decision on a claim was about: its amount and its
/// invoices as compared. A decision holds while the digest is unchanged.
pub fn claim_fingerprint(c: &SubsidyClaim) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(&c.amount_fen.to_string());
    let mut invs: Vec<String> = c
        .invoices
        .iter()
        .map(|i| {
            let k = keys(i);
            format!(
                "{}|{}|{}|{}|{}|{}",
                k.code, k.number, k.seller, i.amount_fen, i.tax_fen, i.date
            )
        })
        .collect();
    invs.sort();
    for i in &invs {
        eat(i);
    }
    format!("{h:016x}")
}

/// The fingerprint a decision on the pair (a, b) carries, in the pair's order.
pub fn pair_fingerprint(a: &SubsidyClaim, b: &SubsidyClaim) -> String {
    let (x, y) = if a.id <= b.id { (a, b) } else { (b, a) };
    format!("{}:{}", claim_fingerprint(x), claim_fingerprint(y))
}

/// The claims known on the day, the earliest first, with their invoices' keys.
fn known_claims<'a>(ctx: &Ctx<'a>) -> Vec<Keyed<'a>> {
    let d = ctx.as_of;
    let mut claims: Vec<Keyed> = ctx
        .facts
        .subsidy_claims
        .iter()
        .filter(|c| c.submitted_on <= d)
        .map(|c| Keyed {
            claim: c,
            invoices: c.invoices.iter().map(|i| (i, keys(i))).collect(),
        })
        .collect();
    claims.sort_by(|a, b| {
        (a.claim.submitted_on, &a.claim.id).cmp(&(b.claim.submitted_on, &b.claim.id))
    });
    claims
}

/// One pair of claims (earlier, later) and the first match between their invoices, the
/// certain kinds before the suspected ones.
struct Pair<'a> {
    first: &'a SubsidyClaim,
    second: &'a SubsidyClaim,
    first_inv: &'a Invoice,
    second_inv: &'a Invoice,
    how: Match,
}

/// Every pair of claims whose invoices match, each pair once with its gravest match.
/// Claims are bucketed by invoice number and by seller, so a county-year compares only
/// the invoices that could match, not every pair.
fn matching_pairs<'a>(claims: &[Keyed<'a>], near_days: i64) -> Vec<Pair<'a>> {
    let mut by_number: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    let mut by_seller: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (ci, c) in claims.iter().enumerate() {
        for (ii, (_, k)) in c.invoices.iter().enumerate() {
            if !k.number.is_empty() {
                by_number.entry(&k.number).or_default().push((ci, ii));
            }
            if !k.seller.is_empty() {
                by_seller.entry(&k.seller).or_default().push((ci, ii));
            }
        }
    }
    let mut best: BTreeMap<(usize, usize), (Match, usize, usize)> = BTreeMap::new();
    for bucket in by_number.values().chain(by_seller.values()) {
        for (x, &(ca, ia)) in bucket.iter().enumerate() {
            for &(cb, ib) in &bucket[x + 1..] {
                if ca == cb {
                    continue;
                }
                let (lo, hi, ilo, ihi) = if ca < cb {
                    (ca, cb, ia, ib)
                } else {
                    (cb, ca, ib, ia)
                };
                let (inv_a, key_a) = &claims[lo].invoices[ilo];
                let (inv_b, key_b) = &claims[hi].invoices[ihi];
                let Some(how) = compare((inv_a, key_a), (inv_b, key_b), near_days) else {
                    continue;
                };
                let rank = |m: Match| match m {
                    Match::SameInvoice => 0,
                    Match::SameContent => 1,
                    Match::NumberOtherCode => 2,
                    Match::SellerAmountNear(_) => 3,
                };
                let slot = best.entry((lo, hi)).or_insert((how, ilo, ihi));
                if rank(how) < rank(slot.0) {
                    *slot = (how, ilo, ihi);
                }
            }
        }
    }
    best.into_iter()
        .map(|((lo, hi), (how, ilo, ihi))| Pair {
            first: claims[lo].claim,
            second: claims[hi].claim,
            first_inv: claims[lo].invoices[ilo].0,
            second_inv: claims[hi].invoices[ihi].0,
            how,
        })
        .collect()
}

/// The decision a person took on the pair, if it still holds (both claims unchanged).
fn decision<'a>(ctx: &Ctx<'a>, a: &SubsidyClaim, b: &SubsidyClaim) -> Option<&'a PairDecision> {
    let (x, y) = if a.id <= b.id {
        (&a.id, &b.id)
    } else {
        (&b.id, &a.id)
    };
    // The fingerprint normalises every invoice of both claims: only worth it for a pair
    // someone decided on (most pairs never are).
    let mut on_pair = ctx
        .facts
        .duplicate_decisions
        .iter()
        .filter(|p| &p.claim_a == x && &p.claim_b == y)
        .peekable();
    on_pair.peek()?;
    let fp = pair_fingerprint(a, b);
    on_pair.find(|p| p.fingerprint == fp)
}

fn claim_subject(ctx: &Ctx, c: &SubsidyClaim) -> super::Subject {
    ctx.of_project(
        "subsidy_claim",
        &c.id,
        format!(
            "{}的补助资金申请（{}）",
            format_cn_date(c.submitted_on),
            money(c.amount_fen)
        ),
        &c.project_id,
    )
}

fn invoice_text(inv: &Invoice) -> String {
    format!(
        "发票（代码 {}，号码 {}，{}开具，金额{}）",
        inv.code.trim(),
        inv.number.trim(),
        inv.seller.trim(),
        money(inv.amount_fen)
    )
}

/// 一（四）: an invoice cited by two claims, in this county or another of the deployment;
/// or a suspected pair a person confirmed.
pub(crate) fn duplicate_claim(ctx: &Ctx, out: &mut Vec<Draft>) {
    let claims = known_claims(ctx);
    let near = i64::from(ctx.profile.thresholds.suspected_duplicate_days);
    for p in matching_pairs(&claims, near) {
        let confirmed = decision(ctx, p.first, p.second).is_some_and(|d| d.confirmed);
        if !p.how.certain() && !confirmed {
            continue;
        }
        let why = match p.how {
            Match::SameInvoice => "同一张发票".to_string(),
            Match::SameContent => "销售方、金额、开票日期相同".to_string(),
            _ => "经核实确认为重复申请".to_string(),
        };
        out.push(Draft {
            rule: "funds.duplicate_claim",
            subject: claim_subject(ctx, p.second),
            period: Some(p.first.id.clone()),
            message: format!(
                "“{}”{}提交的补助资金申请所附{}，与“{}”{}提交的申请所附{}{}，涉嫌重复申请补助资金。",
                ctx.project_name(&p.second.project_id),
                format_cn_date(p.second.submitted_on),
                invoice_text(p.second_inv),
                ctx.project_name(&p.first.project_id),
                format_cn_date(p.first.submitted_on),
                invoice_text(p.first_inv),
                if p.how.certain() { format!("是{why}") } else { format!("，{why}") },
            ),
            due: None,
            current: false,
        });
    }
    // Another county's claim citing the same invoice: its county named, nothing more.
    let elsewhere = Elsewhere::known(ctx);
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for k in &claims {
        for (inv, key) in &k.invoices {
            for (e, ek) in elsewhere.candidates(key) {
                let Some(how) = compare((inv, key), (&e.invoice, ek), near) else {
                    continue;
                };
                if !how.certain() || !seen.insert((k.claim.id.clone(), e.county.clone())) {
                    continue;
                }
                out.push(Draft {
                    rule: "funds.duplicate_claim",
                    subject: claim_subject(ctx, k.claim),
                    period: Some(format!("elsewhere:{}", e.county)),
                    message: format!(
                        "“{}”{}提交的补助资金申请所附{}，{}也有补助资金申请引用了{}，涉嫌重复申请补助资金；请与{}核实。",
                        ctx.project_name(&k.claim.project_id),
                        format_cn_date(k.claim.submitted_on),
                        invoice_text(inv),
                        e.county,
                        if how == Match::SameInvoice { "同一张发票" } else { "销售方、金额、开票日期相同的发票" },
                        e.county,
                    ),
                    due: None,
                    current: false,
                });
            }
        }
    }
}

/// Other counties' invoices known on the day, each normalised once and found by its
/// number or its seller: a county whose invoices match thousands elsewhere (a copied
/// deployment) compares each invoice with its candidates, not with all of them.
struct Elsewhere<'a> {
    invoices: Vec<(&'a InvoiceElsewhere, InvoiceKeys)>,
    by_number: HashMap<String, Vec<usize>>,
    by_seller: HashMap<String, Vec<usize>>,
}

impl<'a> Elsewhere<'a> {
    fn known(ctx: &Ctx<'a>) -> Self {
        let invoices: Vec<_> = ctx
            .facts
            .invoices_elsewhere
            .iter()
            .filter(|e| e.submitted_on <= ctx.as_of)
            .map(|e| (e, keys(&e.invoice)))
            .collect();
        let mut by_number: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_seller: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (_, k)) in invoices.iter().enumerate() {
            by_number.entry(k.number.clone()).or_default().push(i);
            by_seller.entry(k.seller.clone()).or_default().push(i);
        }
        Elsewhere {
            invoices,
            by_number,
            by_seller,
        }
    }

    /// Those that share `key`'s number or seller (the only ones [`compare`] can match),
    /// in the facts' order.
    fn candidates(
        &self,
        key: &InvoiceKeys,
    ) -> impl Iterator<Item = &(&'a InvoiceElsewhere, InvoiceKeys)> {
        let mut at: Vec<usize> = [&self.by_number, &self.by_seller]
            .into_iter()
            .zip([&key.number, &key.seller])
            .filter(|(_, k)| !k.is_empty())
            .filter_map(|(index, k)| index.get(k.as_str()))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter().map(|i| &self.invoices[i])
    }
}

/// 一（四）: pairs that look alike but need a person's eye (the same seller and amount
/// within days, the same number under another code), and claims asking more than their
/// invoices add up to. A decided pair is not raised again until either claim changes.
pub(crate) fn suspected_duplicate(ctx: &Ctx, out: &mut Vec<Draft>) {
    let claims = known_claims(ctx);
    let near = i64::from(ctx.profile.thresholds.suspected_duplicate_days);
    for p in matching_pairs(&claims, near) {
        if p.how.certain() || decision(ctx, p.first, p.second).is_some() {
            continue;
        }
        let why = match p.how {
            Match::NumberOtherCode => format!(
                "发票号码相同（{}）而发票代码不同（{} / {}）",
                p.second_inv.number.trim(),
                p.first_inv.code.trim(),
                p.second_inv.code.trim()
            ),
            Match::SellerAmountNear(n) => format!(
                "销售方相同、金额相同（{}），开票日期相隔 {}",
                money(p.second_inv.amount_fen),
                days_text(n)
            ),
            _ => continue,
        };
        out.push(Draft {
            rule: "funds.suspected_duplicate",
            subject: claim_subject(ctx, p.second),
            period: Some(p.first.id.clone()),
            message: format!(
                "“{}”{}提交的补助资金申请所附{}，与“{}”{}提交的申请所附{}{}，请逐张比对后确认是否重复申请。",
                ctx.project_name(&p.second.project_id),
                format_cn_date(p.second.submitted_on),
                invoice_text(p.second_inv),
                ctx.project_name(&p.first.project_id),
                format_cn_date(p.first.submitted_on),
                invoice_text(p.first_inv),
                why,
            ),
            due: None,
            current: false,
        });
    }
    for k in &claims {
        let c = k.claim;
        let total: i64 = c.invoices.iter().map(Invoice::total_fen).sum();
        // Once approved (as of the day), what counts is the amount approved: a review
        // that cut the claim to its invoices settles it.
        let asked = match (c.approved_fen, c.approved_on) {
            (Some(fen), Some(on)) if on <= ctx.as_of => fen,
            _ => c.amount_fen,
        };
        if c.invoices.is_empty() || asked <= total || decision(ctx, c, c).is_some() {
            continue;
        }
        out.push(Draft {
            rule: "funds.suspected_duplicate",
            subject: claim_subject(ctx, c),
            period: Some("over_invoiced".into()),
            message: format!(
                "“{}”{}提交的补助资金申请金额{}，超过所附 {} 张发票的价税合计{}（多{}），涉嫌虚报。",
                ctx.project_name(&c.project_id),
                format_cn_date(c.submitted_on),
                money(c.amount_fen),
                c.invoices.len(),
                money(total),
                money(c.amount_fen - total),
            ),
            due: None,
            current: false,
        });
    }
}

/// 一（四）: a project's approved claims, or its confirmed disbursements, above the central
/// funds it may receive.
pub(crate) fn over_budget(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    let mut approved: BTreeMap<&str, i64> = BTreeMap::new();
    for c in &ctx.facts.subsidy_claims {
        if let (Some(fen), Some(on)) = (c.approved_fen, c.approved_on)
            && on <= d
        {
            *approved.entry(c.project_id.as_str()).or_default() += fen;
        }
    }
    let mut paid: BTreeMap<&str, i64> = BTreeMap::new();
    for x in ctx
        .facts
        .disbursements
        .iter()
        .filter(|x| x.confirmed && x.date <= d)
    {
        *paid.entry(x.project_id.as_str()).or_default() += x.amount_fen;
    }
    for p in &ctx.facts.projects {
        let budget = p.central_funds_fen;
        let a = approved.get(p.id.as_str()).copied().unwrap_or(0);
        let x = paid.get(p.id.as_str()).copied().unwrap_or(0);
        let mut over = Vec::new();
        if a > budget {
            over.push(format!("核定补助{}（超出{}）", money(a), money(a - budget)));
        }
        if x > budget {
            over.push(format!(
                "已确认拨付{}（超出{}）",
                money(x),
                money(x - budget)
            ));
        }
        if over.is_empty() {
            continue;
        }
        out.push(Draft {
            rule: "funds.over_budget",
            subject: ctx.project_subject(p),
            period: None,
            message: format!(
                "“{}”的中央财政资金为{}，{}，请停止拨付并追回超出部分。",
                p.name,
                money(budget),
                over.join("，")
            ),
            due: None,
            current: false,
        });
    }
}

pub(crate) fn recovery_outstanding(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    for r in &ctx.facts.fund_recoveries {
        if r.decided_on > d || d <= r.deadline {
            continue;
        }
        let repaid: i64 = r
            .repayments
            .iter()
            .filter(|p| p.date <= d)
            .map(|p| p.amount_fen)
            .sum();
        if repaid >= r.amount_fen {
            continue;
        }
        out.push(Draft {
            rule: "funds.recovery_outstanding",
            subject: ctx.of_project(
                "fund_recovery",
                &r.id,
                format!("追回资金{}", money(r.amount_fen)),
                &r.project_id,
            ),
            period: None,
            message: format!(
                "{}应于{}前退回资金{}，已退回{}，尚欠{}，已逾期 {}。",
                ctx.enterprise_name(&r.enterprise_id),
                format_cn_date(r.deadline),
                money(r.amount_fen),
                money(repaid),
                money(r.amount_fen - repaid),
                days_text((d - r.deadline).num_days())
            ),
            due: Some(r.deadline),
            current: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::pair_fingerprint;

    fn invoice(code: &str, number: &str, seller: &str, amount: i64, date: NaiveDate) -> Invoice {
        Invoice {
            code: code.into(),
            number: number.into(),
            date,
            seller: seller.into(),
            amount_fen: amount,
            buyer: String::new(),
            tax_fen: 0,
        }
    }

    fn claim(
        id: &str,
        project: &str,
        on: NaiveDate,
        amount: i64,
        invoices: Vec<Invoice>,
    ) -> SubsidyClaim {
        SubsidyClaim {
            id: id.into(),
            project_id: project.into(),
            submitted_on: on,
            amount_fen: amount,
            invoices,
            approved_fen: None,
            approved_on: None,
        }
    }

    fn claims(a: Invoice, b: Invoice, second_on: NaiveDate) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.projects.push(ProjectFacts {
            id: "p2".into(),
            name: "物流配送中心".into(),
            ..f.projects[0].clone()
        });
        f.plans
            .push(plan("p2", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        let (ta, tb) = (a.total_fen(), b.total_fen());
        f.subsidy_claims
            .push(claim("c1", "p1", d(2026, 4, 1), ta, vec![a]));
        f.subsidy_claims
            .push(claim("c2", "p2", second_on, tb, vec![b]));
        f
    }

    #[test]
    fn the_same_invoice_number_in_two_claims_is_critical() {
        let f = claims(
            invoice(
                "1400221130",
                "00012345",
                "太原某设备公司",
                500_000,
                d(2026, 3, 1),
            ),
            invoice(
                "1400221130",
                "00012345",
                "太原某设备公司",
                500_000,
                d(2026, 3, 1),
            ),
            d(2026, 5, 1),
        );
        assert!(
            !rules(&f, d(2026, 4, 30)).contains(&"funds.duplicate_claim"),
            "second claim not yet made"
        );
        let found = all(&f, d(2026, 5, 1), "funds.duplicate_claim");
        assert_eq!(found.len(), 1, "one finding per pair of claims: {found:?}");
        assert_eq!(
            (found[0].severity, found[0].subject.id.as_str()),
            (Severity::Critical, "c2")
        );
        assert!(found[0].message.contains("00012345"));
    }

    #[test]
    fn same_seller_amount_and_date_with_other_numbers_is_also_a_duplicate() {
        let f = claims(
            invoice(
                "1400221130",
                "00000001",
                "交城县某商贸",
                300_000,
                d(2026, 3, 1),
            ),
            invoice(
                "1400221130",
                "00000002",
                "交城县某商贸",
                300_000,
                d(2026, 3, 1),
            ),
            d(2026, 5, 1),
        );
        assert!(
            fired(&f, d(2026, 5, 1), "funds.duplicate_claim")
                .message
                .contains("销售方、金额、开票日期相同")
        );
        let g = claims(
            invoice(
                "1400221130",
                "00000001",
                "交城县某商贸",
                300_000,
                d(2026, 3, 1),
            ),
            invoice(
                "1400221130",
                "00000002",
                "交城县某商贸",
                300_001,
                d(2026, 3, 1),
            ),
            d(2026, 5, 1),
        );
        assert!(!rules(&g, d(2026, 5, 1)).contains(&"funds.duplicate_claim"));
    }

    #[test]
    fn recovery_outstanding_after_the_deadline_until_repaid() {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.fund_recoveries.push(FundRecovery {
            id: "r".into(),
            project_id: "p1".into(),
            enterprise_id: "e1".into(),
            decided_on: d(2026, 5, 1),
            amount_fen: 1_000_000,
            deadline: d(2026, 5, 31),
            repayments: vec![
                Repayment {
                    date: d(2026, 5, 20),
                    amount_fen: 400_000,
                },
                Repayment {
                    date: d(2026, 6, 10),
                    amount_fen: 600_000,
                },
            ],
        });
        assert!(!rules(&f, d(2026, 5, 31)).contains(&"funds.recovery_outstanding"));
        let x = fired(&f, d(2026, 6, 1), "funds.recovery_outstanding");
        assert!(
            x.message.contains("尚欠¥6,000.00") && x.severity == Severity::Serious,
            "{}",
            x.message
        );
        assert!(rules(&f, d(2026, 6, 9)).contains(&"funds.recovery_outstanding"));
        assert!(!rules(&f, d(2026, 6, 10)).contains(&"funds.recovery_outstanding"));
    }

    fn seller_amount(days_apart: u64, seller_b: &str) -> Facts {
        claims(
            invoice(
                "1400221130",
                "00000101",
                "山西晋丰建材有限公司",
                880_000,
                d(2026, 3, 1),
            ),
            invoice(
                "1400221130",
                "00000202",
                seller_b,
                880_000,
                d(2026, 3, 1) + chrono::Days::new(days_apart),
            ),
            d(2026, 5, 1),
        )
    }

    #[test]
    fn one_seller_typed_two_ways_on_one_day_is_a_duplicate() {
        for seller in ["山西晋丰建材 有限责任公司", "山西晋丰建材（有限公司）"]
        {
            let f = seller_amount(0, seller);
            let x = fired(&f, d(2026, 5, 1), "funds.duplicate_claim");
            assert!(
                x.message.contains("00000202") && x.message.contains("00000101"),
                "{}",
                x.message
            );
            assert!(!rules(&f, d(2026, 5, 1)).contains(&"funds.suspected_duplicate"));
        }
        let f = seller_amount(0, "山西晋丰建材股份有限公司");
        assert!(
            !rules(&f, d(2026, 5, 1))
                .iter()
                .any(|r| r.starts_with("funds."))
        );
    }

    #[test]
    fn invoice_numbers_are_compared_without_spaces_and_leading_zeros() {
        let f = claims(
            invoice("1400221130", "00012345", "甲公司", 100_000, d(2026, 3, 1)),
            invoice("1400 2211 30", "12345", "乙公司", 200_000, d(2026, 3, 9)),
            d(2026, 5, 1),
        );
        assert_eq!(all(&f, d(2026, 5, 1), "funds.duplicate_claim").len(), 1);
    }

    #[test]
    fn seller_and_amount_within_thirty_days_is_suspected_not_on_the_thirty_first() {
        let f = seller_amount(30, "山西晋丰建材有限责任公司");
        assert!(
            !rules(&f, d(2026, 4, 30)).contains(&"funds.suspected_duplicate"),
            "second not yet made"
        );
        let x = fired(&f, d(2026, 5, 1), "funds.suspected_duplicate");
        assert_eq!(
            (x.severity, x.subject.id.as_str()),
            (Severity::Warning, "c2")
        );
        assert!(x.message.contains("相隔 30 天"), "{}", x.message);
        assert!(!rules(&f, d(2026, 5, 1)).contains(&"funds.duplicate_claim"));
        let g = seller_amount(31, "山西晋丰建材有限责任公司");
        assert!(!rules(&g, d(2026, 5, 1)).contains(&"funds.suspected_duplicate"));
    }

    #[test]
    fn the_same_number_under_another_code_is_suspected() {
        let f = claims(
            invoice("1400221130", "00012345", "甲公司", 100_000, d(2026, 3, 1)),
            invoice("1400221131", "00012345", "乙公司", 200_000, d(2026, 3, 9)),
            d(2026, 5, 1),
        );
        let x = fired(&f, d(2026, 5, 1), "funds.suspected_duplicate");
        assert!(x.message.contains("发票代码不同"), "{}", x.message);
        assert!(!rules(&f, d(2026, 5, 1)).contains(&"funds.duplicate_claim"));
    }

    #[test]
    fn a_claim_above_its_invoices_total_is_suspected_by_one_fen() {
        let mut f = world();
        let mut inv = invoice("1400221130", "1", "甲公司", 100_000, d(2026, 3, 1));
        inv.tax_fen = 13_000;
        f.subsidy_claims
            .push(claim("c1", "p1", d(2026, 4, 1), 113_000, vec![inv.clone()]));
        assert!(!rules(&f, d(2026, 4, 1)).contains(&"funds.suspected_duplicate"));
        f.subsidy_claims[0].amount_fen = 113_001;
        let x = fired(&f, d(2026, 4, 1), "funds.suspected_duplicate");
        assert!(
            x.message.contains("多¥0.01") && x.message.contains("价税合计¥1,130.00"),
            "{}",
            x.message
        );
    }

    #[test]
    fn an_approval_cut_to_the_invoices_settles_an_over_claim_from_its_day() {
        let mut f = world();
        let inv = invoice("1400221130", "1", "甲公司", 100_000, d(2026, 3, 1));
        let mut c = claim("c1", "p1", d(2026, 4, 1), 150_000, vec![inv]);
        c.approved_fen = Some(100_000);
        c.approved_on = Some(d(2026, 4, 10));
        f.subsidy_claims.push(c);
        assert!(rules(&f, d(2026, 4, 9)).contains(&"funds.suspected_duplicate"));
        assert!(!rules(&f, d(2026, 4, 10)).contains(&"funds.suspected_duplicate"));
        f.subsidy_claims[0].approved_fen = Some(100_001);
        assert!(rules(&f, d(2026, 4, 10)).contains(&"funds.suspected_duplicate"));
    }

    #[test]
    fn a_decided_pair_is_not_raised_again_until_a_claim_changes() {
        let mut f = seller_amount(10, "山西晋丰建材有限公司");
        let fp = pair_fingerprint(&f.subsidy_claims[0], &f.subsidy_claims[1]);
        f.duplicate_decisions.push(PairDecision {
            claim_a: "c1".into(),
            claim_b: "c2".into(),
            confirmed: false,
            fingerprint: fp.clone(),
        });
        let on = d(2026, 5, 1);
        assert!(
            !rules(&f, on).iter().any(|r| r.starts_with("funds.")),
            "cleared"
        );
        // A changed claim is looked at afresh.
        f.subsidy_claims[1].invoices[0].date = d(2026, 3, 12);
        assert!(rules(&f, on).contains(&"funds.suspected_duplicate"));
        // Confirmed: it becomes a duplicate.
        f.subsidy_claims[1].invoices[0].date = d(2026, 3, 11);
        f.duplicate_decisions[0].confirmed = true;
        let x = fired(&f, on, "funds.duplicate_claim");
        assert!(x.message.contains("经核实确认为重复申请"), "{}", x.message);
        assert!(!rules(&f, on).contains(&"funds.suspected_duplicate"));
    }

    #[test]
    fn an_invoice_claimed_in_another_county_names_only_that_county() {
        let mut f = world();
        let inv = invoice("1400221130", "00012345", "甲公司", 100_000, d(2026, 3, 1));
        f.subsidy_claims
            .push(claim("c1", "p1", d(2026, 4, 1), 100_000, vec![inv.clone()]));
        f.invoices_elsewhere.push(InvoiceElsewhere {
            county: "文水县".into(),
            submitted_on: d(2026, 4, 20),
            invoice: Invoice {
                number: "12345".into(),
                ..inv
            },
        });
        assert!(!rules(&f, d(2026, 4, 19)).contains(&"funds.duplicate_claim"));
        let x = fired(&f, d(2026, 4, 20), "funds.duplicate_claim");
        assert_eq!(x.subject.id, "c1");
        assert!(
            x.message.contains("文水县也有补助资金申请引用了同一张发票"),
            "{}",
            x.message
        );
    }

    /// Found by its seller as well as by its number: the same seller (written another
    /// way), amount and day under another number is the same invoice; an invoice that
    /// shares neither number nor seller is not compared at all, however many there are.
    #[test]
    fn an_invoice_elsewhere_is_found_by_its_content_among_many() {
        let mut f = world();
        let on = d(2026, 4, 20);
        let inv = invoice("1400221130", "00012345", "甲公司", 100_000, d(2026, 3, 1));
        f.subsidy_claims
            .push(claim("c1", "p1", d(2026, 4, 1), 100_000, vec![inv.clone()]));
        for n in 0..2_000 {
            f.invoices_elsewhere.push(InvoiceElsewhere {
                county: format!("其他县{n}"),
                submitted_on: d(2026, 4, 2),
                invoice: invoice(
                    "1400221130",
                    &format!("9{n:07}"),
                    "乙公司",
                    100_000,
                    d(2026, 3, 1),
                ),
            });
        }
        assert!(!rules(&f, on).contains(&"funds.duplicate_claim"));
        f.invoices_elsewhere.push(InvoiceElsewhere {
            county: "文水县".into(),
            submitted_on: d(2026, 4, 10),
            invoice: invoice(
                "1400221131",
                "00099999",
                " 甲 公司 ",
                100_000,
                d(2026, 3, 1),
            ),
        });
        let x = fired(&f, on, "funds.duplicate_claim");
        assert_eq!(x.subject.id, "c1");
        assert!(
            x.message
                .contains("文水县也有补助资金申请引用了销售方、金额、开票日期相同的发票"),
            "{}",
            x.message
        );
    }

    fn budget_world(budget: i64) -> Facts {
        let mut f = world();
        f.projects[0].central_funds_fen = budget;
        f
    }

    #[test]
    fn approved_claims_above_the_central_funds_by_one_fen() {
        let mut f = budget_world(1_000_000);
        let mut c = claim("c1", "p1", d(2026, 4, 1), 1_000_000, vec![]);
        c.approved_fen = Some(1_000_000);
        c.approved_on = Some(d(2026, 4, 10));
        f.subsidy_claims.push(c);
        assert!(
            !rules(&f, d(2026, 4, 10)).contains(&"funds.over_budget"),
            "equal is within"
        );
        f.subsidy_claims[0].approved_fen = Some(1_000_001);
        assert!(
            !rules(&f, d(2026, 4, 9)).contains(&"funds.over_budget"),
            "not yet approved"
        );
        let x = fired(&f, d(2026, 4, 10), "funds.over_budget");
        assert_eq!(x.severity, Severity::Serious);
        assert!(x.message.contains("超出¥0.01"), "{}", x.message);
    }

    #[test]
    fn confirmed_disbursements_above_the_central_funds() {
        let mut f = budget_world(500_000);
        let pay = |id: &str, amount: i64, confirmed: bool| Disbursement {
            id: id.into(),
            project_id: "p1".into(),
            date: d(2026, 6, 1),
            amount_fen: amount,
            batch: "第一批".into(),
            confirmed,
        };
        f.disbursements.push(pay("x1", 500_000, true));
        f.disbursements.push(pay("x2", 1, false));
        assert!(
            !rules(&f, d(2026, 6, 1)).contains(&"funds.over_budget"),
            "unconfirmed does not count"
        );
        f.disbursements[1].confirmed = true;
        assert!(!rules(&f, d(2026, 5, 31)).contains(&"funds.over_budget"));
        assert!(
            fired(&f, d(2026, 6, 1), "funds.over_budget")
                .message
                .contains("已确认拨付¥5,000.01")
        );
    }
}
