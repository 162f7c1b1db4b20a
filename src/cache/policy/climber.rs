//! The hill climber that sizes W-TinyLFU's admission window, after Caffeine's reactive
//! climber (`WindowClimber.ReactiveClimber`): sample the hit rate over a period of requests;
//! keep moving the window the same way while the hit rate holds or improves, reverse when
//! it drops; shrink the step by a decay factor each sample, and restart it at full size when
//! the hit rate moves by 5 points or more (a change of workload).
//!
//! Caffeine's newer density climber (for caches above 4096 entries) is not ported: the
//! hit-rate law reaches the targets on the shipped traces (see docs/cache-policy.md).

/// A change of hit rate this large (absolute) reads as a new workload: the step restarts.
const RESTART_THRESHOLD: f64 = 0.05;
/// A restarted step, as a fraction of the maximum.
const STEP_PERCENT: f64 = 0.0625;
/// The smallest restarted step (so a small cache can move at all).
const MIN_INITIAL_STEP: f64 = 2.0;
/// Step decay per sample.
const STEP_DECAY: f64 = 0.98;
/// At or below this maximum the window is a few entries: adapt slowly, open by growing.
const SLOW_ADAPT_THRESHOLD: u64 = 512;
/// Step decay per sample for small caches.
const SLOW_ADAPT_DECAY: f64 = 0.995;
/// How far a small cache's sample period may stretch as its step decays.
const SLOW_ADAPT_RATIO_CAP: f64 = 4.0;

/// Hit-rate hill climber: call [`HillClimber::record_hit`] / [`HillClimber::record_miss`]
/// per request and [`HillClimber::adjust`] after each maintenance; a completed sample
/// returns by how much (in weight units) to grow (positive) or shrink the window.
#[derive(Debug, Clone)]
pub struct HillClimber {
    maximum: u64,
    hits: u64,
    misses: u64,
    previous_hit_rate: f64,
    step: f64,
}

impl HillClimber {
    /// A climber for a cache of `maximum` weight units.
    pub fn new(maximum: u64) -> HillClimber {
        let magnitude = restart_magnitude(maximum);
        HillClimber {
            maximum,
            hits: 0,
            misses: 0,
            previous_hit_rate: 0.0,
            step: if maximum <= SLOW_ADAPT_THRESHOLD {
                magnitude
            } else {
                -magnitude
            },
        }
    }

    /// Records a hit.
    pub fn record_hit(&mut self) {
        self.hits += 1;
    }

    /// Records a miss (an insert).
    pub fn record_miss(&mut self) {
        self.misses += 1;
    }

    /// Discards the current sample (while the sketch is not yet warm).
    pub fn reset_sample(&mut self) {
        self.hits = 0;
        self.misses = 0;
        self.previous_hit_rate = 0.0;
    }

    /// The requests in one sample: the sketch's sample size, stretched up to 4× for a small
    /// cache as its step decays.
    fn sample_period(&self, sketch_sample: u64) -> u64 {
        if self.maximum > SLOW_ADAPT_THRESHOLD {
            return sketch_sample;
        }
        let initial = STEP_PERCENT * self.maximum as f64;
        let magnitude = self.step.abs().max(initial / SLOW_ADAPT_RATIO_CAP);
        if magnitude == 0.0 {
            return sketch_sample;
        }
        let ratio = (initial / magnitude).clamp(1.0, SLOW_ADAPT_RATIO_CAP);
        (sketch_sample as f64 * ratio) as u64
    }

    /// When a sample is complete, closes it and returns the window adjustment (weight
    /// units, positive grows the window); `None` while the sample is still filling.
    pub fn adjust(&mut self, sketch_sample: u64) -> Option<i64> {
        let requests = self.hits + self.misses;
        if requests == 0 || requests < self.sample_period(sketch_sample) {
            return None;
        }
        let hit_rate = self.hits as f64 / requests as f64;
        let change = hit_rate - self.previous_hit_rate;
        let amount = if change >= 0.0 { self.step } else { -self.step };
        let decay = if self.maximum <= SLOW_ADAPT_THRESHOLD {
            SLOW_ADAPT_DECAY
        } else {
            STEP_DECAY
        };
        self.step = if change.abs() >= RESTART_THRESHOLD {
            restart_magnitude(self.maximum).copysign(amount)
        } else {
            decay * amount
        };
        self.previous_hit_rate = hit_rate;
        self.hits = 0;
        self.misses = 0;
        Some(amount as i64)
    }
}

fn restart_magnitude(maximum: u64) -> f64 {
    (STEP_PERCENT * maximum as f64).max(MIN_INITIAL_STEP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(c: &mut HillClimber, hits: u64, misses: u64, period: u64) -> Option<i64> {
        for _ in 0..hits {
            c.record_hit();
        }
        for _ in 0..misses {
            c.record_miss();
        }
        c.adjust(period)
    }

    #[test]
    fn waits_for_a_full_sample() {
        let mut c = HillClimber::new(10_000);
        assert_eq!(sample(&mut c, 10, 10, 100), None);
        assert!(sample(&mut c, 40, 40, 100).is_some());
    }

    #[test]
    fn large_cache_opens_by_shrinking_then_follows_the_hit_rate() {
        let mut c = HillClimber::new(10_000);
        // First sample: the rate rose from 0, keep the opening direction (shrink 625).
        assert_eq!(sample(&mut c, 50, 50, 100), Some(-625));
        // Rate dropped by 10 points: reverse, and the step restarts at full size.
        assert_eq!(sample(&mut c, 40, 60, 100), Some(625));
        // Rate up by 1 point: keep going, the step decays by 2 %.
        assert_eq!(sample(&mut c, 41, 59, 100), Some(625));
        assert_eq!(sample(&mut c, 41, 59, 100), Some(612));
    }

    #[test]
    fn small_cache_opens_by_growing() {
        let mut c = HillClimber::new(100);
        assert_eq!(sample(&mut c, 50, 50, 100), Some(6));
    }
}
