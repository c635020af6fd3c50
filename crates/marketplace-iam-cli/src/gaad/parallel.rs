//! The principals of an export, checked on every core in chunks, and handed on in the export's order.
//!
//! Each thread has its own state (a `Session`: its copies of the SCPs' preparations and of the repeated inline
//! documents; and what its writer keeps); the account's shared policies are prepared once, by whichever thread
//! needs them first. A batch is one chunk per
//! thread: the threads check their chunks side by side, then the chunks are handed on in order, so memory holds one
//! batch of output at a time.

use std::thread;

use super::account::{Account, Principal};
use crate::Unusable;

/// Principals per chunk: enough that starting a thread costs nothing beside checking them, few enough that a batch
/// of output stays small (a few megabytes of JSON).
const CHUNK: usize = 128;

/// How many threads to check principals on: the cores there are, at most eight.
pub(crate) fn threads() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Runs `work` on each principal whose position `wanted` accepts, appending to its chunk's output, on one thread per
/// state in `states`; gives `sink` every chunk's output in the export's order. The first error in that order is
/// returned; nothing after it is handed on.
pub(crate) fn in_order<'a, S, T, E>(
    account: &Account<'a>,
    states: &mut [S],
    wanted: impl Fn(usize) -> bool + Sync,
    work: impl Fn(&mut S, &Principal<'_, 'a>, &mut T) -> Result<(), Unusable> + Sync,
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    S: Send,
    T: Default + Send,
    E: From<Unusable>,
{
    let indices: Vec<usize> = (0..account.len()).filter(|&i| wanted(i)).collect();
    let chunk = |state: &mut S, positions: &[usize]| {
        let mut out = T::default();
        for &i in positions {
            work(state, &account.principal(i), &mut out)?;
        }
        Ok::<T, Unusable>(out)
    };
    let threads = states.len().max(1);
    for batch in indices.chunks(CHUNK * threads) {
        let outputs: Vec<Result<T, Unusable>> = if threads == 1 || batch.len() <= CHUNK {
            vec![chunk(&mut states[0], batch)]
        } else {
            thread::scope(|scope| {
                let running: Vec<_> = batch
                    .chunks(CHUNK)
                    .zip(states.iter_mut())
                    .map(|(positions, state)| scope.spawn(|| chunk(state, positions)))
                    .collect();
                running
                    .into_iter()
                    .map(|t| {
                        t.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            })
        };
        for output in outputs {
            sink(output?)?;
        }
    }
    Ok(())
}
