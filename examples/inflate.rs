//! Baseline for the benchmarks: decompress gzip files in parallel to nowhere,
//! with the same flate2 backend (zlib-rs), the same rayon thread pool and the
//! same read sizes as `misdirect scan`, doing nothing else. This is the
//! physical limit `misdirect scan` is measured against in BENCHMARKS.md.
//!
//! Usage: cargo run --release --example inflate -- [-j N] FILE...

use std::fs::File;
use std::io::{BufReader, Read};

use rayon::prelude::*;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if args.first().map(String::as_str) == Some("-j") {
        threads = args[1].parse().expect("-j N");
        args.drain(..2);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let total: u64 = pool.install(|| {
        args.par_iter()
            .with_max_len(1)
            .map(|path| {
                let file = BufReader::with_capacity(256 * 1024, File::open(path).expect(path));
                let mut dec = flate2::bufread::MultiGzDecoder::new(file);
                let mut buf = vec![0u8; 1 << 20];
                let mut n = 0u64;
                loop {
                    match dec.read(&mut buf).expect(path) {
                        0 => break,
                        k => n += k as u64,
                    }
                }
                n
            })
            .sum()
    });
    println!("{total} bytes decompressed");
}
