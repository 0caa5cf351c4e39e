//! Arbitrary bytes (often with a compression magic number in front) through
//! decompression and line cutting, in both threading modes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use misdirect::input::decode::RawReader;
use misdirect::input::lines::{read_lines, LineHandler};
use misdirect::progress::Counter;

struct Count(u64);

impl LineHandler for Count {
    fn begin(&mut self, _head: &[u8]) {}
    fn line(&mut self, line: &[u8], _n: u64, _nul: bool) {
        self.0 += line.len() as u64;
    }
    fn too_long(&mut self, _n: u64) {}
}

fuzz_target!(|data: &[u8]| {
    for pipeline in [false, true] {
        let raw = RawReader::new(std::io::Cursor::new(data.to_vec()), Counter::none());
        let _ = read_lines(raw, pipeline, &mut Count(0));
    }
});
