//! Sendmail message bodies: each input line is put behind a fixed
//! `sm-mta[1]: ` syslog header, so the fuzzer spends its time in the
//! Sendmail body parser (queue IDs, recipient lists, octal escapes, DSN and
//! reject lines), then the correlator and census. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body is `misdirect::fuzzing`, shared with the corpus replay that
// `cargo test` runs (tests/fuzz_replay.rs).
fuzz_target!(|data: &[u8]| {
    misdirect::fuzzing::run("sendmail", data);
});
