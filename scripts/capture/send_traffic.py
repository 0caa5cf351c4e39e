#!/usr/bin/env python3
"""Scripted SMTP traffic for capture-postfix-samples.sh.

Sends a fixed, seeded set of messages to the Postfix under test at
127.0.0.1:25, and for three "workstation" senders to the submission port
127.0.0.1:587 (loopback only), spread over about three and a half minutes.
Every address is invented; every far end is an smtp-sink (or a small Python
sink) on 127.0.0.1, chosen by Postfix's transport_maps.

  send_traffic.py --t0 EPOCH --phase 1|2|all [--plan-only]

--t0     the wall-clock second at which offset 0 of the schedule starts
         (both phases share it, so the schedule survives the reload between
         them).
--phase  1 sends the items scheduled before PHASE_SPLIT seconds, 2 the rest;
         capture-postfix-samples.sh switches Postfix to long queue IDs in
         between, so the log holds both queue-ID alphabets.
--plan-only prints the plan (one line per message) and sends nothing.

Only the standard library is used. The plan is deterministic (random seed 20261128).
"""
import argparse
import base64
import random
import smtplib
import sys
import time

SEED = 20261128
PHASE_SPLIT = 110  # seconds
ORG = "example.org"
SUBMITTERS = {"carol", "frank", "ivan"}
SENDERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]

# Intended (legitimate) correspondents, invented local parts.
INTENDED = {
    "army.mil": ["john.smith", "k.brown", "m.garcia", "ops.center", "r.jones", "s.taylor",
                 "logistics.desk", "t.nguyen", "p.wilson", "c.martin"],
    "navy.mil": ["a.clark", "fleet.ops", "d.lewis", "h.walker", "j.hall"],
    "af.mil": ["b.allen", "l.young", "airlift.ops", "e.king"],
    "gmail.com": ["pat.harper77", "sam.reed.home", "lee.morgan.dev", "kim.fox"],
    "outlook.com": ["chris.lane", "dana.price", "alex.quinn"],
    "partner.co.uk": ["procurement", "n.ellis", "v.shaw", "contracts"],
    "mod.gov.uk": ["g.hughes", "defence.liaison", "w.baker"],
    "example.com": ["info", "sales", "support", "dev"],
    "aus.intel.com": ["research.lab", "f.stone", "q.ward"],
}
# How often each intended domain is picked for bulk traffic (army.mil dominates).
WEIGHTS = {"army.mil": 10, "navy.mil": 4, "af.mil": 3, "gmail.com": 4, "outlook.com": 3,
           "partner.co.uk": 3, "mod.gov.uk": 3, "example.com": 2, "aus.intel.com": 2}

WORDS = ("status report logistics schedule meeting agenda draft contract review budget "
         "training exercise convoy supply request approval minutes update timeline "
         "procurement invoice quarterly summary personnel transfer briefing").split()


def addr(local, domain):
    return "%s@%s" % (local, domain)


def org(local):
    return addr(local, ORG)


def build_plan():
    """Return a list of dicts: t (s), sender, rcpts, size (approx bytes), note."""
    rng = random.Random(SEED)
    plan = []

    def add(t, sender, rcpts, size=None, note="", helo=None, utf8=False, port=None):
        if size is None:
            size = pick_size(rng)
        if port is None:  # these three "workstations" submit on 587 (no content filter)
            port = 587 if sender.split("@")[0] in SUBMITTERS else 25
        plan.append(dict(t=t, sender=sender, rcpts=list(rcpts), size=size, note=note,
                         helo=helo, utf8=utf8, port=port))

    # --- evidence patterns and special cases (fixed times) -----------------
    add(4, org("alice"), [addr("john.smith", "army.mil")], 2500, "target; same local part as leak")
    add(14, org("bob"), [addr("john.smith", "army.ml")], 3100, "LEAK army.ml, same local part as army.mil")
    add(22, org("carol"), [addr("John.Smith", "Army.Mil"), addr("k.brown", "army.mil")], 1800,
        "mixed-case domain")
    add(33, org("dave"), [addr("k.brown", "army.ml")], 5200, "LEAK army.ml; self-corrected at t=95")
    add(95, org("dave"), [addr("k.brown", "army.mil")], 5300, "self-correction of t=33")
    add(48, org("erin"), [addr("s.taylor", "army.mil"), addr("s.taylor", "army.ml"),
                          addr("m.garcia", "army.mil")], 12000, "army.ml and army.mil in one message")
    add(57, org("grace"), [org("team")], 7000, "list address, expands to 5 (one is army.ml)")
    add(151, org("heidi"), [org("team"), addr("ops.center", "army.mil")], 4000,
        "list address again + direct")
    add(120, org("alice"), [org("team")], 90000, "list address, large, via 587", port=587)
    # other accepting lookalikes (leaks)
    add(26, org("frank"), [addr("a.clark", "navy.ml"), addr("d.lewis", "navy.mil")], 6000, "LEAK navy.ml")
    add(131, org("ivan"), [addr("fleet.ops", "navy.ml")], 2200, "LEAK navy.ml")
    add(40, org("judy"), [addr("pat.harper77", "gmial.com")], 1500, "LEAK gmial.com")
    add(72, org("bob"), [addr("dana.price", "outlook.co")], 48000, "LEAK outlook.co")
    add(84, org("carol"), [addr("procurement", "partner.co.uk.com"), addr("n.ellis", "partner.co.uk")],
        9000, "LEAK partner.co.uk.com")
    add(66, org("erin"), [addr("research.lab", "ausintel.com")], 3300, "LEAK ausintel.com")
    add(170, org("frank"), [addr("f.stone", "ausintel.com"), addr("q.ward", "aus.intel.com")], 15000,
        "LEAK ausintel.com + intended aus.intel.com")
    # lookalikes that bounce (5xx at RCPT)
    add(30, org("heidi"), [addr("b.allen", "af.ml")], 2100, "BOUNCE af.ml")
    add(101, org("grace"), [addr("sam.reed.home", "gmail.cm"), addr("lee.morgan.dev", "gmail.com")],
        4400, "BOUNCE gmail.cm + intended gmail.com")
    add(160, org("judy"), [addr("kim.fox", "gmail.cm")], 1200, "BOUNCE gmail.cm")
    # lookalikes that are unreachable (deferred, then expired)
    add(10, org("ivan"), [addr("g.hughes", "modgov.uk"), addr("w.baker", "mod.gov.uk")], 3800,
        "UNREACHABLE modgov.uk + intended mod.gov.uk")
    add(88, org("alice"), [addr("d.lewis", "navy.mll")], 2600, "UNREACHABLE navy.mll")
    add(140, org("bob"), [addr("defence.liaison", "modgov.uk")], 1900, "UNREACHABLE modgov.uk")
    add(140.3, org("judy"), [addr("h.walker", "navy.mll")], 2300,
        "UNREACHABLE navy.mll, same far end as the previous message")
    # IDN
    add(78, org("dave"), [addr("bestellung", "bücher.example"), addr("orders", "example.com")], 2400,
        "IDN, far end without SMTPUTF8", utf8=True)
    add(112, org("erin"), [addr("pat.harper77", "gmаil.com")], 2000,  # Cyrillic a (U+0430)
        "IDN homoglyph gmаil.com (Cyrillic a), far end with SMTPUTF8", utf8=True)
    # a domain with no transport entry: default_transport = error
    add(116, org("frank"), [addr("test", "unrouted.example")], 1100, "no route (default_transport = error): smtpd rejects it, NOQUEUE")
    # local mail and inbound mail
    add(8, org("bob"), [org("carol"), org("dave")], 2000, "local")
    add(52, org("carol"), [org("alice")], 1000, "local")
    add(125, org("judy"), [org("ivan"), org("heidi"), org("postmaster")], 30000, "local + alias")
    add(62, addr("liaison", "partner.co.uk"), [org("alice"), org("bob")], 8000, "inbound",
        helo="mail.partner.co.uk")
    add(145, addr("j.doe", "army.mil"), [org("dave")], 3000, "inbound", helo="smtp.army.mil")
    # rejected recipients
    add(36, org("grace"), [org("no.such.user")], 1000, "REJECT only recipient: NOQUEUE")
    add(106, org("heidi"), [addr("t.nguyen", "army.mil"), org("nobody.here")], 1500,
        "REJECT second recipient")

    # --- bulk traffic to intended domains ----------------------------------
    domains = list(WEIGHTS)
    weights = [WEIGHTS[d] for d in domains]
    t = 2.0
    while t < 200:
        t += rng.uniform(1.5, 4.5)
        sender = org(rng.choice(SENDERS))
        n = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
        rcpts = []
        while len(rcpts) < n:
            d = rng.choices(domains, weights)[0]
            a = addr(rng.choice(INTENDED[d]), d)
            if a not in rcpts:
                rcpts.append(a)
        add(round(t, 1), sender, rcpts, None, "intended")
    plan.sort(key=lambda p: p["t"])
    return plan


def pick_size(rng):
    r = rng.random()
    if r < 0.55:
        return rng.randint(900, 6000)
    if r < 0.85:
        return rng.randint(6000, 40000)
    if r < 0.96:
        return rng.randint(40000, 150000)
    return rng.randint(200000, 350000)


def make_message(i, item, rng):
    """Build an RFC 5322 message of roughly item['size'] bytes."""
    to_hdr = ", ".join(item["rcpts"])
    head = [
        "From: %s" % item["sender"],
        "To: %s" % to_hdr,
        "Subject: %s %s #%d" % (rng.choice(WORDS).capitalize(), rng.choice(WORDS), i),
        "Date: %s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
        "Message-ID: <capture.%04d.%d@%s>" % (i, SEED, item["sender"].split("@")[1]),
        "MIME-Version: 1.0",
    ]
    target = item["size"]
    if target > 20000:
        boundary = "=_capture_%04d" % i
        head.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
        text = "Please find the attached file.\r\n"
        raw = bytes(rng.getrandbits(8) for _ in range(int(target * 0.74)))
        b64 = base64.encodebytes(raw).decode().replace("\n", "\r\n")
        body = ("--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
                "--%s\r\nContent-Type: application/octet-stream\r\n"
                "Content-Transfer-Encoding: base64\r\n"
                'Content-Disposition: attachment; filename="report-%04d.bin"\r\n\r\n%s'
                "--%s--\r\n") % (boundary, text, boundary, i, b64, boundary)
    else:
        head.append("Content-Type: text/plain; charset=utf-8")
        lines = []
        size = sum(len(h) + 2 for h in head) + 2
        while size < target:
            line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12)))
            lines.append(line)
            size += len(line) + 2
        body = "\r\n".join(lines) + "\r\n"
    return ("\r\n".join(head) + "\r\n\r\n" + body).encode("utf-8")


def send(item, msg):
    helo = item["helo"] or "ws-%s.example.org" % item["sender"].split("@")[0]
    opts = ["SMTPUTF8", "BODY=8BITMIME"] if item["utf8"] else []
    with smtplib.SMTP("127.0.0.1", item["port"], local_hostname=helo, timeout=60) as s:
        try:
            refused = s.sendmail(item["sender"], item["rcpts"], msg, mail_options=opts)
        except smtplib.SMTPRecipientsRefused as e:
            refused = e.recipients
        return refused


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--t0", type=float, default=None)
    ap.add_argument("--phase", choices=["1", "2", "all"], default="all")
    ap.add_argument("--plan-only", action="store_true")
    a = ap.parse_args()
    plan = build_plan()
    if a.plan_only:
        for i, p in enumerate(plan):
            print("%3d t=%6.1f %-24s %3d %7d %-60s %s" % (i, p["t"], p["sender"], p["port"],
                                                       p["size"], ",".join(p["rcpts"]), p["note"]))
        print("messages: %d, recipients: %d" % (len(plan), sum(len(p["rcpts"]) for p in plan)))
        return 0
    t0 = a.t0 if a.t0 is not None else time.time()
    rng = random.Random(SEED + 1)
    for i, item in enumerate(plan):
        msg = make_message(i, item, rng)  # same rng sequence in every phase
        if a.phase == "1" and item["t"] >= PHASE_SPLIT:
            continue
        if a.phase == "2" and item["t"] < PHASE_SPLIT:
            continue
        delay = t0 + item["t"] - time.time()
        if delay > 0:
            time.sleep(delay)
        try:
            refused = send(item, msg)
        except (smtplib.SMTPException, OSError) as e:
            print("send_traffic: message %d: %s" % (i, e), file=sys.stderr)
            refused = {"*": str(e)}
        print("%3d t=%6.1f :%d %s -> %s%s" % (i, item["t"], item["port"], item["sender"],
                                              ",".join(item["rcpts"]),
                                          " refused=%s" % sorted(refused) if refused else ""),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
