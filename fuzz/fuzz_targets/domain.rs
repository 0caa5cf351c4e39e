//! Address splitting and domain normalisation: no panic, and normalising
//! twice gives the same result as once.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body is `misdirect::fuzzing`, shared with the corpus replay that
// `cargo test` runs (tests/fuzz_replay.rs).
fuzz_target!(|data: &[u8]| {
    misdirect::fuzzing::run("domain", data);
});
