#!/usr/bin/env bash
# Coverage-guided fuzzing of every target in fuzz/fuzz_targets with cargo-fuzz
# (libFuzzer, AddressSanitizer), SECONDS each, seeded with the target's
# committed corpus (fuzz/corpus/TARGET/ or fuzz/corpus/TARGET.tar.xz) and the
# repository's fixtures of its format. CI runs it for a short time; a crash fails the run and its input is
# printed in base64, so that it can be replayed from the log alone.
#
#   scripts/fuzz.sh [SECONDS [TARGET...]]     (default: 15 seconds, every target)
#
# It needs no nightly toolchain: RUSTC_BOOTSTRAP=1 lets the stable compiler
# take the sanitizer flags, as OSS-Fuzz does. The fuzz crate builds misdirect
# without polars (its `parquet` feature), which the targets never reach.
# Nothing in the clone is changed: new corpus entries go to a temporary
# folder (FUZZ_KEEP=DIR keeps them there instead).
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-15}"
shift || true
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in fuzz/fuzz_targets/*.rs; do
        targets+=("$(basename "$f" .rs)")
    done
fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz from crates.io" >&2
    # Built in a folder of its own, not in a CARGO_TARGET_DIR shared with misdirect.
    env -u CARGO_TARGET_DIR cargo install --quiet --locked cargo-fuzz --version 0.13.1
fi
export RUSTC_BOOTSTRAP=1

work="${FUZZ_KEEP:-}"
if [ -z "$work" ]; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
fi

# The fixtures each target starts from, besides its committed corpus (the
# same as tests/fuzz_replay.rs), cut to 8 KiB so that runs stay fast.
seeds() {
    case "$1" in
        syslog_postfix | read_lines) ls samples/postfix/* tests/data/postfix/* ;;
        sendmail) echo samples/sendmail/maillog ;;
        exim) echo samples/exim/mainlog ;;
        exchange) ls tests/data/exchange/* ;;
        m365) ls tests/data/m365/* ;;
        journal) ls tests/data/journal/* ;;
        *) ;;
    esac
}

(cd fuzz && cargo fuzz build -O --sanitizer address >&2)

status=0
for t in "${targets[@]}"; do
    corpus="$work/corpus/$t"
    artifacts="$work/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "fuzz/corpus/$t" ]; then
        cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
    fi
    # Corpora the fuzzers grew, minimised, as one archive each (thousands of
    # small files, a tenth of the size compressed).
    if [ -f "fuzz/corpus/$t.tar.xz" ]; then
        tar -xJf "fuzz/corpus/$t.tar.xz" -C "$work/corpus"
    fi
    while read -r f; do
        [ -f "$f" ] && head -c 8192 "$f" >"$corpus/fixture-$(echo "$f" | tr / _)"
    done < <(seeds "$t")
    log="$work/$t.log"
    if (cd fuzz && cargo fuzz run -O --sanitizer address "$t" "$corpus" -- \
        -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 \
        -artifact_prefix="$artifacts/" -print_final_stats=1) >"$log" 2>&1; then
        runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
        edges="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')"
        echo "fuzz: $t: ${secs} s, $runs runs, $edges edges, no crash"
    else
        status=1
        echo "fuzz: $t FAILED; the end of its log:" >&2
        tail -n 40 "$log" >&2
        for a in "$artifacts"/*; do
            [ -f "$a" ] || continue
            echo "fuzz: $t: input $(basename "$a") (base64):" >&2
            base64 -w 0 "$a" >&2
            echo >&2
        done
    fi
done
exit "$status"
