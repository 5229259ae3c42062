//! Any bytes as an uploaded workbook: refused or read, within the limits, never a panic.
#![no_main]

use jianguan_documents::xlsx::{self, grid};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = grid::Limits::small(200, 26);
    if let Ok(wb) = grid::read(data, &limits, |_, _| true) {
        for s in &wb.sheets {
            assert!(s.cells.len() as u64 <= limits.max_cells);
            assert!(s.cells.iter().all(|c| c.row < 200 && c.col < 26));
        }
    }
    let _ = xlsx::read(data);
    let _ = xlsx::read_roster(data);
});
