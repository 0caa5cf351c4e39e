//! misdirect: mail-log forensics for mail sent to lookalike domains.
//!
//! The pipeline, stage by stage: [`input`] finds and decompresses logs,
//! [`parse`] turns lines into events, [`correlate`] joins them into
//! messages, [`aggregate`] counts them, [`report`] writes the results.
//! [`scan`] runs the stages over many files in parallel; [`app`] ties it to
//! the command line ([`cli`] -> [`config`]). [`synth`] makes synthetic
//! archives with their ground truth, for benchmarks and accuracy tests.

pub mod aggregate;
pub mod alloc;
pub mod app;
pub mod cli;
pub mod config;
pub mod correlate;
pub mod domain;
#[doc(hidden)]
pub mod fuzzing;
pub mod input;
pub mod interrupt;
pub mod leak;
pub mod lookalike;
pub mod parse;
pub mod progress;
pub mod report;
pub mod scan;
pub mod synth;
pub mod time;
