//! The regulation's vocabulary as types. Everything here is pure: no HTTP, SQL, clock or
//! randomness, so that rules and validation are trivially testable.

pub mod asset;
pub mod audit;
pub mod claim;
pub mod dates;
pub mod document;
pub mod enterprise;
pub mod ids;
pub mod inspection;
pub mod inventory;
pub mod invoice;
pub mod ledger;
pub mod money;
pub mod project;
pub mod rectification;
pub mod reporting;
pub mod role;
pub mod rules;
pub mod sanction;
pub mod system;
pub mod text;
pub mod tipoff;
pub mod uscc;
pub mod validation;

pub use dates::{DateRange, china_today, format_cn_date};
pub use ids::CountyCode;
pub use money::Money;
pub use role::Role;
pub use system::System;
pub use uscc::Uscc;
pub use validation::FieldErrors;
