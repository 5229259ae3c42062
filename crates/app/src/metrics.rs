//! What the operator's Prometheus reads at `/metrics`: requests by route and status and
//! their latency, docket run time, uploads refused by reason, heavy work in flight. One
//! registry per process (several apps in one process, as in tests, add up).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Mutex, OnceLock};

/// Latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    rejections: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    docket: Mutex<(u64, f64)>,
}

pub fn global() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(Metrics::default)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while counting leaves counts that are still counts.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// One request answered: its route (the path template, so ids do not multiply the
    /// series), method, status and time taken.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        *lock(&self.requests)
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
        let mut l = lock(&self.latency);
        let h = l.entry(route.to_string()).or_default();
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                h.counts[i] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    /// An upload refused: what it was and why (a stable code).
    pub fn rejected(&self, kind: &'static str, reason: &'static str) {
        *lock(&self.rejections).entry((kind, reason)).or_default() += 1;
    }

    pub fn docket_run(&self, seconds: f64) {
        let mut d = lock(&self.docket);
        d.0 += 1;
        d.1 = seconds;
    }

    /// The Prometheus text exposition format.
    pub fn render(&self, heavy_running: usize, heavy_size: usize) -> String {
        let mut out = String::new();
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str("# HELP jianguan_http_requests_total Requests answered, by route, method and status.\n# TYPE jianguan_http_requests_total counter\n");
        for ((route, method, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "jianguan_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                esc(route)
            );
        }
        out.push_str("# HELP jianguan_http_request_duration_seconds Time to answer, by route.\n# TYPE jianguan_http_request_duration_seconds histogram\n");
        for (route, h) in lock(&self.latency).iter() {
            let route = esc(route);
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "jianguan_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "jianguan_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\njianguan_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\njianguan_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        out.push_str("# HELP jianguan_upload_rejections_total Uploads refused, by kind of file and reason.\n# TYPE jianguan_upload_rejections_total counter\n");
        for ((kind, reason), n) in lock(&self.rejections).iter() {
            let _ = writeln!(
                out,
                "jianguan_upload_rejections_total{{kind=\"{kind}\",reason=\"{reason}\"}} {n}"
            );
        }
        let (runs, last) = *lock(&self.docket);
        let _ = write!(
            out,
            "# HELP jianguan_docket_runs_total Docket evaluations stored.\n# TYPE jianguan_docket_runs_total counter\njianguan_docket_runs_total {runs}\n\
             # HELP jianguan_docket_last_run_seconds Time the last docket run took.\n# TYPE jianguan_docket_last_run_seconds gauge\njianguan_docket_last_run_seconds {last}\n\
             # HELP jianguan_heavy_jobs_running Uploads being parsed, photos decoded, bundles read now.\n# TYPE jianguan_heavy_jobs_running gauge\njianguan_heavy_jobs_running {heavy_running}\n\
             # HELP jianguan_heavy_jobs_capacity Heavy jobs that may run at once.\n# TYPE jianguan_heavy_jobs_capacity gauge\njianguan_heavy_jobs_capacity {heavy_size}\n"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_render_in_the_exposition_format() {
        let m = Metrics::default();
        m.request("/projects/{id}", "GET", 200, 0.012);
        m.request("/projects/{id}", "GET", 200, 0.3);
        m.rejected("photo", "too_many_pixels");
        m.docket_run(1.5);
        let text = m.render(1, 2);
        assert!(text.contains("jianguan_http_requests_total{route=\"/projects/{id}\",method=\"GET\",status=\"200\"} 2"), "{text}");
        assert!(text.contains(
            "jianguan_http_request_duration_seconds_bucket{route=\"/projects/{id}\",le=\"0.025\"} 1"
        ));
        assert!(
            text.contains(
                "jianguan_http_request_duration_seconds_count{route=\"/projects/{id}\"} 2"
            )
        );
        assert!(text.contains(
            "jianguan_upload_rejections_total{kind=\"photo\",reason=\"too_many_pixels\"} 1"
        ));
        assert!(text.contains("jianguan_docket_last_run_seconds 1.5"));
        assert!(text.contains("jianguan_heavy_jobs_running 1"));
    }
}
