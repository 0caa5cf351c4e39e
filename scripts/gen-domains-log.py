#!/usr/bin/env python3
"""A Postfix log of N messages, each to a domain of its own (d<i>x.example):
the "millions of distinct domains" input of RELIABILITY.md. Deterministic.

    python3 scripts/gen-domains-log.py 1000000 d1m.log   # 341 MB
    misdirect scan d1m.log --out o --year 2023
"""
import sys


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "w") as out:
        w = out.write
        for i in range(n):
            q = "%010X" % (i + 1)
            s = i % 86400
            day = 1 + (i * 7 // 1000000) % 9
            t = "Jul  %d %02d:%02d:%02d" % (day, s // 3600, (s // 60) % 60, s % 60)
            w(f"{t} mx postfix/qmgr[100]: {q}: from=<s{i % 5000}@corp.example>, size={1000 + i % 9000}, nrcpt=1 (queue active)\n")
            w(f"{t} mx postfix/smtp[200]: {q}: to=<p{i}@d{i}x.example>, relay=mx.d{i}x.example[192.0.2.1]:25, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 ok)\n")
            w(f"{t} mx postfix/qmgr[100]: {q}: removed\n")


if __name__ == "__main__":
    main()
