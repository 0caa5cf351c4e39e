#!/usr/bin/env python3
"""Expected per-recipient-domain counts for a Postfix log (reference oracle).

Independent of the Rust code; standard library only. Reads one plain Postfix
log in any of the three time-stamp styles (BSD syslog "Nov 28 15:27:49 host
prog[pid]: ...", postlogd "Nov 08 ...", RFC 3339 "2026-11-28T15:27:49.123456+00:00
host prog[pid]: ...") and writes CSV to stdout with the columns

  domain,messages,recipients,deliveries_sent,deliveries_bounced,
  deliveries_deferred,deliveries_expired,bytes_sent,senders

Usage: expected_counts.py [--summary] LOG
  --summary  print a JSON object with totals (for the README) instead of CSV.

Definitions (the project's; edge cases marked EDGE):
* A delivery is a "QID: to=<...>" line of postfix/smtp, lmtp, local, virtual,
  pipe, error, discard or relay with a "status=". The daemon is the last
  "/"-separated part of the syslog tag, so "postfix/relay/smtp" and
  "postfix-foo/smtp" are smtp. Only status sent, bounced and deferred count:
  status=deliverable / undeliverable / undeliverable-but-not-cached (address
  verification probes) are not deliveries.
* Each delivery is joined to its message by (host, queue ID); the qmgr
  "QID: from=<...>, size=N, nrcpt=M (queue active)" line gives the sender and
  the size. That line is repeated on every retry of a deferred message; the
  first one is used (the values do not change).
  EDGE (queue-ID reuse): short queue IDs can be reused once a message is
  "removed". A qmgr from= line for an ID that was already removed starts a new
  message (generation) under that ID. The summary reports how often it happened.
* A recipient of one queue ID counts ONCE, by its final (last logged) outcome:
  sent, bounced, or, if its last status is deferred, "expired" when the qmgr
  logged "QID: from=<...>, status=expired, returned to sender" for that message,
  else "deferred".
  EDGE: the same address can be a recipient of one queue ID twice (e.g. once
  directly and once through a list alias, with different orig_to=); it still
  counts once, by the last line.
* A content-filter hop is not a delivery: status=sent, a relay that is
  127.0.0.0/8, ::1, "localhost" or a private/ or public/ unix socket, and a
  reply containing "queued as". The message re-queued under the new queue ID
  carries the real delivery. EDGE: if a recipient's last line at a queue ID is
  a hop, it is not counted at that queue ID at all; an earlier deferral to the
  filter (filter down) is then also not counted.
* The recipient domain is the part after the last "@" of to=, lower-cased,
  with one trailing dot removed. The recipient address is the local part as
  logged + "@" + that domain (so John.Smith@Army.Mil and john.smith@army.mil
  are different recipients of the domain army.mil). EDGE: an address without
  "@" has no domain and is not counted (does not occur in the samples).
  orig_to= is ignored for counting.
* messages = distinct messages (host, queue ID[, generation]) with at least
  one counted recipient at the domain; recipients = distinct recipient
  addresses; deliveries_* = counted recipients by final status; bytes_sent =
  the qmgr size= of each message with at least one "sent" recipient at the
  domain, once per message per domain; senders = distinct sender addresses of
  the counted messages (from=<> counts as the empty sender, one value).
  EDGE: a delivery whose message has no qmgr from= line in the log (log starts
  mid-way) counts with an unknown sender (not added to senders) and size 0.
* "NOQUEUE: reject: RCPT ..." and "QID: reject: RCPT ..." lines of smtpd are
  not deliveries (smtpd is not a delivery daemon).
Rows are sorted by domain (Unicode code point order = UTF-8 byte order).
"""
import csv
import json
import re
import sys
from collections import defaultdict

DELIVERY_DAEMONS = {"smtp", "lmtp", "local", "virtual", "pipe", "error", "discard", "relay"}
COUNTED_STATUS = {"sent", "bounced", "deferred"}

# "<stamp> <host> <tag>: <text>"; the stamp is BSD/postlogd or RFC 3339.
LINE = re.compile(
    r"^(?:[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))"
    r" (\S+) ([^:\[\s]+)(?:\[\d+\])?: (.*)$")
# Short IDs: upper-case hex. Long IDs: digits + letters without vowels, with a
# "z" separating time and inode. Neither alphabet can spell "warning",
# "NOQUEUE", "statistics", "connect" or "disconnect".
QID = re.compile(r"^([0-9A-F]{5,}|[0-9BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz]{10,}): (.*)$")
FROM = re.compile(r"^from=<(.*)>, size=(\d+), nrcpt=\d+")
EXPIRED = re.compile(r"^from=<(.*)>, status=expired, returned to sender")
TO = re.compile(r"^to=(?:<(.*?)>|([^<,\s][^,\s]*)), (?:orig_to=(?:<.*?>|[^,\s]*), )?relay=([^,]*), ")
STATUS = re.compile(r", status=([a-z-]+)(.*)$")


def is_loopback(relay: str) -> bool:
    m = re.match(r"^([^\[]*)(?:\[([^\]]*)\])?(?::\d+)?$", relay)
    parts = [relay] if not m else [m.group(1), m.group(2) or ""]
    for p in parts:
        p = p.lower()
        if p.startswith("ipv6:"):
            p = p[5:]
        if (p == "localhost" or p.startswith("127.") or p == "::1"
                or p.startswith("private/") or p.startswith("public/")):
            return True
    return False


def split_domain(addr: str):
    if "@" not in addr:
        return None, None
    local, dom = addr.rsplit("@", 1)
    dom = dom.lower()
    if dom.endswith("."):
        dom = dom[:-1]
    return dom, local + "@" + dom


def analyse(path):
    gen = {}             # (host, qid) -> current generation number
    removed = set()      # (host, qid, gen) that were removed
    msg = {}             # (host, qid, gen) -> [sender, size]
    expired = set()      # (host, qid, gen)
    last = {}            # (host, qid, gen, rcpt) -> (status, is_hop)
    stats = defaultdict(int)

    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            stats["lines"] += 1
            m = LINE.match(line)
            if not m:
                stats["unparsed_lines"] += 1
                continue
            host, tag, text = m.groups()
            daemon = tag.rsplit("/", 1)[-1]
            if text.startswith("NOQUEUE: reject:"):
                stats["reject_lines"] += 1
                continue
            q = QID.match(text)
            if not q:
                continue
            qid, rest = q.groups()
            if rest.startswith("reject:"):
                stats["reject_lines"] += 1
                continue
            hq = (host, qid)
            g = gen.setdefault(hq, 0)
            key = (host, qid, g)
            if daemon == "qmgr":
                f = FROM.match(rest)
                if f:
                    if key in removed:  # EDGE: queue ID reused
                        g = gen[hq] = g + 1
                        key = (host, qid, g)
                        stats["queue_id_reuses"] += 1
                    if key not in msg:
                        msg[key] = [f.group(1), int(f.group(2))]
                    else:
                        stats["repeated_from_lines"] += 1
                    continue
                if EXPIRED.match(rest):
                    expired.add(key)
                    stats["expired_lines"] += 1
                    continue
                if rest == "removed":
                    removed.add(key)
                continue
            if daemon not in DELIVERY_DAEMONS:
                continue
            t = TO.match(rest)
            s = STATUS.search(rest)
            if not t or not s:
                continue
            status, tail = s.group(1), s.group(2)
            if status not in COUNTED_STATUS:
                stats["probe_or_other_status_lines"] += 1
                continue
            addr = t.group(1) if t.group(1) is not None else t.group(2)
            relay = t.group(3)
            hop = status == "sent" and "queued as" in tail and is_loopback(relay)
            if hop:
                stats["hop_lines"] += 1
            else:
                stats["delivery_lines_" + status] += 1
            last[key + (addr,)] = (status, hop)

    # final outcome per (message, recipient)
    dom_rows = defaultdict(lambda: {"messages": set(), "recipients": set(), "sent": 0,
                                    "bounced": 0, "deferred": 0, "expired": 0,
                                    "sent_msgs": set(), "senders": set()})
    totals = defaultdict(int)
    counted_msgs = set()
    for (host, qid, g, addr), (status, hop) in last.items():
        if hop:
            totals["recipients_ending_in_hop"] += 1
            continue
        dom, rcpt = split_domain(addr)
        if dom is None:
            totals["recipients_without_domain"] += 1
            continue
        key = (host, qid, g)
        if status == "deferred":
            status = "expired" if key in expired else "deferred"
        row = dom_rows[dom]
        row["messages"].add(key)
        row["recipients"].add(rcpt)
        row[status] += 1
        totals["deliveries_" + status] += 1
        counted_msgs.add(key)
        if key in msg:
            row["senders"].add(msg[key][0])
        else:
            totals["deliveries_without_from_line"] += 1
        if status == "sent":
            row["sent_msgs"].add(key)

    rows = []
    for dom in sorted(dom_rows):
        r = dom_rows[dom]
        rows.append({
            "domain": dom,
            "messages": len(r["messages"]),
            "recipients": len(r["recipients"]),
            "deliveries_sent": r["sent"],
            "deliveries_bounced": r["bounced"],
            "deliveries_deferred": r["deferred"],
            "deliveries_expired": r["expired"],
            "bytes_sent": sum(msg[k][1] for k in r["sent_msgs"] if k in msg),
            "senders": len(r["senders"]),
        })
    summary = dict(stats)
    summary.update(totals)
    summary["messages_with_counted_recipients"] = len(counted_msgs)
    summary["messages_with_from_line"] = len(msg)
    summary["expired_messages"] = len(expired)
    summary["domains"] = len(rows)
    return rows, summary


COLUMNS = ["domain", "messages", "recipients", "deliveries_sent", "deliveries_bounced",
           "deliveries_deferred", "deliveries_expired", "bytes_sent", "senders"]


def main(argv):
    args = argv[1:]
    want_summary = "--summary" in args
    args = [a for a in args if a != "--summary"]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    rows, summary = analyse(args[0])
    if want_summary:
        json.dump(summary, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", errors="surrogateescape",
               newline="", closefd=False)
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
