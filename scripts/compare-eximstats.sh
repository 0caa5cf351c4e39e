#!/usr/bin/env bash
# compare-eximstats.sh - cross-check misdirect's delivered counts and totals
# against eximstats (from Debian's exim4-base) on the same Exim main log.
#
# USAGE
#   scripts/compare-eximstats.sh [--all] [LOG...]
#   LOG defaults to samples/exim/mainlog. Several LOGs are read as one log, in
#   the order given; gzip, bzip2 and xz files are decompressed first. --all
#   lists every domain (by default a long table is cut to the 40 largest
#   domains plus every row that differs).
#   MISDIRECT=path/to/misdirect picks the binary (default
#   ${CARGO_TARGET_DIR:-target}/release/misdirect, built if missing);
#   EXIMSTATS=path/to/eximstats picks the script. Without it, exim4-base is
#   fetched with `apt-get download` (no mail server is installed) and
#   unpacked with `dpkg -x` into ${XDG_CACHE_HOME:-~/.cache}/misdirect/.
#   eximstats needs only Perl's core modules (POSIX, IO::File,
#   File::Basename); GD::Graph and Spreadsheet::WriteExcel are optional and
#   not used.
#
# WHAT IS COMPARED
#   eximstats -byedomain: the "edomain destinations" table (the recipient
#   address's domain; -bydomain would group by the domain of the H= host,
#   127.0.0.1 in the sample) and the grand totals. Its "Addresses" column
#   counts delivery LINES per domain; misdirect's deliveries_sent counts each
#   recipient of a message once, by its final outcome. -t is set above the
#   number of domains (-t0 suppresses the table, it does not mean "all").
#
# THE INTENDED DIFFERENCES, each counted from the log and shown
#   * local deliveries (`=> carol <carol@example.org>`, pipes, files,
#     `:blackhole:`): eximstats files them under an empty domain, since the
#     first word has no @; misdirect counts them for the address in brackets,
#     the last <...> before R= (a pipe's arguments or a "(parent)" may come
#     first) (column "moved").
#   * eximstats lists a domain only if it had at least one `=>` line: a
#     domain reached only on `->` lines (second and later addresses of one
#     delivery) is missing from its table, though counted in its grand total
#     (column "hidden").
#   * cutthrough deliveries (`>>`): eximstats ignores the flag (column ">>").
#   * a recipient with two sent lines in one message (a delivery repeated
#     after a crash, one sent and then failed, or an alias expanded to two
#     local mailboxes, `=> carol <team@...>` and `=> dave <team@...>`, which
#     misdirect counts once for the address in brackets): two lines for
#     eximstats, one recipient by its final outcome for misdirect (column
#     "repeats").
#   * `=> blackhole (... discarded recipients)`, an ACL discard: eximstats
#     counts it as a delivery to a domain "blackhole"; it is no delivery.
#     eximstats also files every address beginning with "blackhole" or "<>"
#     under those names (column "moved").
#   * spelling: eximstats lower-cases ASCII letters only, keeps trailing dots
#     and IDNs as written (xn-- or UTF-8), and takes the domain after the
#     FIRST @ (a quoted local part may hold one); misdirect normalises to one
#     spelling per domain. The rows are merged by normalised name.
#   * Exim 4.97 message IDs (23 characters): eximstats 4.96 reads the ID and
#     flag at fixed columns and skips those lines, so the script gives it a
#     copy of the log with them shortened to unique 16-character IDs.
#   * `*>` (suppressed by -N), `**` failures and `==` deferrals are no
#     deliveries for either tool.
#   * grand totals: eximstats' received messages are `<=` lines (misdirect:
#     messages with a counted recipient, so + those with none, - those whose
#     `<=` line is missing); received bytes include messages with no sent
#     recipient (misdirect's bytes_sent does not); its Rejects also count
#     lines that say refused/dropped (Exim's own failed outgoing connections)
#     and `=>` lines without T=, misdirect counts `rejected RCPT` lines. Its
#     "Delivered Messages" and volume count `=>` lines (one per transport
#     batch), which misdirect does not report: shown, not compared.
#   With those accounted for, every domain and total must agree exactly.
#   Exit status 0 when everything agrees, 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
all=0
if [[ ${1:-} == --all ]]; then all=1; shift; fi
if (($#)); then logs=("$@"); else logs=("$root/samples/exim/mainlog"); fi

bin=${MISDIRECT:-${CARGO_TARGET_DIR:-$root/target}/release/misdirect}
[[ -x $bin ]] || (cd "$root" && cargo build --release -q)

exs=${EXIMSTATS:-}
if [[ -z $exs ]]; then
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/misdirect/exim4-base
  exs=$cache/usr/sbin/eximstats
  if [[ ! -f $exs ]]; then
    dl=$(mktemp -d)
    chmod 755 "$dl"   # apt's _apt user writes the download here
    if ! (cd "$dl" && apt-get download -q exim4-base) >"$dl/apt.log" 2>&1; then
      apt-get update -q >/dev/null
      (cd "$dl" && apt-get download -q exim4-base) >"$dl/apt.log" 2>&1 \
        || { cat "$dl/apt.log" >&2; exit 2; }
    fi
    mkdir -p "$cache"
    dpkg -x "$dl"/exim4-base_*.deb "$cache"
    rm -rf "$dl"
  fi
fi
if ! perl -MPOSIX -MIO::File -MFile::Basename -e 1 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q perl >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$exs" "$bin" "$work" "$all" "${logs[@]}" <<'PY'
import bz2, csv, gzip, json, lzma, re, shutil, subprocess, sys
from collections import Counter, defaultdict

exs, mbin, work, show_all, logs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5:]

# ---------------------------------------------------------------- input --
def compression(path):
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic[:2] == b"\x1f\x8b":
        return gzip
    if magic[:3] == b"BZh":
        return bz2
    if magic == b"\xfd7zXZ\x00":
        return lzma
    return None

if len(logs) == 1 and not compression(logs[0]):
    log = logs[0]
else:
    log = f"{work}/input.log"
    with open(log, "wb") as out:
        for p in logs:
            with (compression(p) or sys.modules["builtins"]).open(p, "rb") as f:
                shutil.copyfileobj(f, out)

# ------------------------------------------------------- line structure --
STAMP = re.compile(rb"^(\d{4}-\d\d-\d\d\s\d\d:\d\d:\d\d)(\.\d+)?(\s[-+]\d{4})?(\s\[\d+\])?")
ID16 = re.compile(rb"[A-Za-z0-9]{6}-[A-Za-z0-9]{6}-[A-Za-z0-9]{2}")
ID23 = re.compile(rb"[A-Za-z0-9]{6}-[A-Za-z0-9]{11}-[A-Za-z0-9]{4}")
MAIN = re.compile(rb"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [-+]\d{4})?(?: \[\d+\])? )(\S+)(?: (.*))?$", re.S)
TOP = re.compile(rb" <([^<>\s]*)>")
NOT_MISDIRECT = "(not a delivery line)"
B62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

def canon(domain):
    """A domain as misdirect normalises it, in its Unicode spelling."""
    d = domain.decode("utf-8", "surrogateescape").rstrip(".").lower()
    if d.startswith("["):
        return d
    labels = []
    for label in d.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except Exception:
                pass
        labels.append(label)
    return ".".join(labels)

def domain_of(addr):
    if addr.startswith(b"@") and b":" in addr:      # source route
        addr = addr.split(b":", 1)[1]
    return canon(addr.rsplit(b"@", 1)[1]) if b"@" in addr else None

def ascii_lc(b):
    return bytes(c + 32 if 65 <= c <= 90 else c for c in b)

# First pass: IDs in use (to shorten 4.97 IDs without a collision), and
# whether eximstats needs a copy of the log at all.
ids16, ids23, syslog_form = set(), set(), 0
with open(log, "rb") as f:
    for line in f:
        m = MAIN.match(line)
        if m:
            if ID16.fullmatch(m.group(2)):
                ids16.add(m.group(2))
            elif ID23.fullmatch(m.group(2)):
                ids23.add(m.group(2))
        elif not line[:4].isdigit() and re.match(rb"^.*? exim\b.*?: ", line):
            syslog_form += 1
short = {}
serial = 0
for long_id in sorted(ids23):
    while True:
        n, s = serial, b""
        serial += 1
        for _ in range(6):
            s = B62[n % 62:n % 62 + 1] + s
            n //= 62
        cand = long_id[:6] + b"-" + s + b"-zz"
        if cand not in ids16:
            break
    short[long_id] = cand
estats_log = log
if short or syslog_form:
    estats_log = f"{work}/for-eximstats.log"

# ------------------------------------------------------------ the model --
# eximstats, emulated line by line (as it reads its copy of the log).
e_lines = Counter()        # =>/-> lines per eximstats key
e_has_arrow = set()        # keys with at least one => line
e_pairs = Counter()        # (eximstats key, intended domain) per =>/-> line
e_recv = e_recv_bytes = e_rejects = 0

def eximstats_view(line):
    """The key eximstats files a =>/-> line under (None for other lines)."""
    global e_recv, e_recv_bytes, e_rejects
    s = STAMP.match(line)
    if not s or len(line) < 38:
        return None
    extra = 0
    if s.group(3):
        extra = 6
        if len(line) < 44:
            return None
    for g in (s.group(2), s.group(4)):
        if g:
            extra += len(g)
            if len(line) < 38 + extra:
                return None
    flag = line[37 + extra:39 + extra]     # fixed columns: a 16-character ID
    rest = line[40 + extra:]
    if not re.fullmatch(rb"[<>=*-]+|SA", flag) and re.search(rb"rejected|refused|dropped", line):
        e_rejects += 1
    elif flag == b"<=":
        e_recv += 1
        sz = re.search(rb"\sS=(\d+)(?: |$)", rest)
        e_recv_bytes += int(sz.group(1)) if sz else 0
    elif flag in (b"=>", b"->"):
        if rest.startswith(b"<>"):
            key = b"<>"
        elif rest.startswith(b"blackhole"):
            key = b"blackhole"
        else:
            km = re.match(rb"^\S*?@(\S+)", rest)
            key = ascii_lc(km.group(1)) if km else b""
        e_lines[key] += 1
        if flag == b"=>":
            e_has_arrow.add(key)
            if not re.search(rb"\sT=\S+", rest):
                e_rejects += 1           # eximstats: a blackholed delivery
        return key
    return None

# misdirect, as intended: one entry per message, settled at "Completed".
msgs = {}                  # id -> [size or None, {(to, orig): [sent lines, final, domain]}]
sent, repeats, cut = Counter(), Counter(), Counter()
discards = rcpt_rejects = unsent_bytes = no_rcpt = no_arr = suppressed = 0
unattributable = []

def settle(mid):
    global unsent_bytes, no_rcpt, no_arr
    size, recips = msgs.pop(mid)
    any_sent = False
    for lines_sent, final, dom in recips.values():
        if final == "sent":
            sent[dom] += 1
            any_sent = True
        repeats[dom] += lines_sent - (final == "sent")
    if size is not None:
        unsent_bytes += 0 if any_sent else size
        no_rcpt += not recips
    elif recips:
        no_arr += 1

def intended_view(m, line):
    """The domain misdirect should count a delivery line for ("(discard)"
    for an ACL discard, "" for no domain); None for other lines."""
    global discards, rcpt_rejects, suppressed
    if not m:
        return None
    mid = m.group(2)
    if not (ID16.fullmatch(mid) or ID23.fullmatch(mid)):
        rcpt_rejects += b" rejected RCPT " in line
        return None
    body = (m.group(3) or b"").rstrip(b"\r\n")
    if body == b"Completed":
        if mid in msgs:
            settle(mid)
        return None
    op, rest = body[:2], body[3:]
    if body[2:3] != b" ":
        return None
    suppressed += op == b"*>"
    if op == b"<=":
        sz = re.search(rb" S=(\d+)(?: |$)", rest)
        st = msgs.setdefault(mid, [None, {}])
        if st[0] is None:
            st[0] = int(sz.group(1)) if sz else 0
        return None
    if op not in (b"=>", b"->", b">>", b"**", b"=="):
        return None
    if op == b"=>" and rest.startswith(b"blackhole ("):
        discards += 1
        return "(discard)"
    first = rest.split(b" ", 1)[0]
    # The top address: the last <...> before the router (a pipe's arguments
    # and a "(parent)" may come between).
    tops = TOP.findall(rest.split(b" R=", 1)[0])
    top = tops[-1] if tops else None
    if b"@" in first:
        to, orig = first, top
    else:
        to, orig = (top, None) if top is not None else (first, None)
    dom = domain_of(to)
    if dom is None:
        dom = ""
        unattributable.append(line.decode("utf-8", "replace").rstrip())
    r = msgs.setdefault(mid, [None, {}])[1].setdefault((to, orig), [0, "deferred", dom])
    if op in (b"=>", b"->", b">>"):
        r[0] += 1
        r[1] = "sent"
        cut[dom] += op == b">>"
    elif op == b"**":
        r[1] = "failed"
    return dom

copy = open(estats_log, "wb") if estats_log != log else None
with open(log, "rb") as f:
    for line in f:
        m = MAIN.match(line)
        eline = line
        if m and m.group(2) in short:
            eline = m.group(1) + short[m.group(2)] + line[m.end(2):]
        if not line[:4].isdigit() and re.match(rb"^.*? exim\b.*?: ", line):
            key = None              # syslog form: left out of eximstats' copy
        else:
            if copy is not None:
                copy.write(eline)
            key = eximstats_view(eline)
        dom = intended_view(m, line)
        if key is not None:
            e_pairs[key, NOT_MISDIRECT if dom is None else dom] += 1
if copy is not None:
    copy.close()
for mid in list(msgs):
    settle(mid)

# ------------------------------------------------------------- run them --
ntop = len(e_lines) + 10
# On standard input: eximstats decompresses any file whose path contains
# ".gz" or ".Z", even in a folder name (mktemp's tmp.Zx... included).
cmd = ["perl", exs, "-byedomain", f"-t{ntop}", "-nvr", "-ne", "-nr", "-nt", "-h0", "-q0", "-emptyok"]
with open(estats_log, "rb") as stdin:
    proc = subprocess.run(cmd, stdin=stdin, capture_output=True)
if proc.returncode:
    sys.exit(f"eximstats failed: {proc.stderr.decode('utf-8', 'replace')}")
text = proc.stdout.decode("utf-8", "surrogateescape")
open(f"{work}/eximstats.txt", "w", encoding="utf-8", errors="surrogateescape").write(text)
subprocess.run([mbin, "scan", "--format", "exim", "-q", "--force", "-o", f"{work}/out", log], check=True)

E = {}
sec = re.search(r"edomain destinations by message count\n-+\n[^\n]*\n(.*?)\n\n", text, re.S)
for row in (sec.group(1).splitlines() if sec else []):
    rm = re.match(r"^ *(\d+) +(\d+) +(\d+) +(\d+)   (\S*)\s*$", row)
    if rm:
        key = rm.group(5).encode("utf-8", "surrogateescape")
        E[key] = int(rm.group(2))
g = {}
for name in ("Received", "Delivered", "Rejects", "Temp Rejects"):
    gm = re.search(rf"^  {name} +(\d*) +(\d+) +(\d*)", text, re.M)
    if gm:
        g[name] = [int(x) if x else 0 for x in gm.groups()]

M = {}
names = {}
for r in csv.DictReader(open(f"{work}/out/domains.csv", encoding="utf-8")):
    c = canon(r["unicode_domain"].encode("utf-8")) if r["domain"] else ""
    M[c] = M.get(c, 0) + int(r["deliveries_sent"])
    names[c] = r["unicode_domain"]
run = json.load(open(f"{work}/out/run.json"))
tot = run["totals"]

# ---------------------------------------------------------- reconcile --
SPECIAL = {b"": "(eximstats: no @)", b"blackhole": "(eximstats: blackhole)", b"<>": "(eximstats: <>)"}
def row_of(key):
    if key in SPECIAL:
        return SPECIAL[key]
    return canon(key.rsplit(b"@", 1)[-1])

ex, moved, hidden = Counter(), Counter(), Counter()
spellings = defaultdict(set)
for key, n in E.items():
    ex[row_of(key)] += n
    if key not in SPECIAL and key.decode("utf-8", "surrogateescape") != row_of(key):
        spellings[row_of(key)].add(key.decode("utf-8", "surrogateescape"))
for (key, dom), n in e_pairs.items():
    src = row_of(key)
    if key not in e_has_arrow:
        if dom not in ("(discard)", NOT_MISDIRECT):
            hidden[dom] += n
    elif src != dom:
        moved[src] -= n
        if dom not in ("(discard)", NOT_MISDIRECT):
            moved[dom] += n
# Self-checks of the script's model: eximstats' rows as the model predicts
# them, and each domain's adjusted count as the recipients it found.
model_bad = sorted(k for k in set(E) | set(e_lines)
                   if E.get(k, 0) != (e_lines[k] if k in e_has_arrow else 0))

rows = set(ex) | set(M) | set(moved) | set(hidden) | set(cut) | set(repeats)
table, model_rows = [], []
for d in rows:
    want = ex[d] + moved[d] + hidden[d] + cut[d] - repeats[d]
    got = M.get(d, 0)
    if not (want or got or ex[d] or moved[d]):
        continue
    name = names.get(d, d) if d else "(misdirect: no domain)"
    table.append((want, name, ex[d], moved[d], hidden[d], cut[d], repeats[d], got, want == got))
    if want != sent[d]:
        model_rows.append(f"  {name}: adjusted eximstats {want}, recipients sent in the log {sent[d]}")
table.sort(key=lambda r: (-max(r[0], r[7]), r[1]))

bad = sum(not r[8] for r in table)
w = max([24] + [len(r[1]) for r in table])
print(f"{'domain':<{w}} {'eximstats':>9} {'moved':>6} {'hidden':>6} {'>>':>4} {'repeats':>7} {'expected':>8} {'misdirect':>9}  check")
shown = 0
for r in table:
    if show_all or len(table) <= 60 or shown < 40 or not r[8] or r[3] or r[5] or r[6]:
        print(f"{r[1]:<{w}} {r[2]:>9} {r[3]:>+6} {r[4]:>6} {r[5]:>4} {-r[6]:>7} {r[0]:>8} {r[7]:>9}  {'ok' if r[8] else 'DIFFERENT'}")
        shown += 1
if shown < len(table):
    print(f"... {len(table) - shown} more domains agree (--all lists them)")
hidden_rows = sum(1 for r in table if r[4])
print("expected = eximstats + moved + hidden + >> - repeats; it must equal misdirect's deliveries_sent")
for d, sp in sorted(spellings.items()):
    print(f"  eximstats spelled {names.get(d, d)} as: {', '.join(sorted(sp))}")

# Grand totals.
print()
checks = []
def check(label, e, m, why):
    checks.append(e == m)
    print(f"{label:<26} {e:>14} {m:>14}  {'ok' if e == m else 'DIFFERENT':<9}  {why}")

print(f"{'total':<26} {'eximstats':>14} {'misdirect+adj':>14}  {'check':<9}  adjustment")
recv = g.get("Received", [0, 0, 0])
check("received messages", recv[1],
      tot["messages"] + tot["messages_without_deliveries"] - tot["messages_without_arrival"],
      f"messages {tot['messages']} + {tot['messages_without_deliveries']} without deliveries"
      f" - {tot['messages_without_arrival']} without arrival (in the log: {no_rcpt}, {no_arr})")
check("received bytes", recv[0], tot["bytes_sent"] + unsent_bytes,
      f"bytes_sent {tot['bytes_sent']} + {unsent_bytes} of messages with no sent recipient")
deliv = g.get("Delivered", [0, 0, 0])
rep_total, cut_total = sum(repeats.values()), sum(cut.values())
check("delivered addresses", deliv[2], tot["deliveries_sent"] + rep_total - cut_total + discards,
      f"deliveries_sent {tot['deliveries_sent']} + {rep_total} repeats - {cut_total} >> + {discards} discards")
rej = g.get("Rejects", [0, 0, 0])[1] + g.get("Temp Rejects", [0, 0, 0])[1]
other_rej = e_rejects - rcpt_rejects
check("rejects (+temp)", rej, tot["rejects"] + other_rej,
      f"rejects {tot['rejects']} + {other_rej} other refused/rejected/dropped lines and => without T=")
print(f"{'delivered messages':<26} {deliv[1]:>14} {'':>14}  {'-':<9}  `=>` lines (one per transport batch); not compared")
print(f"{'delivered bytes':<26} {deliv[0]:>14} {'':>14}  {'-':<9}  message size per `=>` line; not compared")

skips = {k: v for k, v in run["lines"]["skipped_by_reason"].items() if v and k not in ("informational", "blank")}
print()
print(f"4.97 message IDs shortened for eximstats: {len(short)}; syslog-form lines left out of its copy: {syslog_form}")
print(f"-> lines of {hidden_rows} domains missing from eximstats' table: {sum(hidden.values())}; "
      f"lines moved between its rows and misdirect's: {sum(v for v in moved.values() if v > 0)}")
print(f"cutthrough (>>) lines: {cut_total}; ACL discards (=> blackhole): {discards}; "
      f"repeated sent lines: {rep_total}; suppressed (*>) lines, counted by neither: {suppressed}")
if skips:
    print(f"misdirect skipped lines: {skips}")
for l in unattributable[:5]:
    print(f"  delivery line with no address domain: {l}")
if model_bad:
    print("eximstats rows that the script's model of eximstats does not explain:")
    for k in model_bad[:20]:
        print(f"  {k.decode('utf-8', 'replace')!r}: eximstats {E.get(k, 0)}, model "
              f"{e_lines[k] if k in e_has_arrow else 0}")
if model_rows:
    print("domains where the adjustments do not add up to the recipients the script found:")
    print("\n".join(model_rows[:20]))
bad_totals = sum(not c for c in checks)
if not table and not recv[1]:
    print("nothing to compare: no Exim main log lines with a message were read")
    sys.exit(1)
if bad or bad_totals or model_bad or model_rows:
    print(f"{bad} domain(s) and {bad_totals} total(s) differ")
    sys.exit(1)
print("all domains and totals agree")
PY
