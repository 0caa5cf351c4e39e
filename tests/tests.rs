//! Integration tests: the `misdirect` binary run on real and hand-made logs.
//! One binary (see Cargo.toml); each module is one area.

// Exact per-domain counts on logs captured from a real Postfix.
mod real_postfix;
// Hand-made fixtures for the edge cases: years, compression, damage.
mod fixtures;
// Same reports whatever the thread count or the order of the paths.
mod reproducibility;
// Damaged archives: every line before the damage counted, the rest located.
mod damaged;
// FIFOs, devices, link loops, unopenable, changing and many small files.
mod inputs;
// Formulas, HTML, escape sequences, absurd sizes, forged queue IDs.
mod hostile;
// Read-only and full report folders, SIGINT and SIGTERM.
mod faults;
// Exit statuses and usage errors.
mod cli;
// Property tests: parsers never panic, normalisation is idempotent.
mod properties;
// The lookalike engine: samples, peer test suites, match and permute.
mod lookalike;
// The leak reports: clusters, patterns, events, redaction, filters.
mod leak;
// Exim main logs end to end.
mod exim;
// Sendmail syslogs end to end.
mod sendmail;
// Exchange message tracking end to end.
mod exchange;
// Microsoft 365 message trace exports end to end.
mod m365;
// Synthetic archives and their ground truth.
mod synth;
// Who received the leaked mail: receiving servers, groups, catch-alls.
mod receivers;
// What it was: subjects in every format, protective markings, redaction.
mod subjects;
// The fuzz targets' corpora and seeded mutations, on stable.
mod fuzz_replay;
mod util;
