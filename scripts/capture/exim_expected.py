#!/usr/bin/env python3
"""Per-domain counts of an Exim main log, computed independently of
misdirect (standard library only), for samples/exim/expected-domains.csv.

A recipient counts once per message, by its last outcome: `=>`, `->`, `>>`
sent; `**` bounced (expired when the reason is `retry timeout exceeded`);
a `==` with nothing after it deferred. A local delivery
(`=> user <addr>`) counts for the address in brackets. Columns: domain,
messages, recipients, deliveries_sent, deliveries_bounced,
deliveries_deferred, deliveries_expired, bytes_sent, senders.

Usage: exim_expected.py MAINLOG
"""
import re
import sys

from domain_table import write_expected

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})? (?:\[\d+\] )?"
    r"(?P<id>[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (?P<rest>.*)$"
)


def main(path):
    sender, size = {}, {}
    outcome = {}  # (id, address) -> status
    for line in open(path, encoding="utf-8", errors="replace"):
        m = LINE.match(line.rstrip("\n"))
        if not m:
            continue
        mid, rest = m["id"], m["rest"]
        op, _, tail = rest.partition(" ")
        if op == "<=":
            s = tail.split(" ", 1)[0]
            if s == "<>":
                sender[mid] = ""
            else:
                sl, _, sd = s.rpartition("@")
                sender[mid] = sl + "@" + sd.lower() if sl else s
            sz = re.search(r" S=(\d+)", tail)
            size[mid] = int(sz.group(1)) if sz else 0
        elif op in ("=>", "->", ">>", "**", "=="):
            words = tail.split(" ")
            addr = words[0]
            if "@" not in addr and len(words) > 1 and words[1].startswith("<"):
                addr = words[1].strip("<>")
            status = {"**": "bounced", "==": "deferred"}.get(op, "sent")
            if op == "**" and "retry timeout exceeded" in tail:
                status = "expired"
            # Local parts are kept as written, domains compared lower-cased
            # (as misdirect does).
            local, _, domain = addr.rpartition("@")
            key = (mid, local + "@" + domain.lower())
            if status == "deferred" and outcome.get(key) in ("sent", "bounced", "expired"):
                continue
            outcome[key] = status
    write_expected(outcome, sender, size)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
