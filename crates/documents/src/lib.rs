//! Office documents. Knows nothing of records or users: it writes and reads grids.

pub mod chart;
pub mod dossier;
pub mod labels;
pub mod official;
pub mod xlsx;
