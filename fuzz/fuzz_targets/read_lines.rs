//! Arbitrary bytes (often with a compression magic number in front) through
//! decompression and line cutting, in both threading modes.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body is `misdirect::fuzzing`, shared with the corpus replay that
// `cargo test` runs (tests/fuzz_replay.rs).
fuzz_target!(|data: &[u8]| {
    misdirect::fuzzing::run("read_lines", data);
});
