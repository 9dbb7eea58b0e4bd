//! The time limit of the unit this thread is processing (`--file-timeout`),
//! where the parsers, the adapters and the Terraform evaluator can see it:
//! their loops over documents' nodes, resources and instances ask
//! [`passed`] and stop when it says so, so a pathological file is stopped
//! inside parse and adapt, not only between rules (ADR 0044).
//!
//! The limit is per thread, not a parameter: a unit is processed start to
//! finish on one worker thread, and threading a deadline through every
//! parser and adapter signature (and their many callers that have no limit:
//! tests, `faasguard model`, conftest's raw documents) would change them all
//! for one check. [`Limit`] sets it for one unit and clears it when the unit
//! is done, so nothing outside a unit is ever stopped.

use std::cell::Cell;
use std::time::Instant;

use crate::source::Span;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Once the time is out it stays out for the unit (the clock is not
    /// read again, and every loop on the way out stops at once).
    static PASSED: Cell<bool> = const { Cell::new(false) };
    /// Calls of [`passed_sampled`] since the last clock reading.
    static TICKS: Cell<u32> = const { Cell::new(0) };
    /// Where the first loop that found the time out was.
    static AT: Cell<Option<Span>> = const { Cell::new(None) };
}

/// How many [`passed_sampled`] calls read the clock once: per-node loops
/// run millions of times, and a node takes well under a microsecond.
const SAMPLE: u32 = 256;

/// The limit of one unit on this thread, from [`Limit::set`] until dropped.
#[derive(Debug)]
pub struct Limit(());

impl Limit {
    /// Bound this thread's work until the guard is dropped (`None`: no
    /// bound).
    pub fn set(deadline: Option<Instant>) -> Limit {
        reset(deadline);
        Limit(())
    }
}

impl Drop for Limit {
    fn drop(&mut self) {
        reset(None);
    }
}

fn reset(deadline: Option<Instant>) {
    DEADLINE.set(deadline);
    PASSED.set(false);
    TICKS.set(0);
    AT.set(None);
}

/// Whether the current unit's time is out (never, without a [`Limit`]).
/// Reads the clock: for loops whose steps are large (a resource, an
/// instance). `at` is where the caller is, remembered by the first call
/// that finds the time out ([`stopped_at`]).
pub fn passed(at: Span) -> bool {
    if PASSED.get() {
        return true;
    }
    let Some(deadline) = DEADLINE.get() else {
        return false;
    };
    if Instant::now() < deadline {
        return false;
    }
    PASSED.set(true);
    AT.set(Some(at));
    true
}

/// [`passed`], reading the clock only on every 256th call: for loops over
/// single nodes.
pub fn passed_sampled(at: impl FnOnce() -> Span) -> bool {
    if PASSED.get() {
        return true;
    }
    if DEADLINE.get().is_none() {
        return false;
    }
    let ticks = TICKS.get() + 1;
    if ticks < SAMPLE {
        TICKS.set(ticks);
        return false;
    }
    TICKS.set(0);
    passed(at())
}

/// Whether a loop of the current unit stopped because its time was out,
/// and where: the place of the node, resource or block it was at.
pub fn stopped_at() -> Option<Span> {
    if PASSED.get() {
        AT.get()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn at(n: u32) -> Span {
        Span::new(FileId(0), n as usize, n as usize)
    }

    #[test]
    fn nothing_stops_without_a_limit_and_after_it() {
        assert!(!passed(at(1)));
        {
            let _limit = Limit::set(Some(Instant::now()));
            assert!(passed(at(2)));
            // The first place that saw it is kept.
            assert!(passed(at(3)));
            assert_eq!(stopped_at(), Some(at(2)));
        }
        assert!(!passed(at(4)));
        assert_eq!(stopped_at(), None);
    }

    #[test]
    fn sampled_checks_read_the_clock_every_256th_call() {
        let _limit = Limit::set(Some(Instant::now()));
        for _ in 0..SAMPLE - 1 {
            assert!(!passed_sampled(|| at(9)));
        }
        assert!(passed_sampled(|| at(7)));
        assert_eq!(stopped_at(), Some(at(7)));
    }

    #[test]
    fn a_limit_not_reached_stops_nothing() {
        let _limit = Limit::set(Some(Instant::now() + std::time::Duration::from_secs(3600)));
        assert!(!passed(at(1)));
        assert!((0..1000).all(|_| !passed_sampled(|| at(1))));
        assert_eq!(stopped_at(), None);
    }
}
