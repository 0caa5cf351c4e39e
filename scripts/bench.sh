#!/usr/bin/env bash
# bench.sh - the benchmarks of BENCHMARKS.md in one command.
#
# USAGE
#   scripts/bench.sh [quick|full]    (default quick: 256 MiB, a few minutes;
#                                     full: 2 GiB, plus memory at 1, 5 and 20 GiB)
#   BENCH_DIR (default /var/tmp/misdirect-bench) keeps the generated data between
#   runs; MISDIRECT and INFLATE pick the binaries (default: the release build
#   under ${CARGO_TARGET_DIR:-target}; both are built if missing).
#
# WHAT IT MEASURES (hyperfine and /usr/bin/time -v; the machine is printed first)
#   1. Throughput of `misdirect scan` against plain parallel decompression of the
#      same gzip files (examples/inflate.rs: flate2/zlib-rs, the same rayon pool
#      and read sizes), with 1 and 2 threads, in the same hyperfine run.
#   2. Against pflogsumm (Postfix) and eximstats (Exim) on the same plain log, when
#      they are installed (pflogsumm from Debian; eximstats as
#      scripts/compare-eximstats.sh fetches it).
#   3. Peak memory of a scan as the archive grows (full: 1, 5 and 20 GiB, the last
#      made of ten relays' logs by scripts/make-relays.sh; quick: 64 and 256 MiB).
# Data: scripts/gen-postfix-log.py (Postfix and Exim), made once into BENCH_DIR.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=${CARGO_TARGET_DIR:-$REPO/target}
M=${MISDIRECT:-$T/release/misdirect}
I=${INFLATE:-$T/release/examples/inflate}
B=${BENCH_DIR:-/var/tmp/misdirect-bench}
MODE=${1:-quick}
case $MODE in
  quick) MB=256; FILES=16; SIZES=(64 256) ;;
  full) MB=2048; FILES=64; SIZES=(1024 5120 20480) ;;
  *) echo "usage: $0 [quick|full]" >&2; exit 2 ;;
esac
[[ -x $M ]] || (cd "$REPO" && cargo build --release)
[[ -x $I ]] || (cd "$REPO" && cargo build --release --example inflate)
mkdir -p "$B"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "## Machine"
echo "$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(free -g | awk '/Mem:/ {print $2}') GiB RAM; $(uname -sr)"
echo "misdirect $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?'); $(date -u +%FT%TZ)"

gen() { # gen DIR MB FILES [extra args]; DIR.complete marks a finished one
  local dir=$1; shift
  [[ -f $dir.complete ]] && return
  rm -rf "$dir" && mkdir -p "$dir"
  python3 "$REPO/scripts/gen-postfix-log.py" --out "$dir" --mb "$1" --files "$2" "${@:3}" >/dev/null 2>&1
  touch "$dir.complete"
}

echo; echo "## 1. Scan against decompression ($MB MiB of gzip logs)"
gen "$B/gz$MB" "$MB" "$FILES"
hyperfine -w 1 -r 5 \
  -n "inflate -j2" "$I -j 2 $B/gz$MB/*" -n "scan -j2" "$M scan -j2 -q --force -o $OUT/s $B/gz$MB" \
  -n "inflate -j1" "$I -j 1 $B/gz$MB/*" -n "scan -j1" "$M scan -j1 -q --force -o $OUT/s $B/gz$MB" \
  --export-markdown "$OUT/t1.md" >/dev/null
cat "$OUT/t1.md"

echo; echo "## 2. Against pflogsumm and eximstats (one plain log)"
gen "$B/plain$((MB / 8))" $((MB / 8)) 1 --plain
PLAIN=$(ls "$B/plain$((MB / 8))"/* | head -1)
gen "$B/exim$((MB / 8))" $((MB / 8)) 1 --plain --exim
EXIM=$(ls "$B/exim$((MB / 8))"/* | head -1)
cmds=(-n "scan -j2 (postfix)" "$M scan -j2 -q --force -o $OUT/p $PLAIN")
if command -v pflogsumm >/dev/null; then cmds+=(-n pflogsumm "pflogsumm $PLAIN > /dev/null"); else echo "(pflogsumm not installed: apt-get install pflogsumm)"; fi
cmds+=(-n "scan -j2 (exim)" "$M scan -j2 -q --force --format exim -o $OUT/e $EXIM")
ES=${EXIMSTATS:-$HOME/.cache/misdirect/exim4-base/usr/sbin/eximstats}
if [[ -x $ES ]]; then cmds+=(-n eximstats "perl $ES -bydomain < $EXIM > /dev/null"); else echo "(eximstats not found: run scripts/compare-eximstats.sh once to fetch it)"; fi
hyperfine -w 1 -r 3 "${cmds[@]}" --export-markdown "$OUT/t2.md" >/dev/null
cat "$OUT/t2.md"

echo; echo "## 3. Peak memory as the archive grows"
echo "| archive | files | scan wall | peak RSS |"
echo "|---:|---:|---:|---:|"
for size in "${SIZES[@]}"; do
  if [[ $size == 20480 ]]; then
    gen "$B/gz2048" 2048 64
    if [[ ! -f $B/relays.complete ]]; then
      printf '%s\n' 0 1 2 3 4 5 6 7 8 9 |
        xargs -P 2 -I K "$REPO/scripts/make-relays.sh" "$B/gz2048" "$B/relays" K >/dev/null
      touch "$B/relays.complete"
    fi
    dir=$B/relays
  else
    dir=$B/gz$size
    gen "$dir" "$size" $((size / 32 > 4 ? size / 32 : 4))
  fi
  /usr/bin/time -v "$M" scan -j2 -q --force -o "$OUT/m" "$dir" 2>"$OUT/time.txt"
  wall=$(grep "Elapsed (wall" "$OUT/time.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$OUT/time.txt" | awk '{print $NF}')
  echo "| $size MiB | $(find "$dir" -type f | wc -l) | $wall | $((rss / 1024)) MiB |"
done
