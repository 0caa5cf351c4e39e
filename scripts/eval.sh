#!/usr/bin/env bash
# eval.sh - accuracy of misdirect against the ground truth of a synthetic archive.
#
# USAGE
#   scripts/eval.sh [small|full] [FORMAT]
#   (default small: seconds; full: a year, minutes. FORMAT: a format of
#   `misdirect synth --format`, default postfix; mixed: all of them)
#   MISDIRECT=path/to/misdirect picks the binary (default
#   ${CARGO_TARGET_DIR:-target}/release/misdirect).
#
# WHAT IT DOES
#   1. `misdirect synth` writes an archive and its truth (scripts/eval.py's
#      docstring says what is compared);
#   2. `misdirect scan` reads it twice: without a target list (targets inferred
#      from the logs, plus the built-in ones), and with one (every domain the
#      simulated organisation writes to, as an organisation would list them);
#   3. scripts/eval.py compares each run with the truth: per-domain counts and
#      per-cluster leak figures must be exact; recall and precision must reach
#      95% and 98% without a target list, 99% and 99.5% with one; no legitimate
#      neighbour may be flagged. Exit status 1 on any failure.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
M=${MISDIRECT:-${CARGO_TARGET_DIR:-$REPO/target}/release/misdirect}
SIZE=${1:-small}
FORMAT=${2:-postfix}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
case $SIZE in
  small) ARGS=(--years 0.25 --users 120 --messages-per-day 600 --typo-rate 0.004 --seed 7) ;;
  full) ARGS=(--years 1 --users 400 --messages-per-day 4000 --typo-rate 0.002 --seed 11) ;;
  *) echo "usage: $0 [small|full]" >&2; exit 2 ;;
esac
"$M" synth -o "$W/synth" --format "$FORMAT" "${ARGS[@]}"
T=$W/synth/truth
# The organisation's own list of the domains it writes to (all of them, the
# legitimate look-alike neighbours included: it writes to them on purpose).
python3 - "$T" >"$W/targets.txt" <<'PY'
import csv, sys, os
rows = csv.DictReader(open(os.path.join(sys.argv[1], "intended.csv")))
print("\n".join(sorted(r["domain"] for r in rows)))
PY
"$M" scan -q -o "$W/inferred" "$W/synth/logs"
"$M" scan -q -o "$W/listed" --targets "$W/targets.txt" "$W/synth/logs"
status=0
python3 "$REPO/scripts/eval.py" "$T" "$W/inferred" --label "$FORMAT, no target list" \
  --min-recall 0.95 --min-precision 0.98 || status=1
python3 "$REPO/scripts/eval.py" "$T" "$W/listed" --label "$FORMAT, with a target list" \
  --min-recall 0.99 --min-precision 0.995 || status=1
exit $status
