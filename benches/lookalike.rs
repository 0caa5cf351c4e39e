//! Criterion benchmark of the lookalike engine at scale: 1,000,000
//! distinct observed domains against 50,000 named targets (the issue's
//! bar: under 10 s on 2 cores), plus building the index alone.
//!
//! Data are deterministic: targets are pseudo-random names under common
//! suffixes; a tenth of the observed domains are one-edit slips of
//! targets, the rest unrelated names.

use criterion::{criterion_group, criterion_main, Criterion};
use misdirect::lookalike::detect::{detect, NoLogs};
use misdirect::lookalike::TargetSpec;

const SUFFIXES: [&str; 8] = ["com", "net", "org", "co.uk", "mil", "de", "gov.uk", "fr"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn name(&mut self) -> String {
        let len = 5 + self.below(8);
        (0..len)
            .map(|_| (b'a' + self.below(26) as u8) as char)
            .collect()
    }
    fn domain(&mut self) -> String {
        format!(
            "{}.{}",
            self.name(),
            SUFFIXES[self.below(SUFFIXES.len() as u64) as usize]
        )
    }
}

fn data(targets: usize, observed: usize) -> (TargetSpec, NoLogs) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let domains: Vec<String> = (0..targets).map(|_| rng.domain()).collect();
    let mut obs = Vec::with_capacity(observed);
    for i in 0..observed {
        if i % 10 == 0 {
            // A slip: one letter of a target dropped, doubled or swapped.
            let t = &domains[rng.below(targets as u64) as usize];
            let mut b = t.clone().into_bytes();
            let at = rng.below(b.len() as u64 - 1) as usize;
            match rng.below(3) {
                0 => {
                    b.remove(at);
                }
                1 => b.insert(at, b[at]),
                _ => b.swap(at, at + 1),
            }
            obs.push(String::from_utf8(b).unwrap());
        } else {
            obs.push(rng.domain());
        }
    }
    obs.sort();
    obs.dedup();
    let spec = TargetSpec {
        domains,
        builtin: true,
        ..TargetSpec::default()
    };
    (spec, NoLogs(obs))
}

fn bench(c: &mut Criterion) {
    let (spec, names) = data(50_000, 1_000_000);
    let mut g = c.benchmark_group("lookalike");
    g.sample_size(10);
    g.bench_function("index 50k targets", |b| {
        b.iter(|| spec.matcher(std::iter::empty()).target_count())
    });
    g.bench_function("detect 1M observed x 50k targets", |b| {
        b.iter(|| detect(&spec, &names).len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
