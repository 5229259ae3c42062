//! Memory a quiet server gives back. mimalloc returns freed pages to the system only when
//! it is next called after its purge delay (1 s); a server nobody asks anything makes no
//! such call, so what start-up (migrations, templates, the OpenAPI document) or the last
//! burst of requests freed stayed resident for as long as the server was idle: ~9 MB of
//! an idle server's ~50 MB on the demo.

use std::time::Duration;

/// How often the allocator is asked to give back what has been free for its delay.
const EVERY: Duration = Duration::from_secs(5);

/// Called once the server listens; runs for as long as the server does. (A forced collect
/// at that moment gave back nothing: the router and templates are built after it.)
pub fn give_back_when_idle() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            collect();
        }
    });
}

/// The one call into the allocator's C interface: `mi_collect` takes a flag and touches
/// no memory of ours.
#[allow(unsafe_code)]
fn collect() {
    // SAFETY: mi_collect has no preconditions; it may be called from any thread at any
    // time (it frees only what mimalloc itself holds empty).
    unsafe { libmimalloc_sys::mi_collect(false) }
}
