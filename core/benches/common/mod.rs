//! A small timing harness: runs a closure many times and reports median and p99.

use std::time::{Duration, Instant};

pub struct Stats {
    pub median: Duration,
    pub p99: Duration,
    pub runs: usize,
}

pub fn measure(runs: usize, mut f: impl FnMut()) -> Stats {
    for _ in 0..runs.min(50) {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    Stats {
        median: times[runs / 2],
        p99: times[(runs * 99 / 100).min(runs - 1)],
        runs,
    }
}

pub fn report(name: &str, s: &Stats) {
    println!(
        "{name:<44} median {:>9.3} ms   p99 {:>9.3} ms   ({} runs)",
        s.median.as_secs_f64() * 1e3,
        s.p99.as_secs_f64() * 1e3,
        s.runs
    );
}
