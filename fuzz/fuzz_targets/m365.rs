//! Microsoft 365 message trace exports of arbitrary bytes: the first line is
//! the header row (so the fuzzer finds all three report kinds), the rest are
//! rows; through the parser, the correlator, the join and the census.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body is `misdirect::fuzzing`, shared with the corpus replay that
// `cargo test` runs (tests/fuzz_replay.rs).
fuzz_target!(|data: &[u8]| {
    misdirect::fuzzing::run("m365", data);
});
