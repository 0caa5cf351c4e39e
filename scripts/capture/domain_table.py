"""The per-domain table the capture scripts compare misdirect with
(expected-domains.csv), from each recipient's final outcome. Shared by
exim_expected.py and sendmail_expected.py; the definitions are those of
misdirect's domains.csv, written independently of its code.

outcome: {(message, "local@domain"): "sent" | "bounced" | "deferred" | "expired"}
sender:  {message: envelope sender}   size: {message: bytes}
"""
import csv
import sys
from collections import defaultdict


def write_expected(outcome, sender, size, out=sys.stdout):
    dom = defaultdict(lambda: {"messages": set(), "recipients": set(), "sent": 0,
                               "bounced": 0, "deferred": 0, "expired": 0, "bytes": set(),
                               "senders": set()})
    for (msg, addr), status in outcome.items():
        local, _, domain = addr.rpartition("@")
        d = dom[domain]
        d["messages"].add(msg)
        d["recipients"].add(local)
        d[status] += 1
        if status == "sent":
            d["bytes"].add(msg)
        if msg in sender:
            d["senders"].add(sender[msg])
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["domain", "messages", "recipients", "deliveries_sent", "deliveries_bounced",
                "deliveries_deferred", "deliveries_expired", "bytes_sent", "senders"])
    rows = sorted(dom.items(), key=lambda kv: (-len(kv[1]["messages"]), kv[0]))
    for domain, d in rows:
        w.writerow([domain, len(d["messages"]), len(d["recipients"]), d["sent"], d["bounced"],
                    d["deferred"], d["expired"], sum(size.get(m, 0) for m in d["bytes"]),
                    len(d["senders"])])
