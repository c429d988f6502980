//! Scan verdicts kept per content SHA-256 (skill-format §3.2 step 4): the same file met again
//! (a re-import, an export after an import, the same script in many skills) is not scanned
//! twice. Bounded: the oldest verdicts go first.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use super::patterns::Hit;

/// Verdicts kept; each is a few dozen bytes unless the file had hits.
const CAPACITY: usize = 16_384;

#[derive(Default)]
struct Cache {
    verdicts: HashMap<[u8; 32], Arc<Vec<Hit>>>,
    order: VecDeque<[u8; 32]>,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);
static HITS: AtomicU64 = AtomicU64::new(0);

/// The verdict for content `hash`, scanning with `scan` on a miss.
pub fn verdict(hash: [u8; 32], scan: impl FnOnce() -> Vec<Hit>) -> Arc<Vec<Hit>> {
    if let Some(found) = lock().verdicts.get(&hash).cloned() {
        HITS.fetch_add(1, Ordering::Relaxed);
        return found;
    }
    let hits = Arc::new(scan());
    let mut cache = lock();
    if cache.verdicts.insert(hash, hits.clone()).is_none() {
        cache.order.push_back(hash);
        while cache.order.len() > CAPACITY {
            if let Some(old) = cache.order.pop_front() {
                cache.verdicts.remove(&old);
            }
        }
    }
    hits
}

/// How many verdicts were served from the cache since the process started.
pub fn hits() -> u64 {
    HITS.load(Ordering::Relaxed)
}

/// A panic while holding the lock leaves a consistent map (inserts are single calls).
fn lock() -> std::sync::MutexGuard<'static, Cache> {
    CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
