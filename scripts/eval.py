#!/usr/bin/env python3
"""Compare a misdirect scan of a synthetic archive with its ground truth.

Usage: eval.py TRUTH_DIR REPORT_DIR [--label NAME] [--min-recall R] [--min-precision P]

Checks, and prints:
  * per-domain counts: every row of truth/expected-domains.csv must equal the
    same columns of domains.csv (exact; any difference fails);
  * detection: the lookalikes that received mail (truth/lookalikes.csv that
    appear in expected-domains.csv) against lookalikes.csv: recall, precision,
    recall by kind, the domain meant, the kind named; legitimate neighbours
    flagged (must be 0);
  * clusters: for every intended domain all of whose lookalikes were found
    (and nothing else attributed to it), attempted and leaked messages and
    leaked bytes must equal truth/expected-clusters.csv exactly, and per
    protective marking truth/expected-markings.csv (markings.csv, scope
    cluster).
Exits 1 if counts or clusters differ, or recall/precision are under the bars.
"""
import argparse
import collections
import csv
import os
import sys

COLS = ["messages", "recipients", "deliveries_sent", "deliveries_bounced",
        "deliveries_deferred", "deliveries_expired", "bytes_sent", "senders"]


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("report")
    ap.add_argument("--label", default="scan")
    ap.add_argument("--min-recall", type=float, default=0.0)
    ap.add_argument("--min-precision", type=float, default=0.0)
    a = ap.parse_args()
    ok = True

    exp = {r["domain"]: r for r in rows(os.path.join(a.truth, "expected-domains.csv"))}
    got = {r["domain"]: r for r in rows(os.path.join(a.report, "domains.csv"))}
    bad = [d for d in sorted(set(exp) | set(got))
           if d not in exp or d not in got or any(exp[d][c] != got[d][c] for c in COLS)]
    print(f"[{a.label}] per-domain counts: {len(exp)} domains expected, {len(got)} reported, "
          f"{len(bad)} differ")
    for d in bad[:10]:
        print("   ", d, "expected", [exp.get(d, {}).get(c) for c in COLS],
              "got", [got.get(d, {}).get(c) for c in COLS])
    ok &= not bad

    truth = {r["domain"]: r for r in rows(os.path.join(a.truth, "lookalikes.csv")) if r["domain"] in exp}
    neighbours = {r["domain"] for r in rows(os.path.join(a.truth, "neighbours.csv"))}
    found = {r["domain"]: r for r in rows(os.path.join(a.report, "lookalikes.csv"))}
    tp = [d for d in found if d in truth]
    fp = [d for d in found if d not in truth]
    fn = [d for d in truth if d not in found]
    recall = len(tp) / len(truth) if truth else 1.0
    precision = len(tp) / len(found) if found else 1.0
    meant = sum(found[d]["intended"] == truth[d]["intended"] for d in tp)
    kind = sum(found[d]["kind"] == truth[d]["kind"] for d in tp)
    flagged_neighbours = [d for d in found if d in neighbours]
    print(f"[{a.label}] detection: {len(truth)} lookalikes received mail; found {len(found)}: "
          f"recall {recall:.1%}, precision {precision:.1%}; domain meant right {meant}/{len(tp)}, "
          f"kind right {kind}/{len(tp)}; legitimate neighbours flagged: {len(flagged_neighbours)}")
    by_kind = collections.defaultdict(lambda: [0, 0])
    for d, r in truth.items():
        by_kind[r["kind"]][1] += 1
        by_kind[r["kind"]][0] += d in found
    print(f"[{a.label}] recall by kind: " + ", ".join(
        f"{k} {f}/{n}" for k, (f, n) in sorted(by_kind.items())))
    if fn:
        print(f"[{a.label}] missed: " + ", ".join(
            f"{d} ({truth[d]['kind']}, for {truth[d]['intended']})" for d in sorted(fn)[:15]))
    if fp:
        print(f"[{a.label}] flagged but not misdirections: " + ", ".join(
            f"{d} (as {found[d]['intended']})" for d in sorted(fp)[:15]))
    ok &= not flagged_neighbours
    ok &= recall >= a.min_recall and precision >= a.min_precision

    expc = {r["intended"]: r for r in rows(os.path.join(a.truth, "expected-clusters.csv"))}
    gotc = {r["intended"]: r for r in rows(os.path.join(a.report, "clusters.csv"))}
    whole = [i for i in expc
             if all(d in found and found[d]["intended"] == i
                    for d, r in truth.items() if r["intended"] == i)
             and not any(found[d]["intended"] == i for d in fp)]
    cbad = [i for i in whole if i not in gotc or any(
        expc[i][c] != gotc[i][c] for c in ("messages_attempted", "messages_leaked", "bytes_leaked"))]
    print(f"[{a.label}] clusters: {len(whole)} of {len(expc)} intended domains fully detected; "
          f"{len(cbad)} differ from the truth")
    for i in cbad[:10]:
        print("   ", i, "expected", expc[i], "got", gotc.get(i))
    ok &= not cbad

    # Markings per cluster (the subject's protective marking, where the
    # format logs subjects), for the clusters found whole.
    mpath = os.path.join(a.truth, "expected-markings.csv")
    if os.path.exists(mpath):
        cols = ("messages_attempted", "messages_leaked", "bytes_leaked")
        expm = {(r["intended"], r["marking"]): r for r in rows(mpath) if r["intended"] in whole}
        gotm = {(r["group"], r["marking"]): r for r in rows(os.path.join(a.report, "markings.csv"))
                if r["scope"] == "cluster" and r["group"] in whole}
        mbad = [k for k in sorted(set(expm) | set(gotm))
                if k not in expm or k not in gotm or any(expm[k][c] != gotm[k][c] for c in cols)]
        marked = sum(int(r["messages_attempted"]) for k, r in expm.items() if not k[1].startswith("("))
        print(f"[{a.label}] markings: {len(expm)} (cluster, marking) rows expected, "
              f"{marked} marked messages; {len(mbad)} differ")
        for k in mbad[:10]:
            print("   ", k, "expected", [expm.get(k, {}).get(c) for c in cols],
                  "got", [gotm.get(k, {}).get(c) for c in cols])
        ok &= not mbad
    print(f"[{a.label}] {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
