//! 资金台账: every movement of central funds as one append-only list of entries, from
//! which every balance on every page is computed. A correction is a reversing entry that
//! names the entry it undoes, never an edit; an entry that would leave a balance where it
//! cannot be (more allocated than the budget, more repaid than was ordered) is refused.

use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// What moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Movement {
    /// 预算分配: part of the programme's budget given to a project (its central-funds amount).
    Allocation,
    /// 资金拨付 (confirmed by a second person).
    Disbursement,
    /// 补助资金审核通过: the approved amount of a claim.
    ApprovedClaim,
    /// 追回资金 decided.
    RecoveryOrdered,
    /// 退回资金: a repayment of a recovery.
    Repayment,
}

impl Movement {
    /// The code stored with an entry.
    pub fn code(self) -> &'static str {
        match self {
            Movement::Allocation => "allocation",
            Movement::Disbursement => "disbursement",
            Movement::ApprovedClaim => "approved_claim",
            Movement::RecoveryOrdered => "recovery_ordered",
            Movement::Repayment => "repayment",
        }
    }

    pub fn parse(code: &str) -> Option<Movement> {
        Movement::ALL.into_iter().find(|m| m.code() == code)
    }

    pub const ALL: [Movement; 5] = [
        Movement::Allocation,
        Movement::Disbursement,
        Movement::ApprovedClaim,
        Movement::RecoveryOrdered,
        Movement::Repayment,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Movement::Allocation => "预算分配",
            Movement::Disbursement => "资金拨付",
            Movement::ApprovedClaim => "补助审核通过",
            Movement::RecoveryOrdered => "决定追回",
            Movement::Repayment => "退回资金",
        }
    }
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique in the ledger: the source for its first entry, `source#2` … for later ones
    /// (after a correction), `…:reversal` for a correction.
    pub id: String,
    /// The record the money stands on (e.g. `disbursement:ID`).
    pub source: String,
    pub date: NaiveDate,
    pub project_id: String,
    pub movement: Movement,
    /// Always positive; a correction carries the amount it takes back.
    pub amount_fen: i64,
    /// For a correction (冲正): the entry it reverses.
    pub reverses: Option<String>,
}

/// Why an entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("金额必须大于零")]
    NotPositive,
    #[error("台账中已有编号为 {0} 的记录")]
    DuplicateId(String),
    #[error("分配给各项目的资金合计将超过综合示范项目的中央财政资金预算（超出 {0} 分）")]
    OverBudget(i64),
    #[error("退回金额超过该项目尚未退回的追回金额（超出 {0} 分）")]
    OverRepaid(i64),
    #[error("要冲正的记录 {0} 不存在")]
    NoSuchEntry(String),
    #[error("记录 {0} 已经冲正过")]
    AlreadyReversed(String),
    #[error("冲正记录不能再被冲正")]
    ReversingACorrection,
    #[error("冲正金额必须与原记录相同")]
    CorrectionAmount,
    #[error("冲正后该项目已退回的资金将超过追回金额，请先冲正退回记录")]
    ReversalLeavesOverRepaid,
}

/// The figures of one project, or of the whole programme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balances {
    pub allocated_fen: i64,
    pub disbursed_fen: i64,
    pub approved_fen: i64,
    pub recovery_ordered_fen: i64,
    pub repaid_fen: i64,
}

impl Balances {
    /// 尚未退回: ordered but not yet repaid.
    pub fn outstanding_recovery_fen(&self) -> i64 {
        self.recovery_ordered_fen - self.repaid_fen
    }

    /// 实际拨付净额: disbursed less what came back.
    pub fn net_paid_fen(&self) -> i64 {
        self.disbursed_fen - self.repaid_fen
    }

    /// 结余: allocated less what was paid out net. Negative means paid beyond the
    /// allocation, which `funds.over_budget` reports.
    pub fn balance_fen(&self) -> i64 {
        self.allocated_fen - self.net_paid_fen()
    }

    /// The figures of two projects together.
    pub fn plus(&self, o: &Balances) -> Balances {
        let mut t = *self;
        for m in Movement::ALL {
            t.add(m, o.get(m));
        }
        t
    }

    fn add(&mut self, m: Movement, fen: i64) {
        let slot = match m {
            Movement::Allocation => &mut self.allocated_fen,
            Movement::Disbursement => &mut self.disbursed_fen,
            Movement::ApprovedClaim => &mut self.approved_fen,
            Movement::RecoveryOrdered => &mut self.recovery_ordered_fen,
            Movement::Repayment => &mut self.repaid_fen,
        };
        *slot = slot.saturating_add(fen);
    }
}

/// The ledger of one programme: its budget and the entries, in the order they came.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    budget_fen: i64,
    entries: Vec<Entry>,
    ids: BTreeSet<String>,
    reversed: BTreeSet<String>,
    projects: BTreeMap<String, Balances>,
}

impl Ledger {
    pub fn new(budget_fen: i64) -> Self {
        Self {
            budget_fen: budget_fen.max(0),
            ..Self::default()
        }
    }

    pub fn budget_fen(&self) -> i64 {
        self.budget_fen
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether `id` has been reversed by a correction.
    pub fn is_reversed(&self, id: &str) -> bool {
        self.reversed.contains(id)
    }

    /// The programme's totals: the sum over its projects.
    pub fn totals(&self) -> Balances {
        let mut t = Balances::default();
        for b in self.projects.values() {
            for m in Movement::ALL {
                t.add(m, b.get(m));
            }
        }
        t
    }

    /// 未分配: the budget not yet given to a project.
    pub fn unallocated_fen(&self) -> i64 {
        self.budget_fen - self.totals().allocated_fen
    }

    pub fn project(&self, id: &str) -> Balances {
        self.projects.get(id).copied().unwrap_or_default()
    }

    pub fn projects(&self) -> impl Iterator<Item = (&str, &Balances)> {
        self.projects.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Appends one entry, or refuses it and changes nothing.
    pub fn push(&mut self, e: Entry) -> Result<(), LedgerError> {
        if e.amount_fen <= 0 {
            return Err(LedgerError::NotPositive);
        }
        if self.ids.contains(&e.id) {
            return Err(LedgerError::DuplicateId(e.id));
        }
        let current = self.project(&e.project_id);
        let sign = match &e.reverses {
            None => {
                self.check_forward(&current, e.movement, e.amount_fen)?;
                1
            }
            Some(of) => {
                self.check_reversal(&current, &e, of)?;
                -1
            }
        };
        self.projects
            .entry(e.project_id.clone())
            .or_default()
            .add(e.movement, sign * e.amount_fen);
        if let Some(of) = &e.reverses {
            self.reversed.insert(of.clone());
        }
        self.ids.insert(e.id.clone());
        self.entries.push(e);
        Ok(())
    }

    fn check_forward(&self, p: &Balances, m: Movement, fen: i64) -> Result<(), LedgerError> {
        match m {
            Movement::Allocation => {
                let over = fen.saturating_sub(self.unallocated_fen());
                if over > 0 {
                    return Err(LedgerError::OverBudget(over));
                }
            }
            Movement::Repayment => {
                let over = fen.saturating_sub(p.outstanding_recovery_fen());
                if over > 0 {
                    return Err(LedgerError::OverRepaid(over));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn check_reversal(&self, p: &Balances, e: &Entry, of: &str) -> Result<(), LedgerError> {
        let original = self
            .entries
            .iter()
            .find(|x| x.id == of)
            .ok_or_else(|| LedgerError::NoSuchEntry(of.to_string()))?;
        if original.reverses.is_some() {
            return Err(LedgerError::ReversingACorrection);
        }
        if self.reversed.contains(of) {
            return Err(LedgerError::AlreadyReversed(of.to_string()));
        }
        if original.amount_fen != e.amount_fen
            || original.movement != e.movement
            || original.project_id != e.project_id
        {
            return Err(LedgerError::CorrectionAmount);
        }
        if e.movement == Movement::RecoveryOrdered
            && p.recovery_ordered_fen - e.amount_fen < p.repaid_fen
        {
            return Err(LedgerError::ReversalLeavesOverRepaid);
        }
        Ok(())
    }
}

/// What the records say one source stands at: the entry the ledger should hold for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub source: String,
    pub project_id: String,
    pub movement: Movement,
    pub amount_fen: i64,
    pub date: NaiveDate,
}

/// What bringing the ledger up to the records would append: the entries it takes, in
/// order, and those it refuses, with why.
#[derive(Debug, Clone, Default)]
pub struct CatchUp {
    pub entries: Vec<Entry>,
    pub refused: Vec<(Entry, LedgerError)>,
}

impl Ledger {
    /// The entries that bring the ledger to what the records say, never touching what is
    /// there: every live entry whose source is gone or stands at another amount is
    /// reversed (dated by `reversal_date` of its source), then every source not standing
    /// in the ledger as it should gets a new entry. Repayments are reversed first and
    /// posted last, so a recovery is never undone under its repayments nor repaid before
    /// it is ordered.
    pub fn catch_up(&self, due: &[Due], reversal_date: impl Fn(&str) -> NaiveDate) -> CatchUp {
        let due_of: BTreeMap<&str, &Due> = due.iter().map(|d| (d.source.as_str(), d)).collect();
        let live: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.reverses.is_none() && !self.reversed.contains(&e.id))
            .collect();
        let stands = |e: &Entry, d: &Due| {
            e.movement == d.movement && e.amount_fen == d.amount_fen && e.project_id == d.project_id
        };
        let mut reversals: Vec<Entry> = live
            .iter()
            .filter(|e| due_of.get(e.source.as_str()).is_none_or(|d| !stands(e, d)))
            .map(|e| Entry {
                id: format!("{}:reversal", e.id),
                date: reversal_date(&e.source),
                reverses: Some(e.id.clone()),
                ..(*e).clone()
            })
            .collect();
        reversals.sort_by_key(|e| (e.movement != Movement::Repayment, e.date, e.id.clone()));
        let mut fresh: Vec<&Due> = due
            .iter()
            .filter(|d| {
                d.amount_fen != 0 && !live.iter().any(|e| e.source == d.source && stands(e, d))
            })
            .collect();
        fresh.sort_by_key(|d| (d.movement, d.date, d.source.clone()));
        let mut ids = self.ids.clone();
        let mut next = self.clone();
        let mut out = CatchUp::default();
        let fresh = fresh.into_iter().map(|d| {
            let mut id = d.source.clone();
            let mut n = 1;
            while ids.contains(&id) {
                n += 1;
                id = format!("{}#{n}", d.source);
            }
            ids.insert(id.clone());
            Entry {
                id,
                source: d.source.clone(),
                date: d.date,
                project_id: d.project_id.clone(),
                movement: d.movement,
                amount_fen: d.amount_fen,
                reverses: None,
            }
        });
        // A source whose reversal is refused keeps its entry, and gets no second one.
        let mut blocked: BTreeMap<String, LedgerError> = BTreeMap::new();
        for e in reversals.into_iter().chain(fresh.collect::<Vec<_>>()) {
            if let Some(why) = blocked.get(&e.source) {
                out.refused.push((e, why.clone()));
                continue;
            }
            match next.push(e.clone()) {
                Ok(()) => out.entries.push(e),
                Err(why) => {
                    if e.reverses.is_some() {
                        blocked.insert(e.source.clone(), why.clone());
                    }
                    out.refused.push((e, why))
                }
            }
        }
        out
    }
}

impl Balances {
    fn get(&self, m: Movement) -> i64 {
        match m {
            Movement::Allocation => self.allocated_fen,
            Movement::Disbursement => self.disbursed_fen,
            Movement::ApprovedClaim => self.approved_fen,
            Movement::RecoveryOrdered => self.recovery_ordered_fen,
            Movement::Repayment => self.repaid_fen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(n))
    }

    fn e(id: &str, p: &str, m: Movement, fen: i64) -> Entry {
        Entry {
            id: id.into(),
            source: id.into(),
            date: day(0),
            project_id: p.into(),
            movement: m,
            amount_fen: fen,
            reverses: None,
        }
    }

    fn undo(id: &str, of: &Entry) -> Entry {
        Entry {
            id: id.into(),
            reverses: Some(of.id.clone()),
            ..of.clone()
        }
    }

    #[test]
    fn allocation_up_to_the_budget_and_not_one_fen_over() {
        let mut l = Ledger::new(1_000);
        l.push(e("a1", "p1", Movement::Allocation, 600)).unwrap();
        assert_eq!(
            l.push(e("a2", "p2", Movement::Allocation, 401)),
            Err(LedgerError::OverBudget(1))
        );
        l.push(e("a2", "p2", Movement::Allocation, 400)).unwrap();
        assert_eq!(l.unallocated_fen(), 0);
        assert_eq!(l.totals().allocated_fen, 1_000);
    }

    #[test]
    fn repayments_never_above_what_is_owed() {
        let mut l = Ledger::new(1_000);
        l.push(e("r", "p", Movement::RecoveryOrdered, 300)).unwrap();
        l.push(e("y1", "p", Movement::Repayment, 200)).unwrap();
        assert_eq!(
            l.push(e("y2", "p", Movement::Repayment, 101)),
            Err(LedgerError::OverRepaid(1))
        );
        l.push(e("y2", "p", Movement::Repayment, 100)).unwrap();
        assert_eq!(l.project("p").outstanding_recovery_fen(), 0);
        // Repaying another project's recovery is not possible either.
        assert!(l.push(e("y3", "q", Movement::Repayment, 1)).is_err());
    }

    #[test]
    fn a_correction_reverses_once_and_exactly() {
        let mut l = Ledger::new(1_000);
        let d = e("d", "p", Movement::Disbursement, 500);
        l.push(d.clone()).unwrap();
        assert_eq!(
            l.push(Entry {
                amount_fen: 400,
                ..undo("c", &d)
            }),
            Err(LedgerError::CorrectionAmount)
        );
        l.push(undo("c", &d)).unwrap();
        assert_eq!(l.project("p").disbursed_fen, 0);
        assert!(l.is_reversed("d"));
        assert_eq!(
            l.push(undo("c2", &d)),
            Err(LedgerError::AlreadyReversed("d".into()))
        );
        let c = l.entries()[1].clone();
        assert_eq!(
            l.push(undo("c3", &c)),
            Err(LedgerError::ReversingACorrection)
        );
        assert_eq!(
            l.push(Entry {
                reverses: Some("nope".into()),
                ..e("c4", "p", Movement::Disbursement, 5)
            }),
            Err(LedgerError::NoSuchEntry("nope".into()))
        );
        // The history keeps both lines.
        assert_eq!(l.entries().len(), 2);
    }

    #[test]
    fn a_recovery_with_repayments_cannot_be_reversed_under_them() {
        let mut l = Ledger::new(1_000);
        let r = e("r", "p", Movement::RecoveryOrdered, 300);
        l.push(r.clone()).unwrap();
        l.push(e("y", "p", Movement::Repayment, 100)).unwrap();
        assert_eq!(
            l.push(undo("c", &r)),
            Err(LedgerError::ReversalLeavesOverRepaid)
        );
    }

    #[test]
    fn refused_entries_change_nothing() {
        let mut l = Ledger::new(100);
        l.push(e("a", "p", Movement::Allocation, 100)).unwrap();
        let before = (l.totals(), l.entries().len());
        assert!(l.push(e("a", "p", Movement::Disbursement, 5)).is_err());
        assert!(l.push(e("z", "p", Movement::Disbursement, 0)).is_err());
        assert!(l.push(e("z", "p", Movement::Disbursement, -5)).is_err());
        assert_eq!((l.totals(), l.entries().len()), before);
    }

    fn due(source: &str, p: &str, m: Movement, fen: i64) -> Due {
        Due {
            source: source.into(),
            project_id: p.into(),
            movement: m,
            amount_fen: fen,
            date: day(3),
        }
    }

    fn apply(l: &mut Ledger, due: &[Due]) -> CatchUp {
        let c = l.catch_up(due, |_| day(9));
        for e in &c.entries {
            l.push(e.clone()).unwrap();
        }
        c
    }

    #[test]
    fn catching_up_posts_each_source_once() {
        let mut l = Ledger::new(1_000);
        let dues = [
            due("disbursement:d", "p", Movement::Disbursement, 300),
            due("project:p", "p", Movement::Allocation, 800),
        ];
        let c = apply(&mut l, &dues);
        // The allocation first, each entry named after its source.
        let ids: Vec<&str> = c.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["project:p", "disbursement:d"]);
        assert!(c.refused.is_empty());
        assert!(l.catch_up(&dues, |_| day(9)).entries.is_empty());
        assert_eq!(l.project("p").balance_fen(), 500);
    }

    #[test]
    fn a_changed_amount_is_reversed_and_posted_again() {
        let mut l = Ledger::new(1_000);
        apply(&mut l, &[due("project:p", "p", Movement::Allocation, 800)]);
        let c = apply(&mut l, &[due("project:p", "p", Movement::Allocation, 600)]);
        let ids: Vec<&str> = c.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["project:p:reversal", "project:p#2"]);
        assert_eq!(c.entries[0].date, day(9));
        assert_eq!(c.entries[0].reverses.as_deref(), Some("project:p"));
        assert_eq!(l.project("p").allocated_fen, 600);
        // Gone, then back: a third entry, the history kept.
        apply(&mut l, &[]);
        assert_eq!(l.project("p").allocated_fen, 0);
        let c = apply(&mut l, &[due("project:p", "p", Movement::Allocation, 600)]);
        assert_eq!(c.entries[0].id, "project:p#3");
        assert_eq!(l.entries().len(), 5);
    }

    #[test]
    fn a_recovery_voided_with_its_repayments_unwinds_repayments_first() {
        let mut l = Ledger::new(1_000);
        let r = due("recovery:r", "p", Movement::RecoveryOrdered, 300);
        let y = due("recovery:r:1", "p", Movement::Repayment, 100);
        // Posted together, the repayment comes after the recovery it repays.
        let c = apply(&mut l, &[y.clone(), r.clone()]);
        assert!(c.refused.is_empty(), "{:?}", c.refused);
        let c = apply(&mut l, &[]);
        assert!(c.refused.is_empty(), "{:?}", c.refused);
        assert_eq!(c.entries[0].movement, Movement::Repayment);
        assert_eq!(l.project("p"), Balances::default());
    }

    #[test]
    fn what_the_ledger_refuses_is_reported_and_the_rest_posted() {
        let mut l = Ledger::new(1_000);
        let c = apply(
            &mut l,
            &[
                due("project:a", "a", Movement::Allocation, 700),
                due("project:b", "b", Movement::Allocation, 400),
                due("disbursement:d", "a", Movement::Disbursement, 50),
                due("recovery:x:1", "a", Movement::Repayment, 5),
            ],
        );
        let refused: Vec<(&str, &LedgerError)> =
            c.refused.iter().map(|(e, w)| (e.id.as_str(), w)).collect();
        assert_eq!(
            refused,
            [
                ("project:b", &LedgerError::OverBudget(100)),
                ("recovery:x:1", &LedgerError::OverRepaid(5))
            ]
        );
        assert_eq!(l.totals().allocated_fen, 700);
        assert_eq!(l.totals().disbursed_fen, 50);
    }

    /// The records at one moment: an amount (0: none) for each of a few sources.
    fn records_state() -> impl Strategy<Value = Vec<i64>> {
        proptest::collection::vec(prop_oneof![1 => Just(0i64), 3 => 1i64..700], 6)
    }

    fn dues_of(amounts: &[i64]) -> Vec<Due> {
        const SOURCES: [(&str, &str, Movement); 6] = [
            ("project:a", "a", Movement::Allocation),
            ("project:b", "b", Movement::Allocation),
            ("disbursement:1", "a", Movement::Disbursement),
            ("claim:1", "b", Movement::ApprovedClaim),
            ("recovery:1", "a", Movement::RecoveryOrdered),
            ("recovery:1:1", "a", Movement::Repayment),
        ];
        SOURCES
            .iter()
            .zip(amounts)
            .filter(|(_, f)| **f > 0)
            .map(|((s, p, m), f)| due(s, p, *m, *f))
            .collect()
    }

    proptest! {
        /// Whatever the records go through, catching up leaves the ledger standing at what
        /// they say (but what it refuses), and a second catch-up finds nothing to do.
        #[test]
        fn catching_up_follows_the_records(states in proptest::collection::vec(records_state(), 1..12)) {
            let mut l = Ledger::new(1_000);
            for s in &states {
                let dues = dues_of(s);
                let c = apply(&mut l, &dues);
                let again = l.catch_up(&dues, |_| day(9));
                prop_assert!(again.entries.is_empty());
                let refused: BTreeSet<&str> = c.refused.iter().map(|(e, _)| e.source.as_str()).collect();
                for d in dues.iter().filter(|d| !refused.contains(d.source.as_str())) {
                    let standing: i64 = l
                        .entries()
                        .iter()
                        .filter(|e| e.source == d.source)
                        .map(|e| if e.reverses.is_some() { -e.amount_fen } else { e.amount_fen })
                        .sum();
                    prop_assert_eq!(standing, d.amount_fen, "{}", d.source);
                }
                prop_assert!(l.unallocated_fen() >= 0);
                prop_assert!(l.project("a").outstanding_recovery_fen() >= 0);
            }
        }
    }

    /// A random step: a movement to one of three projects, or a correction of an earlier
    /// entry (by its position, wrapped), amounts from one 分 to a little above the budget.
    #[derive(Debug, Clone)]
    enum Step {
        Move(usize, usize, i64),
        Correct(usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0usize..3, 0usize..5, 1i64..1_200).prop_map(|(p, m, f)| Step::Move(p, m, f)),
            1 => (0usize..64).prop_map(Step::Correct),
        ]
    }

    proptest! {
        #[test]
        fn balances_always_reconcile(steps in proptest::collection::vec(step(), 0..80)) {
            let mut l = Ledger::new(2_000);
            for (i, s) in steps.iter().enumerate() {
                let id = format!("e{i}");
                let entry = match s {
                    Step::Move(p, m, f) => e(&id, &format!("p{p}"), Movement::ALL[*m], *f),
                    Step::Correct(k) if !l.entries().is_empty() => {
                        let of = l.entries()[k % l.entries().len()].clone();
                        undo(&id, &of)
                    }
                    Step::Correct(_) => continue,
                };
                let before = l.totals();
                let n = l.entries().len();
                if l.push(entry).is_err() {
                    prop_assert_eq!(l.totals(), before);
                    prop_assert_eq!(l.entries().len(), n);
                }
                let t = l.totals();
                // budget = allocated + unallocated, and nothing allocated beyond it.
                prop_assert_eq!(l.budget_fen(), t.allocated_fen + l.unallocated_fen());
                prop_assert!(l.unallocated_fen() >= 0);
                // net paid = disbursed − repaid.
                prop_assert_eq!(t.net_paid_fen(), t.disbursed_fen - t.repaid_fen);
                // The programme is the sum of its projects, and no project owes less than nothing.
                let mut sum = Balances::default();
                for (_, b) in l.projects() {
                    prop_assert!(b.allocated_fen >= 0 && b.disbursed_fen >= 0);
                    prop_assert!(b.approved_fen >= 0 && b.repaid_fen >= 0);
                    prop_assert!(b.outstanding_recovery_fen() >= 0);
                    for m in Movement::ALL {
                        sum.add(m, b.get(m));
                    }
                }
                prop_assert_eq!(sum, t);
                // Replaying the entries gives the same figures.
                let mut replay = Ledger::new(l.budget_fen());
                for x in l.entries() {
                    prop_assert!(replay.push(x.clone()).is_ok());
                }
                prop_assert_eq!(replay.totals(), t);
            }
        }
    }
}
