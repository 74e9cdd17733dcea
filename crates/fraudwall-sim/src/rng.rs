//! The generator's own random numbers: xoshiro256++ seeded through SplitMix64.
//!
//! Written here rather than taken from `rand` so that the bytes a seed gives never change with a
//! dependency's release. Every stream is derived from `(seed, stream, a, b)` (for instance the
//! day and the hour), so work split over threads draws exactly what one thread would.

/// Named streams, so that two parts of the generator never share draws.
pub mod stream {
    pub const SETUP: u64 = 1;
    pub const POPULATION: u64 = 2;
    pub const GANGS: u64 = 3;
    pub const FRAUD_DAY: u64 = 4;
    pub const HOUR: u64 = 5;
    pub const LISTS: u64 = 6;
    pub const SOCIAL: u64 = 7;
}

#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// The stream for `(seed, stream, a, b)`.
    pub fn derive(seed: u64, stream: u64, a: u64, b: u64) -> Rng {
        let mut state = seed;
        let mut mix = splitmix(&mut state);
        for part in [stream, a, b] {
            state ^= part.wrapping_mul(0xd6e8_feb8_6659_fd93) ^ mix;
            mix = splitmix(&mut state);
        }
        let mut s = [0u64; 4];
        for word in &mut s {
            *word = splitmix(&mut state);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let result = (self.s[0].wrapping_add(self.s[3]))
            .rotate_left(23)
            .wrapping_add(self.s[0]);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    #[inline]
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); `n` > 0.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in [lo, hi].
    #[inline]
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Standard normal (Box–Muller; one of the pair is dropped for simplicity).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with the given median and log-space standard deviation.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Exponential with the given mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.f64()).ln()
    }

    /// Poisson with mean `lambda` (Knuth below 30, a rounded normal above).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda < 30.0 {
            let limit = (-lambda).exp();
            let mut k = 0;
            let mut p = self.f64();
            while p > limit {
                k += 1;
                p *= self.f64();
            }
            k
        } else {
            (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u64
        }
    }

    /// An index drawn by cumulative weights (the last one is the total).
    pub fn weighted(&mut self, cumulative: &[f64]) -> usize {
        let total = *cumulative.last().expect("weights");
        let x = self.f64() * total;
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len() - 1)
    }
}

/// Cumulative sums of `weights`, for [`Rng::weighted`].
pub fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .into_iter()
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// Walker's alias table (Vose's construction): draws an index by weight in constant time.
#[derive(Debug, Clone)]
pub struct Alias {
    probability: Vec<f64>,
    alias: Vec<u32>,
    /// The sum of the weights.
    pub total: f64,
}

impl Alias {
    pub fn new(weights: &[f64]) -> Alias {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        let mut probability = vec![1.0; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        if n == 0 || total <= 0.0 {
            return Alias {
                probability,
                alias,
                total: 0.0,
            };
        }
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut small: Vec<u32> = Vec::new();
        let mut large: Vec<u32> = Vec::new();
        for (i, &p) in scaled.iter().enumerate() {
            if p < 1.0 {
                small.push(i as u32);
            } else {
                large.push(i as u32);
            }
        }
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            probability[s as usize] = scaled[s as usize];
            alias[s as usize] = l;
            scaled[l as usize] += scaled[s as usize] - 1.0;
            if scaled[l as usize] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // what is left is 1 up to rounding
        for i in small.into_iter().chain(large) {
            probability[i as usize] = 1.0;
        }
        Alias {
            probability,
            alias,
            total,
        }
    }

    #[inline]
    pub fn draw(&self, rng: &mut Rng) -> usize {
        let i = rng.below(self.probability.len() as u64) as usize;
        if rng.f64() < self.probability[i] {
            i
        } else {
            self.alias[i] as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = {
            let mut r = Rng::derive(7, stream::HOUR, 1, 2);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::derive(7, stream::HOUR, 1, 2);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = Rng::derive(7, stream::HOUR, 2, 1);
            (0..4).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn poisson_and_lognormal_have_their_moments() {
        let mut r = Rng::derive(1, 0, 0, 0);
        let n = 20_000;
        let mean = (0..n).map(|_| r.poisson(3.5) as f64).sum::<f64>() / n as f64;
        assert!((mean - 3.5).abs() < 0.1, "{mean}");
        let mean = (0..n).map(|_| r.poisson(80.0) as f64).sum::<f64>() / n as f64;
        assert!((mean - 80.0).abs() < 1.0, "{mean}");
        let mut v: Vec<f64> = (0..n).map(|_| r.lognormal(60.0, 1.0)).collect();
        v.sort_by(f64::total_cmp);
        let median = v[n / 2];
        assert!((median - 60.0).abs() < 4.0, "{median}");
    }

    #[test]
    fn alias_draws_by_weight() {
        let weights = [1.0, 0.0, 3.0, 6.0];
        let alias = Alias::new(&weights);
        let mut r = Rng::derive(2, 0, 0, 0);
        let mut counts = [0u32; 4];
        for _ in 0..100_000 {
            counts[alias.draw(&mut r)] += 1;
        }
        assert_eq!(counts[1], 0);
        for (c, w) in counts.iter().zip(weights) {
            assert!(
                (f64::from(*c) / 100_000.0 - w / 10.0).abs() < 0.01,
                "{counts:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn below_stays_below(seed: u64, n in 1u64..1_000_000) {
            let mut r = Rng::derive(seed, 0, 0, 0);
            for _ in 0..16 {
                proptest::prop_assert!(r.below(n) < n);
            }
        }

        #[test]
        fn weighted_picks_only_positive_weights(seed: u64, zero in 0usize..4) {
            let weights: Vec<f64> = (0..4).map(|i| if i == zero { 0.0 } else { 1.0 }).collect();
            let cumulative = cumulative(weights);
            let mut r = Rng::derive(seed, 0, 0, 0);
            for _ in 0..32 {
                proptest::prop_assert_ne!(r.weighted(&cumulative), zero);
            }
        }
    }
}
