#!/usr/bin/env bash
# compare-pflogsumm.sh - cross-check misdirect's delivered counts against
# pflogsumm (Debian package) on the same plain Postfix log.
#
# USAGE
#   scripts/compare-pflogsumm.sh [LOG] [--year YYYY]
#   LOG defaults to tests/data/postfix-real/bsd.log (year 2026).
#   Installs pflogsumm with apt-get if it is missing (needs root).
#
# WHAT IS COMPARED, AND THE INTENDED DIFFERENCES
#   pflogsumm's "Host/Domain Summary: Message Delivery" counts delivery
#   LINES with status=sent per recipient domain; misdirect counts each
#   recipient of a message once, by its final outcome. They differ by design:
#   * content-filter hops (relay to 127.0.0.1/::1/localhost or a private/
#     socket whose reply says "queued as"): pflogsumm counts the hand-off as
#     a delivery, so the same mail counts twice; misdirect counts only the
#     delivery after the filter. The script removes hop lines before running
#     pflogsumm, and reports how many there were.
#   * a recipient logged twice in one message (e.g. reached through a list
#     and typed directly) is two lines for pflogsumm and one recipient for
#     misdirect; the script counts such repeated sent lines per domain.
#   * non-ASCII domains: pflogsumm lower-cases the bytes of a UTF-8 domain
#     as if they were Latin-1 (gmаil.com with a Cyrillic а comes out as
#     "gm\xf0\xb0il.com"); the script applies the same mangling to
#     misdirect's Unicode spelling before comparing.
#   * bounced and expired deliveries: pflogsumm leaves domains with no sent
#     line out of the table, and ignores status=expired; they are not
#     compared here.
#   With those accounted for, every domain must agree exactly:
#     pflogsumm sent = misdirect deliveries_sent + repeated sent lines.
#   Exit status 0 when every domain agrees, 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log=${1:-$root/tests/data/postfix-real/bsd.log}
year=2026
if [[ ${2:-} == --year ]]; then year=$3; fi

if ! command -v pflogsumm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q pflogsumm >/dev/null
fi
bin="$root/target/release/misdirect"
[[ -x $bin ]] || (cd "$root" && cargo build --release -q)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hop_re='relay=[^,]*\[(127\.[0-9.]+|::1|private/[^]]*)\][^,]*,.*status=sent \(.*queued as '
grep -Ev "$hop_re" "$log" > "$work/no-hops.log" || true
hops=$(grep -Ec "$hop_re" "$log" || true)

pflogsumm --iso-date-time -h 1000 -u 0 --no_bounce_detail --no_deferral_detail \
  --no_reject_detail --no_smtpd_warnings "$work/no-hops.log" > "$work/pflogsumm.txt" 2>/dev/null
"$bin" scan "$log" --year "$year" --out "$work/out" -q

python3 - "$work/pflogsumm.txt" "$work/out/domains.csv" "$work/no-hops.log" "$hops" <<'PY'
import csv, re, sys
from collections import Counter

pflog, domains_csv, log, hops = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

# pflogsumm's per-domain sent counts.
p = {}
text = open(pflog, encoding="latin-1").read()
section = text.split("Host/Domain Summary: Message Delivery", 1)[1].split("\n\n", 1)[0]
for line in section.splitlines():
    m = re.match(r"\s*(\d+)\s+\S+\s+\d+\s+\S+ \w+\s+\S+ \w+\s+(\S+)$", line)
    if m:
        p[m.group(2).lower()] = int(m.group(1))

def as_pflogsumm(domain):
    # Perl's lc on the UTF-8 bytes, read as Latin-1.
    return domain.encode("utf-8").decode("latin-1").lower()

# misdirect's per-domain deliveries_sent, keyed as pflogsumm writes domains.
md = {}
for r in csv.DictReader(open(domains_csv, encoding="utf-8")):
    md[as_pflogsumm(r["unicode_domain"])] = int(r["deliveries_sent"])

# Sent lines that repeat a (queue ID, recipient) already sent.
seen, repeats = set(), Counter()
pat = re.compile(r": ([0-9A-Za-z]+): to=<([^>]*)>.*status=sent ")
for line in open(log, encoding="utf-8", errors="replace"):

    m = pat.search(line)
    if m:
        key = (m.group(1), m.group(2))
        dom = as_pflogsumm(m.group(2).rsplit("@", 1)[-1].rstrip(".").lower())
        if key in seen:
            repeats[dom] += 1
        seen.add(key)

bad = 0
print(f"{'domain':<24} {'pflogsumm':>9} {'misdirect':>9} {'repeats':>7}  check")
for dom in sorted(set(p) | {d for d, n in md.items() if n}):
    want = md.get(dom, 0) + repeats.get(dom, 0)
    got = p.get(dom, 0)
    ok = want == got
    bad += not ok
    shown = dom.encode("latin-1").decode("utf-8", errors="replace")
    print(f"{shown:<24} {got:>9} {md.get(dom, 0):>9} {repeats.get(dom, 0):>7}  {'ok' if ok else 'DIFFERENT'}")
print(f"content-filter hop lines removed before pflogsumm: {hops}")
print("all domains agree" if not bad else f"{bad} domain(s) differ")
sys.exit(1 if bad else 0)
PY
