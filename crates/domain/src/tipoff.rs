//! 举报 (末段 群众监督): a tip-off from the public, handled in the closed loop China's 12345
//! hotlines use — 受理 → 转办 → 办理 → 答复 → 办结, with an optional 回访 — and followed by
//! the tipster with a receipt code (回执码) only they hold.

use serde::{Deserialize, Serialize};

/// Where a tip-off stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TipOffState {
    /// Received, not yet looked at (待受理).
    Received,
    /// 受理: within the programme, to be handled.
    Accepted,
    /// 不予受理: outside the programme; the reason is the reply.
    Declined,
    /// 转办: given to an inspector with a deadline.
    Assigned,
    /// 办理: the inspector has recorded what was done.
    Handling,
    /// 答复: a reply written, waiting for the responsible person's review.
    Replied,
    /// 办结: the reply approved and visible to the tipster.
    Closed,
}

impl TipOffState {
    pub const ALL: [TipOffState; 7] = [
        TipOffState::Received,
        TipOffState::Accepted,
        TipOffState::Declined,
        TipOffState::Assigned,
        TipOffState::Handling,
        TipOffState::Replied,
        TipOffState::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TipOffState::Received => "received",
            TipOffState::Accepted => "accepted",
            TipOffState::Declined => "declined",
            TipOffState::Assigned => "assigned",
            TipOffState::Handling => "handling",
            TipOffState::Replied => "replied",
            TipOffState::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn is(self, code: &str) -> bool {
        self.code() == code
    }

    /// As the staff see it.
    pub fn label(self) -> &'static str {
        match self {
            TipOffState::Received => "待受理",
            TipOffState::Accepted => "已受理",
            TipOffState::Declined => "不予受理",
            TipOffState::Assigned => "已转办",
            TipOffState::Handling => "办理中",
            TipOffState::Replied => "答复待审核",
            TipOffState::Closed => "已办结",
        }
    }

    /// As the tipster sees it: a reply not yet approved is still being handled.
    pub fn public_label(self) -> &'static str {
        match self {
            TipOffState::Received => "已收到，待受理",
            TipOffState::Accepted => "已受理",
            TipOffState::Declined => "不予受理",
            TipOffState::Assigned => "已转办，正在办理",
            TipOffState::Handling | TipOffState::Replied => "正在办理",
            TipOffState::Closed => "已办结",
        }
    }

    /// Finished: nothing more is done but a follow-up call.
    pub fn is_final(self) -> bool {
        matches!(self, TipOffState::Declined | TipOffState::Closed)
    }

    /// The states a step may start from.
    pub fn may(self, step: Step) -> bool {
        use TipOffState::*;
        match step {
            Step::Accept | Step::Decline => self == Received,
            Step::Assign => matches!(self, Accepted | Assigned | Handling),
            Step::Handle => matches!(self, Assigned | Handling),
            Step::Reply => matches!(self, Handling),
            Step::Approve | Step::SendBack => self == Replied,
            Step::FollowUp => self == Closed,
        }
    }
}

/// A step of the handling loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Accept,
    Decline,
    Assign,
    Handle,
    Reply,
    Approve,
    SendBack,
    FollowUp,
}

impl Step {
    /// Why the step cannot be taken in `state`, for the person who tried.
    pub fn refusal(self, state: TipOffState) -> String {
        let what = match self {
            Step::Accept | Step::Decline => "只有待受理的举报可以受理或不予受理",
            Step::Assign => "只有已受理、尚未答复的举报可以转办",
            Step::Handle => "举报转办后才能登记办理情况",
            Step::Reply => "登记办理情况后才能起草答复",
            Step::Approve | Step::SendBack => "只有待审核的答复可以审核",
            Step::FollowUp => "办结后才能回访",
        };
        format!("{what}（当前：{}）", state.label())
    }
}

/// How a tip-off came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 监督举报电话.
    Hotline,
    /// The public form.
    Web,
    Letter,
    Visit,
    /// Another system through Open311.
    Partner,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Hotline,
        Channel::Web,
        Channel::Letter,
        Channel::Visit,
        Channel::Partner,
    ];
    /// What staff record by hand.
    pub const STAFF: [Channel; 3] = [Channel::Hotline, Channel::Letter, Channel::Visit];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Hotline => "hotline",
            Channel::Web => "web",
            Channel::Letter => "letter",
            Channel::Visit => "visit",
            Channel::Partner => "partner",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Hotline => "监督举报电话",
            Channel::Web => "网上举报",
            Channel::Letter => "来信",
            Channel::Visit => "来访",
            Channel::Partner => "其他平台转来",
        }
    }
}

/// The receipt code's letters: digits and capitals without the look-alikes 0/O, 1/I.
pub const RECEIPT_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters of a code: 20 × 5 bits = 100 bits of randomness.
pub const RECEIPT_CHARS: usize = 20;
/// Random bytes a code is made of (the first 100 of their 104 bits are used).
pub const RECEIPT_BYTES: usize = 13;

/// A receipt code from random bytes, in groups of four to read out on the phone:
/// `K7M3-Q9TZ-…`.
pub fn receipt_from_bytes(bytes: &[u8; RECEIPT_BYTES]) -> String {
    let mut out = String::with_capacity(RECEIPT_CHARS + RECEIPT_CHARS / 4);
    for i in 0..RECEIPT_CHARS {
        let bit = i * 5;
        let pair =
            u16::from(bytes[bit / 8]) << 8 | u16::from(*bytes.get(bit / 8 + 1).unwrap_or(&0));
        let v = (pair >> (11 - bit % 8)) & 0x1f;
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(RECEIPT_ALPHABET[usize::from(v)]));
    }
    out
}

/// A code as someone typed or read it (any case, spaces and dashes anywhere, O for 0 and
/// I for 1 never occur) in its one canonical form; None if it cannot be a code.
pub fn normalise_receipt(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(RECEIPT_CHARS);
    for c in typed.chars() {
        if c == '-' || c == ' ' || c == '－' || c == '\u{3000}' {
            continue;
        }
        let c = c.to_ascii_uppercase();
        if !c.is_ascii() || !RECEIPT_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
        if out.len() > RECEIPT_CHARS {
            return None;
        }
    }
    (out.len() == RECEIPT_CHARS).then_some(out)
}

/// How alike two texts are, 0 to 1: the share of character pairs they have in common
/// (Jaccard over bigrams, punctuation and spaces ignored). Two reports of one closed
/// station, worded differently, score well above unrelated ones.
pub fn similarity(a: &str, b: &str) -> f64 {
    fn pairs(s: &str) -> std::collections::HashSet<(char, char)> {
        let cs: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        cs.windows(2).map(|w| (w[0], w[1])).collect()
    }
    let (x, y) = (pairs(a), pairs(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let common = x.intersection(&y).count();
    common as f64 / (x.len() + y.len() - common) as f64
}

/// A kind of problem the public may report: the form's choices and Open311's services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Lower-case letters, digits and `_`; kept with each tip-off, so never renamed.
    pub code: String,
    pub name: String,
    pub description: String,
}

/// The profile's `[tipoff]`: the kinds of problem, and the days the assignee has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TipOffSettings {
    /// 转办 sets the handling due this many days after the tip-off came in (the reply
    /// itself is due after `thresholds.tipoff_reply_days`, when the responsible person is
    /// told as well).
    pub handling_days: u32,
    pub services: Vec<Service>,
}

impl Default for TipOffSettings {
    fn default() -> Self {
        let s = |code: &str, name: &str, description: &str| Service {
            code: code.into(),
            name: name.into(),
            description: description.into(),
        };
        TipOffSettings {
            handling_days: 10,
            services: vec![
                s(
                    "station",
                    "服务站点问题",
                    "村级服务站不开门、无人值守、服务收费等",
                ),
                s(
                    "construction",
                    "项目建设问题",
                    "工程进度、质量、设备不到位等",
                ),
                s(
                    "funds",
                    "资金使用问题",
                    "虚报冒领、重复申报、挪用示范资金等",
                ),
                s(
                    "market",
                    "商品质量和市场秩序",
                    "假冒伪劣、农产品质量安全、欺诈消费者等",
                ),
                s("other", "其他问题", "与示范项目有关的其他问题"),
            ],
        }
    }
}

impl TipOffSettings {
    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_code_holds_one_hundred_bits_in_readable_groups() {
        assert_eq!(RECEIPT_ALPHABET.len(), 32);
        let bits = (RECEIPT_ALPHABET.len() as f64).log2() * RECEIPT_CHARS as f64;
        assert!(bits >= 100.0, "{bits}");
        let c = receipt_from_bytes(&[0xff; RECEIPT_BYTES]);
        assert_eq!(c, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        let c = receipt_from_bytes(&[0; RECEIPT_BYTES]);
        assert_eq!(c, "2222-2222-2222-2222-2222");
        // Every one of the 100 bits shows in the code.
        let base = receipt_from_bytes(&[0; RECEIPT_BYTES]);
        let mut seen = std::collections::HashSet::new();
        for bit in 0..100 {
            let mut b = [0u8; RECEIPT_BYTES];
            b[bit / 8] |= 0x80 >> (bit % 8);
            let c = receipt_from_bytes(&b);
            assert_ne!(c, base, "bit {bit} is lost");
            assert!(seen.insert(c), "bit {bit} collides");
        }
        for ch in ['0', 'O', '1', 'I'] {
            assert!(!RECEIPT_ALPHABET.contains(&(ch as u8)));
        }
    }

    #[test]
    fn a_code_read_out_loosely_is_the_same_code() {
        let c = receipt_from_bytes(&[0x5a; RECEIPT_BYTES]);
        let n = normalise_receipt(&c).unwrap();
        assert_eq!(n.len(), RECEIPT_CHARS);
        assert_eq!(normalise_receipt(&c.to_lowercase()), Some(n.clone()));
        assert_eq!(normalise_receipt(&c.replace('-', " ")), Some(n.clone()));
        assert_eq!(normalise_receipt(&n[..19]), None);
        assert_eq!(normalise_receipt(&format!("{n}2")), None);
        assert_eq!(normalise_receipt(&format!("{}O", &n[..19])), None);
        assert_eq!(normalise_receipt(""), None);
        assert_eq!(
            normalise_receipt("回执码回执码回执码回执码回执码回执码回执码"),
            None
        );
    }

    #[test]
    fn the_loop_moves_only_forward_through_its_steps() {
        use TipOffState::*;
        assert!(Received.may(Step::Accept) && Received.may(Step::Decline));
        assert!(!Accepted.may(Step::Accept));
        assert!(Accepted.may(Step::Assign) && !Received.may(Step::Assign));
        assert!(!Accepted.may(Step::Handle) && Assigned.may(Step::Handle));
        assert!(!Assigned.may(Step::Reply) && Handling.may(Step::Reply));
        assert!(Replied.may(Step::Approve) && Replied.may(Step::SendBack));
        assert!(!Closed.may(Step::Approve) && Closed.may(Step::FollowUp));
        for s in TipOffState::ALL {
            assert_eq!(TipOffState::parse(s.code()), Some(s));
            if s.is_final() {
                assert!(!s.may(Step::Assign) && !s.may(Step::Reply));
            }
        }
        // The tipster never sees a reply that is not yet approved.
        assert_eq!(Replied.public_label(), Handling.public_label());
        assert!(Step::Reply.refusal(Assigned).contains("已转办"));
    }

    #[test]
    fn reports_of_one_thing_are_more_alike_than_unrelated_ones() {
        let a = "夏家营镇王村的电商服务站经常不开门，没人管。";
        let b = "王村电商服务站经常关门不开，没有人管理";
        let c = "网店卖的红枣说是本地的，其实是外地货。";
        assert!(similarity(a, b) > 0.3, "{}", similarity(a, b));
        assert!(similarity(a, c) < 0.1, "{}", similarity(a, c));
        assert!((similarity(a, a) - 1.0).abs() < 1e-9);
        assert_eq!(similarity("", a), 0.0);
    }
}
