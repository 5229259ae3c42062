//! Any bytes as an uploaded photo or PDF: refused or processed within the limits.
#![no_main]

use jianguan_files::photo::{Limits, check_pdf, process, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_alloc: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let _ = sniff(data);
    if let Ok(p) = process(data, &limits) {
        assert!(u64::from(p.width) * u64::from(p.height) <= limits.max_pixels);
    }
    let _ = check_pdf(data, &limits);
});
