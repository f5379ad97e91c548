//! Work spread over the machine's cores (at most four), results in order.

/// `f` over `items` on up to four threads, results in order (code parsing:
/// tree-sitter costs tens of microseconds even for a small file, and a
/// monorepo holds hundreds). Below eight items it runs in place. Each thread
/// takes the next item when it is done with one, so a few large files do not
/// hold one thread while the others idle. When a thread panicked, the items
/// it had taken are missing and the rest keep their order (callers then redo
/// the work in place or leave those files unread, unknown).
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    if threads <= 1 || items.len() < 8 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let parts: Vec<Option<Vec<(usize, R)>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    });
    // a thread that panicked took its results with it: those items are missing
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, r) in parts.into_iter().flatten().flatten() {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(r);
        }
    }
    slots.into_iter().flatten().collect()
}
