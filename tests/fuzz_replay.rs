//! The fuzz targets on stable, in every CI run: each target's committed
//! corpus (`fuzz/corpus/TARGET`), and the repository's fixtures of its
//! format, each also with seeded random mutations (bytes flipped, inserted,
//! cut, duplicated, digits made absurd, lines split). Not coverage-guided
//! like `cargo fuzz` (RELIABILITY.md), but every run replays what the
//! fuzzers found and a few thousand inputs near real logs.

use std::fs;
use std::path::PathBuf;

use misdirect::fuzzing;

use crate::util::*;

/// Bytes kept of each seed: mutations stay fast.
const SEED_BYTES: usize = 8 * 1024;
const MUTANTS: usize = 24;
/// Mutations of each corpus input (there are thousands of them).
const CORPUS_MUTANTS: usize = 2;

fn files_in(dir: PathBuf) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A target's committed corpus: what the fuzzers kept, thousands of
/// inputs for a parser (a folder, or a `.tar.xz` of one), each replayed as
/// it is and mutated a little.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = root().join("fuzz/corpus");
    let mut inputs: Vec<Vec<u8>> = files_in(dir.join(target))
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    let archive = dir.join(format!("{target}.tar.xz"));
    if archive.exists() {
        let xz = liblzma::read::XzDecoder::new(fs::File::open(&archive).unwrap());
        let mut tar = tar::Archive::new(xz);
        let mut entries: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for e in tar.entries().unwrap() {
            let mut e = e.unwrap();
            if e.header().entry_type().is_file() {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
                entries.push((e.path().unwrap().into_owned(), bytes));
            }
        }
        assert!(!entries.is_empty(), "{}: empty", archive.display());
        entries.sort();
        inputs.extend(entries.into_iter().map(|(_, b)| b));
    }
    inputs
}

/// The seeds of a target: the fixtures in its format, each also mutated.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    match target {
        "syslog_postfix" | "read_lines" => {
            paths.extend(files_in(root().join("samples/postfix")));
            paths.extend(files_in(data("postfix")));
        }
        "sendmail" => paths.push(root().join("samples/sendmail/maillog")),
        "exim" => paths.push(root().join("samples/exim/mainlog")),
        "exchange" => paths.extend(files_in(data("exchange"))),
        "m365" => paths.extend(files_in(data("m365"))),
        "journal" => paths.extend(files_in(data("journal"))),
        "domain" => {}
        _ => panic!("no seeds for {target}"),
    }
    let mut v: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| {
            let mut b = fs::read(p).unwrap();
            b.truncate(SEED_BYTES);
            b
        })
        .collect();
    if target == "domain" {
        for d in [
            "a@army.mil",
            "\"x y\"@xn--gmil-63d.com",
            "b@GMAIL.com.",
            "@",
            "c@[192.0.2.1]",
            "d@ärmy.ml",
        ] {
            v.push(d.as_bytes().to_vec());
        }
    }
    v
}

fn mutate(seed: &[u8], rng: &mut fastrand::Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..rng.usize(1..8) {
        let at = if b.is_empty() {
            0
        } else {
            rng.usize(..b.len())
        };
        match rng.u8(..6) {
            0 if !b.is_empty() => b[at] ^= 1 << rng.u8(..8),
            1 => b.insert(at, rng.u8(..)),
            2 => {
                let end = (at + rng.usize(..64)).min(b.len());
                b.drain(at..end);
            }
            3 => {
                let end = (at + rng.usize(..256)).min(b.len());
                let copy = b[at..end].to_vec();
                b.splice(at..at, copy);
            }
            4 => {
                b.splice(at..at, b"99999999999999999999".iter().copied());
            }
            _ => b.insert(at, b'\n'),
        }
    }
    b
}

#[test]
fn every_fuzz_target_survives_its_corpus_and_mutations() {
    let mut rng = fastrand::Rng::with_seed(0x6d69_7364);
    let mut runs = 0;
    for target in fuzzing::TARGETS {
        for input in corpus(target) {
            assert!(fuzzing::run(target, &input));
            for _ in 0..CORPUS_MUTANTS {
                fuzzing::run(target, &mutate(&input, &mut rng));
            }
            runs += 1 + CORPUS_MUTANTS;
        }
        let seeds = seeds(target);
        assert!(!seeds.is_empty(), "{target}: no seeds");
        for seed in &seeds {
            assert!(fuzzing::run(target, seed));
            for _ in 0..MUTANTS {
                let m = mutate(seed, &mut rng);
                fuzzing::run(target, &m);
                runs += 1;
            }
        }
    }
    assert!(runs > 2000, "{runs} runs");
    assert!(!fuzzing::run("no-such-target", b""));
}

/// Every target in `fuzz/fuzz_targets` is replayed here (or takes
/// structured input: `decompress`, whose promise `properties.rs` checks).
#[test]
fn every_fuzz_target_is_replayed() {
    for p in files_in(root().join("fuzz/fuzz_targets")) {
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            name == "decompress" || fuzzing::TARGETS.contains(&name.as_str()),
            "{name} is not replayed"
        );
    }
}
