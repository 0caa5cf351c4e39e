//! journald JSON exports (`journalctl -o json`) of arbitrary bytes through
//! the parser, the correlator, the join and the census: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body is `misdirect::fuzzing`, shared with the corpus replay that
// `cargo test` runs (tests/fuzz_replay.rs).
fuzz_target!(|data: &[u8]| {
    misdirect::fuzzing::run("journal", data);
});
