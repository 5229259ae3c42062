//! Evidence files: photos checked and derived ([`photo`]), and kept in a content-addressed
//! store ([`store`]). Knows nothing of records, users or HTTP.

pub mod photo;
pub mod store;

pub use photo::{Limits, PhotoError, Processed};
pub use store::FileStore;
