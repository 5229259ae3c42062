//! CPU-heavy work — reading an uploaded spreadsheet, decoding a photo, checking a PDF,
//! parsing an import bundle — runs on the blocking pool, never on the async workers that
//! answer requests, and at most as many jobs at once as the machine has cores. Each job
//! bounds its own memory (the photo decoder's allocation limit, the spreadsheet reader's
//! limits), so the permits bound the total. A job waits for a permit only while few are
//! waiting; beyond that the caller is told the system is busy, so that a burst of
//! uploads queues in bounded memory instead of piling up.

use crate::AppError;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

#[derive(Clone, Debug)]
pub struct Heavy {
    permits: Arc<Semaphore>,
    size: usize,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
}

impl Heavy {
    /// `size` jobs at once, and at most `4 × size` more waiting.
    pub fn new(size: usize) -> Self {
        let size = size.max(1);
        Heavy {
            permits: Arc::new(Semaphore::new(size)),
            size,
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting: size * 4,
        }
    }

    /// One job per core.
    pub fn from_cores() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, usize::from))
    }

    /// How many jobs may run at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Jobs running now.
    pub fn running(&self) -> usize {
        self.size - self.permits.available_permits()
    }

    /// Runs `job` on the blocking pool once a permit is free. The permit is held until the
    /// job ends, even if the caller stops waiting (a client that hangs up does not free
    /// a core that is still busy with its file).
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(AppError::Busy);
                }
                let p = self.permits.clone().acquire_owned().await;
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                p.map_err(|_| AppError::Busy)?
            }
        };
        tokio::task::spawn_blocking(move || {
            let out = job();
            drop(permit);
            out
        })
        .await
        .map_err(|e| AppError::internal("heavy job", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_size_jobs_run_and_a_long_queue_is_refused() {
        let heavy = Heavy::new(2);
        let peak = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicUsize::new(0));
        let mut jobs = Vec::new();
        for _ in 0..8 {
            let (h, peak, now) = (heavy.clone(), peak.clone(), now.clone());
            jobs.push(tokio::spawn(async move {
                h.run(move || {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    now.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        for j in jobs {
            j.await.unwrap().unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);

        // Two running, eight waiting: the eleventh is told the system is busy.
        let mut held = Vec::new();
        for _ in 0..10 {
            let h = heavy.clone();
            held.push(tokio::spawn(async move {
                h.run(|| std::thread::sleep(Duration::from_millis(300)))
                    .await
            }));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        assert!(matches!(heavy.run(|| ()).await, Err(AppError::Busy)));
        assert!(started.elapsed() < Duration::from_millis(100));
        for j in held {
            j.await.unwrap().unwrap();
        }
    }
}
