#!/usr/bin/env python3
"""Per-domain counts of a Sendmail syslog log, computed independently of
misdirect (standard library only), for samples/sendmail/expected-domains.csv.

Same columns and meaning as exim_expected.py: domain, messages, recipients,
deliveries_sent, deliveries_bounced, deliveries_deferred, deliveries_expired,
bytes_sent, senders.

The rules, one queue ID being one message:
  * `QID: from=<addr>, size=N, ...` gives the envelope sender and the size.
  * `QID: to=a,b,..., [ctladdr=...,] delay=..., mailer=M, ..., relay=R, ...,
    stat=S` is one outcome for each address listed: stat=Sent... sent,
    stat=Deferred... deferred, otherwise (a 5.x.x dsn=) bounced. A recipient
    counts once per message, by its last outcome (a deferral never replaces
    a final one).
  * A hand-off to the MTA on the same host is not a delivery: to= lines with
    mailer=relay and a loopback relay= ([127.0.0.1], localhost, ::1) are
    skipped. These are the lines of the mail submission program (`sendmail`,
    `sm-msp-queue`); the MTA logs the message again under its own queue ID.
  * `QID: NEWQID: DSN: ...` (and `... sender notify: ...`, `postmaster
    notify: ...`, `return to sender: ...`) says NEWQID is a delivery status
    notification made by Sendmail: its envelope sender is the null sender
    `<>` (counted as the empty sender); it has no from= line, so no size.
  * `QID: NEWQID: DSN: Cannot send message for ...` (or the same text as a
    stat=) means QID's queue lifetime is over: its recipients whose last
    outcome is a deferral count as expired.
  * Addresses: `<...>` dropped; Sendmail writes bytes outside printable ASCII
    as backslash + 3 octal digits (`b\\303\\274cher.example`), decoded here to
    UTF-8; domains lower-cased, local parts kept as written. A bare local
    name (`to=carol`, the local member of an alias) counts at --bare-domain
    (default: no domain, as misdirect counts it: the log does not say which
    domain the mailbox belongs to).

Usage: sendmail_expected.py [--bare-domain DOMAIN] MAILLOG
"""
import argparse
import re
import sys

from domain_table import write_expected

LINE = re.compile(
    r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ (?P<prog>[^\s\[:]+)(?:\[\d+\])?: "
    r"(?P<qid>[0-9A-Za-z]{12,20}): (?P<rest>.*)$"
)
NOTICE = re.compile(r"^(?P<new>[0-9A-Za-z]{12,20}): "
                    r"(?P<kind>DSN|sender notify|postmaster notify|return to sender): (?P<text>.*)$")
TO = re.compile(r"^to=(?P<to>.*?), (?:ctladdr=.*?, )?delay=")
FIELD = re.compile(r"(?:^|, )(?P<k>mailer|relay|dsn)=(?P<v>.*?)(?=, [a-z]+=|$)")
STAT = re.compile(r", stat=(?P<v>.*)$")
OCTAL = re.compile(rb"\\([0-3][0-7]{2})")
LOOPBACK_RELAY = re.compile(r"^(?:\[127\.0\.0\.1\]|localhost|\[IPv6:::1\]|127\.0\.0\.1)(?: |$)")


def unescape(s):
    b = OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), s.encode("utf-8"))
    return b.decode("utf-8", errors="replace")


def split_list(s):
    """Split a to= list on commas outside quotes and angle brackets."""
    out, cur, quote, angle = [], [], False, 0
    for ch in s:
        if ch == '"':
            quote = not quote
        elif not quote and ch == "<":
            angle += 1
        elif not quote and ch == ">":
            angle -= 1
        if ch == "," and not quote and angle == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [a.strip() for a in out if a.strip()]


def norm(addr, bare_domain):
    a = unescape(addr.strip())
    if a.startswith("<") and a.endswith(">"):
        a = a[1:-1]
    if a == "":
        return ""
    local, at, domain = a.rpartition("@")
    if not at:
        return a + "@" + bare_domain
    return local + "@" + domain.lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bare-domain", default="")
    ap.add_argument("log")
    a = ap.parse_args()

    sender, size = {}, {}
    outcome = {}  # (qid, address) -> status, in first-seen order
    expired_qids = set()
    for line in open(a.log, encoding="utf-8", errors="replace"):
        m = LINE.match(line.rstrip("\n"))
        if not m:
            continue
        qid, rest = m["qid"], m["rest"]
        if rest.startswith("from="):
            v = rest[5:]
            s = v[: v.index(">") + 1] if v.startswith("<") else v.split(",", 1)[0]
            sender[qid] = norm(s, a.bare_domain)
            sz = re.search(r", size=(\d+)", rest)
            size[qid] = int(sz.group(1)) if sz else 0
            continue
        n = NOTICE.match(rest)
        if n:
            sender.setdefault(n["new"], "")
            if n["text"].startswith("Cannot send message for"):
                expired_qids.add(qid)
            continue
        t = TO.match(rest)
        if not t:
            continue
        f = {fm["k"]: fm["v"] for fm in FIELD.finditer(rest[t.end() - len("delay="):])}
        mailer, relay = f.get("mailer", ""), f.get("relay", "")
        st = STAT.search(rest)
        stat, dsn = (st["v"] if st else ""), f.get("dsn", "")
        if mailer == "relay" and LOOPBACK_RELAY.match(relay):
            continue  # hand-off from the submission program to the local MTA
        if stat.startswith("Sent"):
            status = "sent"
        elif stat.startswith("Deferred") or dsn.startswith("4."):
            status = "deferred"
        elif stat.startswith("Cannot send message for"):
            status = "expired"
        elif stat == "queued":
            continue
        else:
            status = "bounced"
        for addr in split_list(t["to"]):
            key = (qid, norm(addr, a.bare_domain))
            if status == "deferred" and outcome.get(key) in ("sent", "bounced", "expired"):
                continue
            outcome[key] = status
    for key, status in outcome.items():
        if status == "deferred" and key[0] in expired_qids:
            outcome[key] = "expired"

    write_expected(outcome, sender, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
