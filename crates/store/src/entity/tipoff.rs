use sea_orm::entity::prelude::*;

/// 举报
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "tipoffs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub channel: String,
    pub content: String,
    pub summary: String,
    pub subject: Option<String>,
    pub contact: Option<String>,
    /// `sha256:` and the hash of the receipt code; the code itself is never kept.
    pub receipt_code: String,
    pub received_on: Date,
    pub replied_on: Option<Date>,
    pub reply: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
    // Came later (m0016): absent, a field is left out of the row's JSON so that older
    // seals still match.
    /// Where it stands (`jianguan_domain::tipoff::TipOffState`); none: imported before the loop existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The kind of problem (the profile's `tipoff_services`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub township: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
    /// The project it concerns, when the tipster or staff named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// When it happened, as the tipster says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_on: Option<Date>,
    /// When it came in (a hotline call: as the staff member recorded it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTimeUtc>,
    /// `none` (anonymous), `reply` (may be called back), `no_call` (gave a contact but asks not to be called).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_wish: Option<String>,
    /// The inspector it was handed to (转办) and the day the handling is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<Date>,
    /// Why it is outside the programme (不予受理); the reply the tipster sees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
    /// What was done (办理).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling: Option<String>,
    /// The records the handling made (JSON array of `inspection:ID`, `order:ID`, `sanction:ID`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<String>,
    /// The reply waiting for the responsible person (答复待审核).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_draft: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<String>,
    /// Why the responsible person sent a reply back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<Date>,
    /// 回访: the tipster's satisfaction and what they said (JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<String>,
    /// Another tip-off of the same matter; both are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// The staff member who entered a hotline call, letter or visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// The form a web tip-off came from: each form is sent once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_nonce: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &[
    "id",
    "channel",
    "content",
    "summary",
    "subject",
    "contact",
    "receipt_code",
    "received_on",
    "replied_on",
    "reply",
    "state",
    "service",
    "township",
    "village",
    "project_id",
    "occurred_on",
    "received_at",
    "contact_wish",
    "assignee_id",
    "due_on",
    "decline_reason",
    "handling",
    "links",
    "reply_draft",
    "reply_by",
    "review_note",
    "reviewed_by",
    "closed_on",
    "follow_up",
    "duplicate_of",
    "recorded_by",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &[];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
