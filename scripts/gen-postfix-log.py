#!/usr/bin/env python3
"""gen-postfix-log.py - make large, realistic-looking Postfix logs for benchmarks.

A simple stand-in until `misdirect synth` exists: each message is logged the way
Postfix 3.7 logs it (smtpd connect/client, cleanup message-id, qmgr from=, one
smtp/local delivery line per recipient, some deferrals, qmgr removed, smtpd
disconnect), plus TLS and anvil noise. Queue IDs are short hex or long
base-52; recipient domains are drawn with a heavy tail, with a few lookalikes.

Usage:
  scripts/gen-postfix-log.py --out DIR --mb 2048 --files 8 [--seed 1] [--plain] [--exim]

With --exim the same traffic is written as Exim 4 main logs (mainlog-YYYYMMDD).

Writes FILES daily logs named mail.log-YYYYMMDD.gz (gzip -6 through the gzip
command), together holding about MB megabytes of uncompressed text; with
--plain the files are left uncompressed (mail.log-YYYYMMDD).
"""
import argparse
import random
import subprocess
import sys
from datetime import datetime, timedelta

DOMAINS = (
    ["army.mil", "navy.mil", "af.mil", "gmail.com", "outlook.com", "yahoo.com",
     "partner.co.uk", "mod.gov.uk", "example.com", "hotmail.com"]
    + [f"company{i}.example" for i in range(2000)]
)
LOOKALIKES = ["army.ml", "navy.ml", "gmial.com", "outlook.co", "modgov.uk", "gmail.cm"]
SENDERS = [f"user{i}@example.org" for i in range(500)]
LONG_ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"


def pick_domain(rng):
    if rng.random() < 0.002:
        return rng.choice(LOOKALIKES)
    # Heavy tail: a few domains take most of the mail.
    i = int(rng.paretovariate(1.1)) - 1
    return DOMAINS[min(i, len(DOMAINS) - 1)]


def queue_id(rng, n):
    if n % 3 == 0:
        return "".join(rng.choice(LONG_ALPHABET) for _ in range(15))
    return "%010X" % rng.getrandbits(40)


def stamp(t):
    return t.strftime("%b ") + ("%2d" % t.day) + t.strftime(" %H:%M:%S")


def message(rng, n, t, host):
    qid = queue_id(rng, n)
    pid = rng.randint(1000, 30000)
    s = stamp(t)
    sender = rng.choice(SENDERS)
    size = int(min(rng.paretovariate(1.2) * 2000, 25_000_000))
    nrcpt = 1 + int(rng.random() < 0.3) + int(rng.random() < 0.1)
    ip = "192.0.2.%d" % rng.randint(1, 254)
    out = [
        f"{s} {host} postfix/smtpd[{pid}]: connect from client{n % 97}.example.org[{ip}]",
        f"{s} {host} postfix/smtpd[{pid}]: Anonymous TLS connection established from client.example.org[{ip}]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
        f"{s} {host} postfix/smtpd[{pid}]: {qid}: client=client{n % 97}.example.org[{ip}]",
        f"{s} {host} postfix/cleanup[{pid + 1}]: {qid}: message-id=<{n}.{rng.getrandbits(32):x}@example.org>",
        f"{s} {host} postfix/qmgr[900]: {qid}: from=<{sender}>, size={size}, nrcpt={nrcpt} (queue active)",
        f"{s} {host} postfix/smtpd[{pid}]: disconnect from client.example.org[{ip}] ehlo=2 starttls=1 mail=1 rcpt={nrcpt} data=1 quit=1 commands=7",
    ]
    for r in range(nrcpt):
        dom = pick_domain(rng)
        to = f"person{rng.randint(1, 5000)}@{dom}"
        d = stamp(t + timedelta(seconds=1))
        relay = f"mx.{dom}[198.51.100.{rng.randint(1, 254)}]:25"
        if rng.random() < 0.03:
            out.append(f"{d} {host} postfix/smtp[{pid + 2}]: {qid}: to=<{to}>, relay={relay}, delay=0.4, delays=0.01/0/0.3/0.09, dsn=4.4.1, status=deferred (connect to {relay}: Connection timed out)")
        if rng.random() < 0.02:
            out.append(f"{d} {host} postfix/smtp[{pid + 2}]: {qid}: to=<{to}>, relay={relay}, delay=0.9, delays=0.01/0.01/0.5/0.3, dsn=5.1.1, status=bounced (host {relay} said: 550 5.1.1 <{to}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))")
        else:
            out.append(f"{d} {host} postfix/smtp[{pid + 2}]: {qid}: to=<{to}>, relay={relay}, delay=0.62, delays=0.02/0.01/0.21/0.38, dsn=2.0.0, status=sent (250 2.0.0 OK {rng.getrandbits(32)} - gsmtp)")
    out.append(f"{stamp(t + timedelta(seconds=1))} {host} postfix/qmgr[900]: {qid}: removed")
    if n % 50 == 0:
        out.append(f"{s} {host} postfix/anvil[77]: statistics: max connection rate 3/60s for (smtp:{ip}) at {s}")
    return "\n".join(out) + "\n"


B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def exim_message(rng, n, t, host):
    """The same traffic as `message`, as an Exim 4 main log writes it."""
    mid = "-".join("".join(rng.choice(B62) for _ in range(k)) for k in (6, 6, 2))
    s = t.strftime("%Y-%m-%d %H:%M:%S")
    d = (t + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    sender = rng.choice(SENDERS)
    size = int(min(rng.paretovariate(1.2) * 2000, 25_000_000))
    nrcpt = 1 + int(rng.random() < 0.3) + int(rng.random() < 0.1)
    ip = "192.0.2.%d" % rng.randint(1, 254)
    out = [f"{s} {mid} <= {sender} H=client{n % 97}.example.org [{ip}] P=esmtps "
           f"X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no S={size} id={n}.{rng.getrandbits(32):x}@example.org"]
    for r in range(nrcpt):
        dom = pick_domain(rng)
        to = f"person{rng.randint(1, 5000)}@{dom}"
        mx = f"mx.{dom} [198.51.100.{rng.randint(1, 254)}]"
        if rng.random() < 0.03:
            out.append(f"{d} {mid} == {to} R=dnslookup T=remote_smtp defer (110): Connection timed out")
        if rng.random() < 0.02:
            out.append(f"{d} {mid} ** {to} R=dnslookup T=remote_smtp H={mx}: SMTP error from remote mail server after RCPT TO:<{to}>: 550 5.1.1 <{to}>: Recipient address rejected: User unknown")
        else:
            op = "=>" if r == 0 else "->"
            out.append(f"{d} {mid} {op} {to} R=dnslookup T=remote_smtp H={mx} X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 2.0.0 OK {rng.getrandbits(32)} - gsmtp\"")
    out.append(f"{d} {mid} Completed")
    if n % 50 == 0:
        out.append(f"{s} Start queue run: pid={rng.randint(1000, 30000)}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plain", action="store_true")
    ap.add_argument("--exim", action="store_true", help="write Exim main logs (mainlog-YYYYMMDD)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    per_file = a.mb * 1024 * 1024 // a.files
    day = datetime(2023, 7, 1)
    n = 0
    for f in range(a.files):
        stem = "mainlog" if a.exim else "mail.log"
        name = f"{a.out}/{stem}-{(day + timedelta(days=f + 1)):%Y%m%d}"
        if a.plain:
            sink = open(name, "w")
            proc = None
        else:
            sink = open(name + ".gz", "wb")
            proc = subprocess.Popen(["gzip", "-6"], stdin=subprocess.PIPE, stdout=sink, text=True)
        w = proc.stdin if proc else sink
        written = 0
        t = day + timedelta(days=f)
        step = 86400.0 / max(1, per_file // 1400)
        buf = []
        while written < per_file:
            m = (exim_message if a.exim else message)(rng, n, t, "mx1" if n % 4 else "mx2")
            buf.append(m)
            written += len(m)
            n += 1
            t += timedelta(seconds=step)
            if len(buf) >= 2000:
                w.write("".join(buf))
                buf = []
        w.write("".join(buf))
        w.close()
        if proc:
            proc.wait()
        sink.close()
        print(f"{name}: {written} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
