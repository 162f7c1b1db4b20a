use super::*;
use proptest::prelude::*;
use std::collections::HashMap;

fn cfg(wait: f64, max_wait: Option<f64>, attempts: u32, delay: f64, factor: f64) -> Config {
    Config {
        wait,
        max_wait,
        attempts,
        delay,
        factor,
    }
}

fn deb(wait: f64) -> Debouncer {
    Debouncer::new(cfg(wait, None, 1, 0.0, 2.0)).unwrap()
}

#[test]
fn n_schedules_in_window_make_one_run() {
    let mut d = deb(100.0);
    assert_eq!(d.schedule(7, 0.0).unwrap(), Some(100.0));
    for t in 1..50 {
        // Later deadlines never ask for an earlier timer.
        assert_eq!(d.schedule(7, t as f64).unwrap(), None);
    }
    assert_eq!(d.next_deadline(), Some(149.0));
    assert!(d.take_due(148.0, 10).is_empty());
    assert_eq!(d.take_due(149.0, 10), vec![7]);
    assert!(d.take_due(10_000.0, 10).is_empty());
    assert_eq!(d.done(7, true, 150.0).unwrap(), Outcome::Idle);
    let s = d.stats();
    assert_eq!(
        (
            s.scheduled,
            s.coalesced,
            s.runs,
            s.succeeded,
            s.pending,
            s.running
        ),
        (50, 49, 1, 1, 0, 0)
    );
}

#[test]
fn schedule_during_run_makes_exactly_one_more_run_after_it() {
    let mut d = deb(100.0);
    d.schedule(1, 0.0).unwrap();
    assert_eq!(d.take_due(100.0, 1), vec![1]);
    assert_eq!(d.state(1), State::Running);
    d.schedule(1, 110.0).unwrap();
    d.schedule(1, 120.0).unwrap();
    assert_eq!(d.state(1), State::RunningDirty);
    assert!(d.has(1));
    // Never twice at once: the owed run is not due while the first one runs.
    assert!(d.take_due(250.0, 10).is_empty());
    // It ended after the window of the last schedule (120 + 100): due right away.
    assert_eq!(d.done(1, true, 300.0).unwrap(), Outcome::Again(300.0));
    assert_eq!(d.take_due(300.0, 10), vec![1]);
    assert_eq!(d.done(1, true, 301.0).unwrap(), Outcome::Idle);
    // Ended inside the window: due at last + wait.
    d.schedule(1, 400.0).unwrap();
    d.take_due(500.0, 1);
    d.schedule(1, 510.0).unwrap();
    assert_eq!(d.done(1, true, 520.0).unwrap(), Outcome::Again(610.0));
    // A re-schedule while the follow-up waits moves it on, as a plain debounce.
    d.schedule(1, 600.0).unwrap();
    assert_eq!(d.next_deadline(), Some(700.0));
    assert_eq!(d.stats().runs, 3);
}

#[test]
fn max_wait_bounds_the_delay_since_the_first_schedule() {
    let mut d = Debouncer::new(cfg(100.0, Some(250.0), 1, 0.0, 2.0)).unwrap();
    let mut t = 0.0;
    let mut fired = None;
    while t < 1000.0 {
        d.schedule(3, t).unwrap();
        if !d.take_due(t, 1).is_empty() {
            fired = Some(t);
            break;
        }
        t += 50.0;
    }
    assert_eq!(fired, Some(250.0));
    // maxWait below wait is raised to wait (lodash).
    let d = Debouncer::new(cfg(100.0, Some(10.0), 1, 0.0, 2.0)).unwrap();
    assert_eq!(d.config().max_wait, Some(100.0));
}

#[test]
fn retries_back_off_exponentially_then_give_up() {
    let mut d = Debouncer::new(cfg(10.0, None, 4, 100.0, 3.0)).unwrap();
    d.schedule(9, 0.0).unwrap();
    let mut now = 10.0;
    let mut waits = vec![];
    loop {
        assert_eq!(d.take_due(now, 1), vec![9]);
        match d.done(9, false, now).unwrap() {
            Outcome::Retry(at) => {
                waits.push(at - now);
                assert!(d.take_due(at - 1.0, 1).is_empty());
                now = at;
            }
            Outcome::GaveUp(None) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(waits, vec![100.0, 300.0, 900.0]);
    let s = d.stats();
    assert_eq!(
        (s.runs, s.failed, s.failed_attempts, s.retries, s.pending),
        (4, 1, 4, 3, 0)
    );
    assert_eq!(d.state(9), State::Idle);
}

#[test]
fn a_failure_with_schedules_during_the_run_keeps_the_follow_up() {
    let mut d = Debouncer::new(cfg(10.0, None, 1, 0.0, 2.0)).unwrap();
    d.schedule(2, 0.0).unwrap();
    d.take_due(10.0, 1);
    d.schedule(2, 12.0).unwrap();
    assert_eq!(d.done(2, false, 15.0).unwrap(), Outcome::GaveUp(Some(22.0)));
    assert!(d.has(2));
}

#[test]
fn concurrency_is_the_callers_max_and_earliest_go_first() {
    let mut d = deb(10.0);
    for id in 0..5 {
        d.schedule(id, id as f64).unwrap();
    }
    assert_eq!(d.take_due(100.0, 2), vec![0, 1]);
    assert_eq!(d.take_due(100.0, 2), vec![2, 3]);
    assert_eq!(d.running(), 4);
    assert_eq!(d.pending(), 1);
}

#[test]
fn force_cancel_and_take_all() {
    let mut d = Debouncer::new(cfg(1000.0, None, 3, 500.0, 2.0)).unwrap();
    d.schedule(1, 0.0).unwrap();
    d.schedule(2, 0.0).unwrap();
    d.schedule(3, 0.0).unwrap();
    assert_eq!(d.force(2, 5.0), Forced::Queued);
    assert_eq!(d.next_deadline(), Some(5.0));
    assert_eq!(d.take_due(5.0, 10), vec![2]);
    assert_eq!(d.force(2, 6.0), Forced::Running);
    d.schedule(2, 7.0).unwrap();
    assert_eq!(d.force(2, 8.0), Forced::AfterRun);
    assert_eq!(d.done(2, true, 9.0).unwrap(), Outcome::Again(9.0));
    assert!(d.cancel(3));
    assert!(!d.cancel(3));
    assert_eq!(d.force(3, 10.0), Forced::Nothing);
    let mut all = d.take_all(10.0);
    all.sort();
    assert_eq!(all, vec![1, 2]);
    assert_eq!(d.pending(), 0);
    // A retry waiting for its backoff is forced too.
    assert!(matches!(d.done(1, false, 11.0).unwrap(), Outcome::Retry(_)));
    assert_eq!(d.take_all(12.0), vec![1]);
}

#[test]
fn done_batch_and_cancel_all() {
    let mut d = deb(10.0);
    for id in 0..4 {
        d.schedule(id, 0.0).unwrap();
    }
    assert_eq!(d.take_due(10.0, 2), vec![0, 1]);
    d.schedule(1, 11.0).unwrap();
    assert_eq!(
        d.done_batch(&[0.0, 1.0, 1.0, 0.0], 12.0).unwrap(),
        vec![Outcome::Idle, Outcome::GaveUp(Some(21.0))]
    );
    assert!(d.done_batch(&[0.0, 1.0], 13.0).is_err());
    assert_eq!(d.take_due(21.0, 1), vec![2]);
    d.schedule(2, 22.0).unwrap();
    let mut idle = d.cancel_all();
    idle.sort();
    assert_eq!(idle, vec![1, 3]);
    assert_eq!(d.state(2), State::Running);
    assert_eq!(d.pending(), 0);
}

#[test]
fn the_clock_never_goes_back() {
    let mut d = deb(100.0);
    d.schedule(1, 1000.0).unwrap();
    d.schedule(2, 500.0).unwrap(); // treated as 1000
    assert_eq!(d.take_due(1100.0, 10), vec![1, 2]);
}

#[test]
fn bad_options_name_the_option() {
    for (c, name) in [
        (cfg(-1.0, None, 1, 0.0, 2.0), "wait"),
        (cfg(f64::NAN, None, 1, 0.0, 2.0), "wait"),
        (cfg(1.0, Some(f64::INFINITY), 1, 0.0, 2.0), "maxWait"),
        (cfg(1.0, None, 0, 0.0, 2.0), "retry.attempts"),
        (cfg(1.0, None, 2, -5.0, 2.0), "retry.delay"),
        (cfg(1.0, None, 2, 5.0, 0.5), "retry.factor"),
    ] {
        let e = Debouncer::new(c).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_SPEC");
        assert!(
            e.message().starts_with(&format!("options.{name} ")),
            "{}",
            e.message()
        );
    }
    // The numbers as JS gives them: attempts must be a whole number in range.
    let opts = |attempts: f64| Options {
        wait: 1.0,
        max_wait: None,
        attempts,
        delay: 0.0,
        factor: 2.0,
    };
    for bad in [0.0, 1.5, 1001.0, f64::NAN, f64::INFINITY] {
        let e = opts(bad).validate().unwrap_err();
        assert!(
            e.message().starts_with("options.retry.attempts "),
            "{}",
            e.message()
        );
    }
    assert_eq!(opts(3.0).validate().unwrap().attempts, 3);
    assert_eq!(
        Options {
            wait: -1.0,
            ..opts(1.0)
        }
        .validate()
        .unwrap_err()
        .message(),
        "options.wait must be a finite number of ms >= 0, got -1"
    );
    let mut d = deb(1.0);
    assert_eq!(d.done(4, true, 0.0).unwrap_err().code(), "ERR_INVALID_KEY");
    assert_eq!(
        d.schedule_batch(&[-1.0, 0.0]).unwrap_err().code(),
        "ERR_INVALID_KEY"
    );
    assert_eq!(
        d.schedule(u32::MAX, 0.0).unwrap_err().code(),
        "ERR_INVALID_KEY"
    );
}

#[test]
fn batch_equals_one_by_one() {
    let mut a = Debouncer::new(cfg(50.0, Some(120.0), 1, 0.0, 2.0)).unwrap();
    let mut b = a.clone();
    let pairs: Vec<f64> = (0..40)
        .flat_map(|i| [(i % 7) as f64, (i * 9) as f64])
        .collect();
    for p in pairs.chunks(2) {
        a.schedule(p[0] as u32, p[1]).unwrap();
    }
    assert_eq!(b.schedule_batch(&pairs).unwrap(), a.next_deadline());
    assert_eq!(a.take_due(1e9, 100), b.take_due(1e9, 100));
    assert_eq!(a.stats(), b.stats());
}

#[test]
fn interner_reuses_released_ids() {
    let mut i = Interner::new();
    assert_eq!(i.intern("a"), 0);
    assert_eq!(i.intern("b"), 1);
    assert_eq!(i.intern("a"), 0);
    i.release(0);
    assert_eq!(i.key(0), None);
    assert_eq!(i.intern("c"), 0);
    assert_eq!(i.key(0), Some("c"));
}

#[test]
fn slot_is_40_bytes() {
    assert_eq!(std::mem::size_of::<Slot>(), 40);
}

// ---- reference model -------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum MState {
    Pending,
    Running,
    Dirty,
}

#[derive(Debug, Clone, Copy)]
enum Due {
    Debounce,
    FollowUp(f64),
    Fixed(f64),
}

#[derive(Debug, Clone, Copy)]
struct MKey {
    st: MState,
    first: f64,
    last: f64,
    attempt: u32,
    due: Due,
    forced: bool,
}

/// Naive model: a map of keys, deadlines recomputed from scratch, linear scans.
struct Model {
    c: Config,
    keys: HashMap<u32, MKey>,
    now: f64,
    runs_of: HashMap<u32, u32>,
}

impl Model {
    fn new(mut c: Config) -> Model {
        c.max_wait = c.max_wait.map(|m| m.max(c.wait));
        Model {
            c,
            keys: HashMap::new(),
            now: f64::NEG_INFINITY,
            runs_of: HashMap::new(),
        }
    }
    fn clock(&mut self, now: f64) -> f64 {
        self.now = self.now.max(now);
        self.now
    }
    fn window(&self, k: &MKey) -> f64 {
        let d = k.last + self.c.wait;
        self.c.max_wait.map_or(d, |m| d.min(k.first + m))
    }
    fn deadline(&self, k: &MKey) -> Option<f64> {
        if k.st != MState::Pending {
            return None;
        }
        Some(match k.due {
            Due::Debounce => self.window(k),
            Due::FollowUp(floor) => self.window(k).max(floor),
            Due::Fixed(t) => t,
        })
    }
    fn schedule(&mut self, id: u32, now: f64) {
        let now = self.clock(now);
        match self.keys.get_mut(&id) {
            None => {
                self.keys.insert(
                    id,
                    MKey {
                        st: MState::Pending,
                        first: now,
                        last: now,
                        attempt: 0,
                        due: Due::Debounce,
                        forced: false,
                    },
                );
            }
            Some(k) => match k.st {
                MState::Pending => match k.due {
                    Due::Debounce => k.last = now,
                    Due::FollowUp(_) => {
                        k.last = now;
                        k.due = Due::FollowUp(now);
                    }
                    Due::Fixed(_) => {}
                },
                MState::Running => {
                    k.st = MState::Dirty;
                    k.first = now;
                    k.last = now;
                }
                MState::Dirty => k.last = now,
            },
        }
    }
    fn next_deadline(&self) -> Option<f64> {
        self.keys
            .values()
            .filter_map(|k| self.deadline(k))
            .reduce(f64::min)
    }
    fn due(&self, now: f64) -> Vec<(f64, u32)> {
        let mut v: Vec<(f64, u32)> = self
            .keys
            .iter()
            .filter_map(|(id, k)| self.deadline(k).filter(|d| *d <= now).map(|d| (d, *id)))
            .collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v
    }
    fn start(&mut self, id: u32) {
        let k = self.keys.get_mut(&id).unwrap();
        assert_eq!(k.st, MState::Pending, "started a key that was not pending");
        k.st = MState::Running;
        k.forced = false;
        *self.runs_of.entry(id).or_default() += 1;
    }
    fn done(&mut self, id: u32, ok: bool, now: f64) {
        let now = self.clock(now);
        let c = self.c;
        let k = self.keys.get_mut(&id).unwrap();
        let dirty = k.st == MState::Dirty;
        if !ok && k.attempt + 1 < c.attempts {
            k.attempt += 1;
            k.st = MState::Pending;
            k.due = Due::Fixed(now + c.backoff(k.attempt));
            k.forced = false;
            return;
        }
        k.attempt = 0;
        if dirty {
            k.st = MState::Pending;
            // A forced follow-up goes to the ready list (still "forced"), else it waits.
            k.due = if k.forced {
                Due::Fixed(now)
            } else {
                Due::FollowUp(now)
            };
        } else {
            self.keys.remove(&id);
        }
    }
    fn force(&mut self, id: u32, now: f64) {
        let now = self.clock(now);
        if let Some(k) = self.keys.get_mut(&id) {
            match k.st {
                MState::Pending => {
                    if !(k.forced) {
                        k.due = Due::Fixed(now);
                        k.forced = true;
                    }
                }
                MState::Dirty => k.forced = true,
                MState::Running => {}
            }
        }
    }
    fn cancel(&mut self, id: u32) -> bool {
        match self.keys.get(&id).map(|k| k.st) {
            Some(MState::Pending) => {
                self.keys.remove(&id);
                true
            }
            Some(MState::Dirty) => {
                let k = self.keys.get_mut(&id).unwrap();
                k.st = MState::Running;
                k.forced = false;
                true
            }
            _ => false,
        }
    }
    fn pending(&self) -> u64 {
        self.keys
            .values()
            .filter(|k| k.st != MState::Running)
            .count() as u64
    }
    fn running(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .keys
            .iter()
            .filter(|(_, k)| k.st != MState::Pending)
            .map(|(id, _)| *id)
            .collect();
        v.sort();
        v
    }
}

#[derive(Debug, Clone)]
enum Op {
    Schedule(u32, u16),
    Take(u16, u8),
    Done(u8, bool, u16),
    Force(u32, u16),
    ForceAll(u16),
    Cancel(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u32..8, 0u16..60).prop_map(|(i, dt)| Op::Schedule(i, dt)),
        3 => (0u16..200, 1u8..4).prop_map(|(dt, m)| Op::Take(dt, m)),
        3 => (any::<u8>(), any::<bool>(), 0u16..60).prop_map(|(i, ok, dt)| Op::Done(i, ok, dt)),
        1 => (0u32..8, 0u16..20).prop_map(|(i, dt)| Op::Force(i, dt)),
        1 => (0u16..20).prop_map(Op::ForceAll),
        1 => (0u32..8).prop_map(Op::Cancel),
    ]
}

fn config_strategy() -> impl Strategy<Value = Config> {
    (
        1u16..100,
        prop::option::of(0u16..300),
        1u32..4,
        0u16..100,
        1u8..4,
    )
        .prop_map(|(w, m, a, d, f)| cfg(w as f64, m.map(|m| m as f64), a, d as f64, f as f64))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The core against a naive model over random operation sequences: same deadlines, same
    /// due sets, earliest first under a limit, never two runs of one id at once.
    #[test]
    fn matches_the_naive_model(c in config_strategy(), ops in prop::collection::vec(op(), 1..120)) {
        let mut d = Debouncer::new(c).unwrap();
        let mut m = Model::new(c);
        let mut now = 0.0;
        for o in ops {
            match o {
                Op::Schedule(id, dt) => {
                    now += dt as f64;
                    d.schedule(id, now).unwrap();
                    m.schedule(id, now);
                }
                Op::Take(dt, max) => {
                    now += dt as f64;
                    let due = m.due(now);
                    let taken = d.take_due(now, max as usize);
                    prop_assert_eq!(taken.len(), due.len().min(max as usize));
                    let dl: HashMap<u32, f64> = due.iter().map(|(d, i)| (*i, *d)).collect();
                    let worst_taken = taken.iter().map(|i| dl[i]).fold(f64::NEG_INFINITY, f64::max);
                    for (dd, i) in &due {
                        if !taken.contains(i) {
                            prop_assert!(*dd >= worst_taken, "took a later key before an earlier one");
                        }
                    }
                    for id in taken {
                        prop_assert!(dl.contains_key(&id));
                        m.start(id);
                    }
                }
                Op::Done(pick, ok, dt) => {
                    now += dt as f64;
                    let running = m.running();
                    if running.is_empty() {
                        prop_assert!(d.done(pick as u32 % 8, ok, now).is_err());
                    } else {
                        let id = running[pick as usize % running.len()];
                        d.done(id, ok, now).unwrap();
                        m.done(id, ok, now);
                    }
                }
                Op::Force(id, dt) => {
                    now += dt as f64;
                    d.force(id, now);
                    m.force(id, now);
                }
                Op::ForceAll(dt) => {
                    now += dt as f64;
                    d.force_all(now);
                    for id in 0..8 { m.force(id, now); }
                }
                Op::Cancel(id) => {
                    prop_assert_eq!(d.cancel(id), m.cancel(id));
                }
            }
            prop_assert_eq!(d.next_deadline(), m.next_deadline());
            prop_assert_eq!(d.pending(), m.pending());
            prop_assert_eq!(d.running() as usize, m.running().len());
            for id in 0..8 {
                let ms = m.keys.get(&id).map(|k| k.st);
                let want = match ms {
                    None => State::Idle,
                    Some(MState::Pending) => State::Pending,
                    Some(MState::Running) => State::Running,
                    Some(MState::Dirty) => State::RunningDirty,
                };
                prop_assert_eq!(d.state(id), want);
            }
        }
    }

    /// Any N schedules of one key, each within `wait` of the previous one,
    /// make exactly one run, due `wait` after the last (or at first + maxWait).
    #[test]
    fn property_4_n_schedules_one_run(
        gaps in prop::collection::vec(0u16..100, 1..60),
        max_wait in prop::option::of(100u16..5000),
    ) {
        let wait = 100.0;
        let mut d = Debouncer::new(cfg(wait, max_wait.map(|m| m as f64), 1, 0.0, 2.0)).unwrap();
        let mut t = 0.0;
        let mut runs = 0;
        let mut first = None;
        for g in &gaps {
            t += *g as f64;
            // Anything due strictly before this schedule fires first (like the timer would).
            for id in d.take_due(t - 0.5, usize::MAX) {
                d.done(id, true, t - 0.5).unwrap();
                runs += 1;
            }
            d.schedule(42, t).unwrap();
            first.get_or_insert(t);
        }
        let due = d.next_deadline().unwrap();
        runs += d.take_due(f64::INFINITY, usize::MAX).len();
        match max_wait {
            None => { prop_assert_eq!(runs, 1); prop_assert_eq!(due, t + wait); }
            Some(m) => {
                // The delay since the first schedule of each run never exceeds maxWait.
                prop_assert!(runs >= 1);
                if t - first.unwrap() < m as f64 { prop_assert_eq!(runs, 1); }
                prop_assert!(due <= t + wait);
            }
        }
    }

    /// Never two runs of one id at once, whatever the interleaving; a schedule during a run
    /// makes exactly one more run after it.
    #[test]
    fn one_run_at_a_time_and_one_more_after(
        during in 1u32..20, wait in 0u16..50, end in 0u16..100,
    ) {
        let mut d = deb(wait as f64);
        d.schedule(5, 0.0).unwrap();
        prop_assert_eq!(d.take_due(wait as f64, 10), vec![5]);
        for i in 0..during {
            d.schedule(5, wait as f64 + i as f64).unwrap();
            prop_assert!(d.take_due(wait as f64 + i as f64, 10).is_empty());
        }
        let t_end = wait as f64 + during as f64 + end as f64;
        prop_assert!(matches!(d.done(5, true, t_end).unwrap(), Outcome::Again(_)));
        prop_assert_eq!(d.take_due(1e9, 10), vec![5]);
        prop_assert_eq!(d.done(5, true, 2e9).unwrap(), Outcome::Idle);
        prop_assert_eq!(d.stats().runs, 2);
    }

    /// Retry n waits delay * factor^(n-1), for attempts - 1 retries.
    #[test]
    fn retry_backoff(attempts in 1u32..8, delay in 0u16..1000, factor in 1u8..5) {
        let mut d = Debouncer::new(cfg(0.0, None, attempts, delay as f64, factor as f64)).unwrap();
        d.schedule(0, 0.0).unwrap();
        let mut now = 0.0;
        let mut n = 0;
        loop {
            prop_assert_eq!(d.take_due(now, 1), vec![0]);
            match d.done(0, false, now).unwrap() {
                Outcome::Retry(at) => {
                    n += 1;
                    prop_assert_eq!(at - now, delay as f64 * (factor as f64).powi(n - 1));
                    now = at;
                }
                Outcome::GaveUp(None) => break,
                o => prop_assert!(false, "unexpected {:?}", o),
            }
        }
        prop_assert_eq!(n as u32, attempts - 1);
    }
}

// ---- the measurement behind the module doc ---------------------------------------------

/// An indexed binary heap alone (the alternative to the two lists), for the comparison.
struct HeapOnly {
    heap: Vec<(f64, u32)>,
    pos: Vec<u32>,
}

impl HeapOnly {
    fn schedule(&mut self, id: u32, now: f64, wait: f64) {
        if id as usize >= self.pos.len() {
            self.pos.resize(id as usize + 1, NIL);
        }
        let d = now + wait;
        let mut i = if self.pos[id as usize] == NIL {
            self.heap.push((d, id));
            self.heap.len() - 1
        } else {
            let i = self.pos[id as usize] as usize;
            self.heap[i].0 = d;
            i
        };
        // increase-key: sift down (a fresh key sifts up).
        while i > 0 && self.heap[(i - 1) / 2].0 > self.heap[i].0 {
            self.heap.swap(i, (i - 1) / 2);
            self.pos[self.heap[i].1 as usize] = i as u32;
            i = (i - 1) / 2;
        }
        loop {
            let l = 2 * i + 1;
            if l >= self.heap.len() {
                break;
            }
            let r = l + 1;
            let c = if r < self.heap.len() && self.heap[r].0 < self.heap[l].0 {
                r
            } else {
                l
            };
            if self.heap[c].0 < self.heap[i].0 {
                self.heap.swap(i, c);
                self.pos[self.heap[i].1 as usize] = i as u32;
                i = c;
            } else {
                break;
            }
        }
        self.pos[id as usize] = i as u32;
    }
}

#[test]
#[ignore]
fn bench_lists_vs_heap() {
    use std::time::Instant;
    const KEYS: u32 = 100_000;
    const REPS: u32 = 10;
    let mut best = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..5 {
        let mut d = deb(5000.0);
        let t = Instant::now();
        let mut now = 0.0;
        for _ in 0..REPS {
            for id in 0..KEYS {
                now += 0.001;
                d.schedule_one(id, now);
            }
        }
        best.0 = best
            .0
            .min(t.elapsed().as_nanos() as f64 / (KEYS * REPS) as f64);
        let mut h = HeapOnly {
            heap: Vec::new(),
            pos: Vec::new(),
        };
        let t = Instant::now();
        let mut now = 0.0;
        for _ in 0..REPS {
            for id in 0..KEYS {
                now += 0.001;
                h.schedule(id, now, 5000.0);
            }
        }
        best.1 = best
            .1
            .min(t.elapsed().as_nanos() as f64 / (KEYS * REPS) as f64);
        let mut lazy = std::collections::BinaryHeap::new();
        let t = Instant::now();
        let mut now = 0.0f64;
        for _ in 0..REPS {
            for id in 0..KEYS {
                now += 0.001;
                lazy.push(std::cmp::Reverse(((now + 5000.0).to_bits(), id)));
            }
        }
        best.2 = best
            .2
            .min(t.elapsed().as_nanos() as f64 / (KEYS * REPS) as f64);
        assert_eq!(lazy.len(), (KEYS * REPS) as usize);
    }
    println!(
        "ns per schedule, 100k keys x 10: lists {:.1}, indexed heap {:.1}, lazy heap {:.1}",
        best.0, best.1, best.2
    );
}
