//! Input: finding the files to read, and reading them as whole lines of
//! decompressed bytes, hashing them on the way.
//!
//! Inputs are opened read-only and never written, renamed or touched.

pub mod compare;
pub mod decode;
pub mod discover;
pub mod inflate;
pub mod lines;
pub mod salvage;
pub mod utf16;
pub mod zstd_blocks;

pub use decode::Compression;
pub use discover::{discover, Discovery, InputKind, InputSpec};
pub use lines::{read_lines, LineStats, ReadReport};
