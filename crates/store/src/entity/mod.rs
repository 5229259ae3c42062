//! SeaORM entities: the rows as stored. Validation happens before a row is built (domain
//! types), so these stay plain.

pub mod api_token;
pub mod audit_log;
pub mod county;
pub mod enterprise;
pub mod login_attempt;
pub mod programme;
pub mod project;
pub mod session;
pub mod user;
