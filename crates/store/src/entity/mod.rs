//! SeaORM entities: the rows as stored. Validation happens before a row is built (domain
//! types), so these stay plain.

pub mod api_token;
pub mod asset;
pub mod audit_log;
pub mod county;
pub mod data_report;
pub mod disbursement;
pub mod enterprise;
pub mod finding;
pub mod fund_recovery;
pub mod incident;
pub mod inspection;
pub mod inspection_version;
pub mod inventory_count;
pub mod job_lease;
pub mod licence;
pub mod login_attempt;
pub mod market_finding;
pub mod notification;
pub mod order_submission;
pub mod performance_evaluation;
pub mod photo;
pub mod programme;
pub mod progress_plan;
pub mod progress_report;
pub mod project;
pub mod rectification_order;
pub mod sanction;
pub mod session;
pub mod submission_review;
pub mod subsidy_claim;
pub mod tipoff;
pub mod training_class;
pub mod training_roster;
pub mod upload_intent;
pub mod user;
