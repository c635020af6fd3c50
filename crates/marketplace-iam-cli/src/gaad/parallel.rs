//! The principals of an export, checked on every core in chunks, and handed on in the export's order.
//!
//! Each thread has its own state (a `Session`: its copies of the SCPs' preparations and of the repeated inline
//! documents; and what its writer keeps); the account's shared policies are prepared once, by whichever thread
//! needs them first. The threads take the next chunk as soon as they are done with one, while the calling thread
//! hands the finished chunks on in order; a thread waits before starting a chunk more than [`AHEAD`] chunks past the
//! next one to hand on, so memory holds a few chunks of output at a time.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use super::account::{Account, Principal};
use crate::Unusable;

/// Principals per chunk: enough that handing a chunk over costs nothing beside checking it, few enough that the
/// chunks in flight stay small (about half a megabyte of JSON each on the benchmark export).
const CHUNK: usize = 32;

/// How many chunks past the next one to hand on a thread may start, per thread.
const AHEAD: usize = 2;

/// How many threads to check principals on: the cores there are, at most eight.
pub(crate) fn threads() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Where the threads and the calling thread meet: which chunks are taken, handed on and done, behind one lock, and
/// the condition they wait on for a change.
struct Handoff<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

struct State<T> {
    /// The next chunk a thread may take.
    next: usize,
    /// The next chunk to hand on.
    handed: usize,
    /// Finished chunks not yet handed on, by position.
    done: BTreeMap<usize, Result<T, Unusable>>,
    /// Set when the calling thread is done (every chunk handed on, an error, or a panic) or a thread panicked: no
    /// chunk is started after it.
    stop: bool,
}

impl<T> Handoff<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a change, the lock released meanwhile.
    fn wait<'g>(&self, state: MutexGuard<'g, State<T>>) -> MutexGuard<'g, State<T>> {
        self.changed
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the state and wakes every waiting thread.
    fn update(&self, change: impl FnOnce(&mut State<T>)) {
        change(&mut self.lock());
        self.changed.notify_all();
    }
}

/// Sets `stop` when dropped: on the calling thread always (it is done, returns an error or unwinds), on a checking
/// thread only when it unwinds; so that no thread waits for a chunk or a turn that will not come.
struct Stopper<'s, T> {
    handoff: &'s Handoff<T>,
    always: bool,
}

impl<T> Drop for Stopper<'_, T> {
    fn drop(&mut self) {
        if self.always || thread::panicking() {
            self.handoff.update(|s| s.stop = true);
        }
    }
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
    let chunks: Vec<&[usize]> = indices.chunks(CHUNK).collect();
    let chunk = |state: &mut S, positions: &[usize]| {
        let mut out = T::default();
        for &i in positions {
            work(state, &account.principal(i), &mut out)?;
        }
        Ok::<T, Unusable>(out)
    };
    if states.len() <= 1 || chunks.len() <= 1 {
        let Some(state) = states.first_mut() else {
            return Ok(());
        };
        for positions in chunks {
            sink(chunk(state, positions)?)?;
        }
        return Ok(());
    }

    let ahead = AHEAD * states.len();
    let handoff = Handoff {
        state: Mutex::new(State {
            next: 0,
            handed: 0,
            done: BTreeMap::new(),
            stop: false,
        }),
        changed: Condvar::new(),
    };
    thread::scope(|scope| {
        for state in states.iter_mut() {
            let (handoff, chunks, chunk) = (&handoff, &chunks, &chunk);
            scope.spawn(move || {
                let _stopper = Stopper {
                    handoff,
                    always: false,
                };
                loop {
                    let k = {
                        let mut s = handoff.lock();
                        while !s.stop && s.next < chunks.len() && s.next >= s.handed + ahead {
                            s = handoff.wait(s);
                        }
                        if s.stop || s.next >= chunks.len() {
                            return;
                        }
                        s.next += 1;
                        s.next - 1
                    };
                    let output = chunk(state, chunks[k]);
                    handoff.update(|s| {
                        s.done.insert(k, output);
                    });
                }
            });
        }
        let _stopper = Stopper {
            handoff: &handoff,
            always: true,
        };
        (|| {
            for k in 0..chunks.len() {
                let output = {
                    let mut s = handoff.lock();
                    loop {
                        if let Some(output) = s.done.remove(&k) {
                            break output;
                        }
                        if s.stop {
                            // A thread panicked: the scope passes its panic on.
                            return Ok(());
                        }
                        s = handoff.wait(s);
                    }
                };
                sink(output?)?;
                handoff.update(|s| s.handed = k + 1);
            }
            Ok(())
        })()
    })
}
