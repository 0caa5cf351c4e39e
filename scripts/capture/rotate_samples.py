#!/usr/bin/env python3
"""Split the captured BSD-syslog log into rotated files, as logrotate would.

Usage: rotate_samples.py --bsd bsd.log --rfc3339 rfc3339.log --out DIR [--info JSON]

Four files, oldest first; concatenated in this order they are byte-identical
to bsd.log:
  mail.log-YYYYMMDD-HHMMSS.gz   (gzip, no name/mtime in the header)
  mail.log-YYYYMMDD-HHMMSS.bz2
  mail.log-YYYYMMDD-HHMMSS.xz
  mail.log-YYYYMMDD-HHMMSS      (plain: the most recent rotation, as with
                                 logrotate's delaycompress)
The suffix is logrotate's "dateext" with "dateformat -%Y%m%d-%H%M%S" (and
"dateyesterday"-like semantics): the date and time of the file's LAST line,
so the year of the year-less BSD stamps can be recovered from the name.
The full date of each line is taken from the RFC 3339 log, which rsyslogd
wrote from the same messages in the same order (checked line by line).

Boundaries: the 1st and 3rd split right after a qmgr "QID: from=<...>,
size=..." line whose next line is a delivery line of the same QID (so the
message spans two files); the 2nd is at the change of day (midnight, like a
daily rotation), or a third spanning split if the log has no day change.
"""
import argparse
import bz2
import gzip
import json
import lzma
import os
import re
import sys

BSD = re.compile(rb"^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d (.*)$", re.S)
RFC = re.compile(rb"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\S* (.*)$", re.S)
QMGR_FROM = re.compile(rb" postfix/qmgr\[\d+\]: ([0-9A-Za-z]+): from=<.*>, size=\d+, nrcpt=")
DELIVERY = re.compile(rb" postfix/[\w/]*?(smtp|virtual|local|lmtp|error)\[\d+\]: ([0-9A-Za-z]+): to=")


def stamps(bsd_lines, rfc_lines):
    if len(bsd_lines) != len(rfc_lines):
        sys.exit("rotate_samples: bsd and rfc3339 logs differ in line count")
    out = []
    for i, (b, r) in enumerate(zip(bsd_lines, rfc_lines)):
        mb, mr = BSD.match(b), RFC.match(r)
        if not mb or not mr or mb.group(1) != mr.group(7):
            sys.exit("rotate_samples: line %d differs between bsd and rfc3339 logs" % (i + 1))
        y, mo, d, h, mi, s = (int(x) for x in mr.groups()[:6])
        out.append((y, mo, d, h, mi, s))
    return out


def spans(lines, i):
    """True if line i is a qmgr from= line and line i+1 delivers the same QID."""
    if i + 1 >= len(lines):
        return False
    f = QMGR_FROM.search(lines[i])
    d = DELIVERY.search(lines[i + 1])
    return bool(f and d and f.group(1) == d.group(2))


def spanning_boundary(lines, target, lo, hi):
    """Index just after a spanning qmgr line nearest to target, within (lo, hi)."""
    for delta in range(0, len(lines)):
        for i in (target + delta, target - delta):
            if lo < i + 1 < hi and spans(lines, i):
                return i + 1
    sys.exit("rotate_samples: no spanning boundary found near line %d" % target)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bsd", required=True)
    ap.add_argument("--rfc3339", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--info")
    a = ap.parse_args()
    bsd = open(a.bsd, "rb").read().splitlines(keepends=True)
    rfc = open(a.rfc3339, "rb").read().splitlines(keepends=True)
    st = stamps(bsd, rfc)
    n = len(bsd)

    day_change = next((i for i in range(1, n) if st[i][:3] != st[i - 1][:3]), None)
    b1 = spanning_boundary(bsd, n // 4, 0, day_change or n)
    if day_change and day_change - b1 > 20 and n - day_change > 60:
        b2 = day_change
        b3 = spanning_boundary(bsd, b2 + (n - b2) * 2 // 5, b2 + 10, n - 10)
    else:
        b2 = spanning_boundary(bsd, n // 2, b1 + 10, n - 20)
        b3 = spanning_boundary(bsd, n * 3 // 4, b2 + 10, n - 10)
    cuts = [0, b1, b2, b3, n]

    os.makedirs(a.out, exist_ok=True)
    kinds = [".gz", ".bz2", ".xz", ""]
    info = {"files": [], "spanning": []}
    names = set()
    for k in range(4):
        lo, hi = cuts[k], cuts[k + 1]
        data = b"".join(bsd[lo:hi])
        y, mo, d, h, mi, s = st[hi - 1]
        name = "mail.log-%04d%02d%02d-%02d%02d%02d%s" % (y, mo, d, h, mi, s, kinds[k])
        if name in names:
            sys.exit("rotate_samples: two files would be named %s" % name)
        names.add(name)
        if kinds[k] == ".gz":
            blob = gzip.compress(data, 9, mtime=0)
        elif kinds[k] == ".bz2":
            blob = bz2.compress(data, 9)
        elif kinds[k] == ".xz":
            blob = lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64)
        else:
            blob = data
        with open(os.path.join(a.out, name), "wb") as fh:
            fh.write(blob)
        info["files"].append({
            "name": name, "lines": hi - lo, "bytes": len(blob), "plain_bytes": len(data),
            "first": bsd[lo].decode("utf-8", "replace").rstrip("\n"),
            "last": bsd[hi - 1].decode("utf-8", "replace").rstrip("\n"),
            "first_rfc3339_date": "%04d-%02d-%02d" % st[lo][:3],
            "last_rfc3339_date": "%04d-%02d-%02d" % st[hi - 1][:3],
        })
        if k > 0 and spans(bsd, lo - 1):
            info["spanning"].append({
                "older": info["files"][k - 1]["name"], "newer": name,
                "last_line_of_older": bsd[lo - 1].decode("utf-8", "replace").rstrip("\n"),
                "first_line_of_newer": bsd[lo].decode("utf-8", "replace").rstrip("\n"),
            })
    if day_change:
        info["day_change_line"] = day_change + 1
    for f in info["files"]:
        print("%-34s %5d lines %7d bytes" % (f["name"], f["lines"], f["bytes"]), file=sys.stderr)
    if a.info:
        with open(a.info, "w", encoding="utf-8") as fh:
            json.dump(info, fh, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
