#!/usr/bin/env python3
"""gen-format-logs.py - make large, realistic-looking mail logs for benchmarks, in
the formats misdirect reads besides Postfix and Exim syslog/main logs (for those,
see gen-postfix-log.py, whose domain lists and options this script shares).

Formats (--format):
  sendmail  BSD syslog lines of Sendmail 8.17 (sm-mta, plus the `sendmail`
            submission program handing mail to the MTA), as in
            samples/sendmail/maillog: from=/to= lines with several recipients per
            to= line when they share a relay, deferrals retried by later queue
            runs, bounces with their DSN and its local delivery, local
            deliveries, ruleset=check_rcpt and `User unknown` refusals, STARTTLS
            and `did not issue MAIL/EXPN/VRFY/ETRN` noise. Files maillog-YYYYMMDD
            (named by rotation day, holding the day before, like the Postfix
            generator).
  journal   `journalctl -o json` lines (the field layout of syslog-to-journal.py)
            wrapping Postfix 3.7 messages: smtpd/cleanup/qmgr/smtp/local/bounce/
            pickup lines, NOQUEUE rejects, retries of deferred recipients,
            non-delivery notices, and a few entries of other programs (systemd,
            CRON). Files journal-YYYYMMDD.json.
  exchange  Exchange 2016 message tracking logs (30-field #Fields: header, UTF-8
            with BOM, CRLF): RECEIVE, SUBMIT, SEND (connector Internet, far end's
            host and IP), DEFER then SEND, FAIL with [{LRT=};{LED=...};...],
            DSN, DELIVER, EXPAND, RESOLVE, AGENTINFO rows; some mail relayed
            through an Edge server over the Intra-Organization connector. One
            file per day, MSGTRKYYYYMMDD-1.LOG, each with its header.
  m365      Microsoft 365 enhanced summary report CSV, one row per message, every
            field quoted, recipient_status as `a##Receive, Send;b##Receive, Fail`;
            UTF-8 with BOM, or UTF-16 LE with BOM with --utf16. CRLF. Files
            MTSummary_Report_YYYYMMDD.csv.

Recipient domains are drawn with a heavy tail over gen-postfix-log.py's ~2,000
domains (a head of big providers, a long tail of company domains), with a few
lookalikes (army.ml, gmial.com, ...). Output is deterministic for a --seed.

Usage:
  scripts/gen-format-logs.py --format sendmail --out DIR --mb 2048 --files 8 [--seed 1] [--plain] [--utf16]

Writes FILES daily files together holding about MB megabytes of uncompressed
output, each compressed with gzip -6 (through the gzip command) unless --plain.
"""
import argparse
import heapq
import importlib.util
import os
import random
import shutil
import subprocess
import sys
import time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("gen_postfix_log", os.path.join(_here, "gen-postfix-log.py"))
pf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pf)

DOMAINS = pf.DOMAINS            # 10 big domains, then company0..1999.example
COMPANY = DOMAINS[10:]
LOOKALIKES = pf.LOOKALIKES
SENDERS = pf.SENDERS            # user0..499@example.org: the organisation's users
NSENDERS = len(SENDERS)
ORG = "example.org"
START = 1688169600              # 2023-07-01T00:00:00Z, as gen-postfix-log.py
MON = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

FIRST = ("james mary john patricia robert jennifer michael linda david elizabeth william barbara richard susan "
         "joseph jessica thomas sarah chris karen daniel lisa matthew nancy anthony betty mark sandra paul ashley "
         "steven kim andrew emily kevin donna brian michelle george carol edward amanda ronald melissa").split()
LAST = ("smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez wilson anderson "
        "thomas taylor moore jackson martin lee thompson white harris clark lewis robinson walker young allen king "
        "wright scott hill green adams baker nelson carter mitchell roberts").split()
LOCALS = ([f"{f}.{l}" for f in FIRST for l in LAST]
          + [f"{f[0]}.{l}{k}" for k in range(1, 4) for f in FIRST[:20] for l in LAST]
          + ["info", "sales", "support", "orders", "hr", "contact", "admin", "billing", "noreply", "ops"])
NLOCALS = len(LOCALS)

SUBJECTS = [
    "Quarterly report", "Re: meeting tomorrow", "Invoice 2023-0712", "Fwd: travel plans, updated",
    'Re: "draft" v2, comments', "Lunch?", "Contract renewal - action required", "Itinerary, day 2",
    "Weekly status", "RE: Budget, Q3 (final)", "Réunion, lundi 10h", "Übersicht Bestellungen",
    'The "big" launch', "Minutes: board meeting", "Your order has shipped", "Payroll, July",
    "Re: Re: Re: access request", "Training schedule", "Security notice", "Holiday rota, v3",
    "Proposal, \"final\" (really)", "Site visit", "Kit list", "Fwd: photos", "Press release draft",
    "RE: 'urgent' - shipment 4471", "Logistics update", "Welcome aboard!", "Price list 2023", "Out of office",
]
SUBJ_CSV = ['"' + s.replace('"', '""') + '"' if ("," in s or '"' in s) else s for s in SUBJECTS]
SUBJ_QUOTED = ['"' + s.replace('"', '""') + '"' for s in SUBJECTS]
NRCPTS = [1] * 55 + [2] * 20 + [3] * 10 + [4] * 6 + [5] * 4 + [8] * 3 + [15] * 2
REL_SHARE = 0.40      # share of recipients drawn by gen-postfix's Pareto head
P_LOOKALIKE = 0.003


def pick_domain(rng):
    """A recipient domain: Pareto-ranked head (big providers, the first company
    domains), a long tail over all company domains, a few lookalikes."""
    r = rng.random()
    if r < P_LOOKALIKE:
        return LOOKALIKES[int(rng.random() * len(LOOKALIKES))]
    if r < REL_SHARE:
        i = int(rng.paretovariate(1.1)) - 1
        return DOMAINS[i if i < len(DOMAINS) else -1]
    return COMPANY[int(len(COMPANY) * rng.random() ** 2)]


def local_part(rng):
    return LOCALS[int(rng.random() * NLOCALS)]


def msg_size(rng):
    return int(min(rng.paretovariate(1.2) * 2000, 25_000_000))


def _mx_table():
    """Each domain's MX host and address. Google-hosted company domains share
    one MX name, so Sendmail puts their recipients on one to= line."""
    mx = {"gmail.com": "gmail-smtp-in.l.google.com", "outlook.com": "outlook-com.olc.protection.outlook.com",
          "hotmail.com": "hotmail-com.olc.protection.outlook.com", "yahoo.com": "mta5.am0.yahoodns.net"}
    for i, d in enumerate(DOMAINS + LOOKALIKES):
        if d in mx:
            continue
        if d.startswith("company") and i % 5 == 0:
            mx[d] = "aspmx.l.google.com"
        elif d.startswith("company") and i % 5 == 1:
            mx[d] = d.replace(".", "-") + ".mail.protection.outlook.com"
        else:
            mx[d] = "mx." + d
    ips = {}
    out = {}
    for d, h in mx.items():
        if h not in ips:
            k = len(ips)
            ips[h] = f"{('198.51.100', '203.0.113')[k % 2]}.{1 + (k * 37) % 254}"
        out[d] = (h, ips[h])
    return out


MX = _mx_table()


class Stamps:
    """Formatted times, cached per second."""

    def __init__(self):
        self.b, self.i = {}, {}

    def bsd(self, s):
        v = self.b.get(s)
        if v is None:
            if len(self.b) > 8192:
                self.b.clear()
            tm = time.gmtime(s)
            v = self.b[s] = f"{MON[tm.tm_mon - 1]} {tm.tm_mday:2d} {tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}"
        return v

    def iso(self, s):
        day, sec = divmod(s, 86400)
        d = self.i.get(day)
        if d is None:
            d = self.i[day] = time.strftime("%Y-%m-%dT", time.gmtime(s))
        h, sec = divmod(sec, 3600)
        return f"{d}{h:02d}:{sec // 60:02d}:{sec % 60:02d}"


def smtp_reply(rng, mx):
    """A far end's reply to the end of DATA, by provider."""
    g = rng.getrandbits(40)
    if "google" in mx:
        return f"250 2.0.0 OK  {1688169600 + g % 9999999} {g:x}si{g % 99991}wmb.{g % 97} - gsmtp"
    if "outlook" in mx:
        return f"250 2.6.0 <{g:x}@mx1.{ORG}> [InternalId={g}, Hostname=AM0PR01MB{g % 9999:04d}.eurprd01.prod.exchangelabs.com] Queued mail for delivery"
    return f"250 2.0.0 Ok: queued as {g:010X}"


def guid(rng):
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


class Base:
    """Shared by the formats: a queue of lines due later (retries), the rng."""
    encoding = "utf-8"
    avg = 1000          # first guess of bytes per message, refined while writing

    def __init__(self, rng, a):
        self.rng = rng
        self.st = Stamps()
        self.later = []
        self.seq = 0
        self.n = 0

    def schedule(self, due, fn, *args):
        """Calls fn(*args) for a line (or row) when the time passes `due`."""
        self.seq += 1
        heapq.heappush(self.later, (due, self.seq, fn, args))

    def due(self, t, out):
        later = self.later
        while later and later[0][0] <= t:
            _, _, fn, args = heapq.heappop(later)
            out.append(fn(*args))

    def drain(self):
        out = []
        self.due(float("inf"), out)
        return self.join(out)

    def join(self, lines):
        return "\n".join(lines) + "\n" if lines else ""

    def head(self, day):
        return ""

    def recipients(self, k, local_share=0.08):
        """k distinct recipients (address, domain); local ones have domain ORG."""
        rnd = self.rng.random
        out = {}
        for _ in range(k):
            if rnd() < local_share:
                out[SENDERS[int(rnd() * NSENDERS)]] = ORG
            else:
                d = pick_domain(self.rng)
                out[f"{LOCALS[int(rnd() * NLOCALS)]}@{d}"] = d
        return list(out.items())


# --------------------------------------------------------------------- Sendmail

B60 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
PAIRS = [x + y for x in B60 for y in B60]
TLS13 = "version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256"


def hms(sec):
    sec = int(sec)
    return f"{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}"


class Sendmail(Base):
    avg = 750
    host = "mx1"

    def __init__(self, rng, a):
        super().__init__(rng, a)
        self.pid = 1200
        self.qpre = {}
        self.started = False

    def filename(self, f):
        return f"maillog-{time.strftime('%Y%m%d', time.gmtime(START + (f + 1) * 86400))}"

    def newpid(self, k=3):
        self.pid += 1 + int(self.rng.random() * k)
        if self.pid > 999_000:
            self.pid = 300
        return self.pid

    def qid(self, s, pid):
        p = self.qpre.get(s)
        if p is None:
            if len(self.qpre) > 8192:
                self.qpre.clear()
            tm = time.gmtime(s)
            p = self.qpre[s] = "".join(B60[x] for x in (
                (tm.tm_year - 1900) % 60, tm.tm_mon - 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec))
        return f"{p}{PAIRS[int(self.rng.random() * 3600)]}{pid:06d}"

    def line(self, s, prog, pid, text):
        return f"{self.st.bsd(s)} {self.host} {prog}[{pid}]: {text}"

    def message(self, t):
        rng = self.rng
        self.n += 1
        out = []
        self.due(t, out)
        s = int(t)
        if not self.started:
            self.started = True
            out.append(self.line(s, "sm-mta", 1100, "starting daemon (8.17.1.9): SMTP+queueing@00:15:00"))
        r = rng.random()
        if r < 0.07:
            self.submission(s, out)
        elif r < 0.22:
            self.inbound(s, out)
        elif r < 0.235:
            self.refused(s, out)
        else:
            self.outbound(s, out)
        return self.join(out)

    def arrival(self, s, out, sender, size, k, msgid, daemon, client, tls):
        p = self.newpid()
        qid = self.qid(s, p)
        if tls:
            out.append(self.line(s, "sm-mta", p, f"STARTTLS=server, relay={client}, version=TLSv1.3, verify=NO, cipher=TLS_AES_256_GCM_SHA384, bits=256/256"))
        body = "bodytype=8BITMIME, " if self.rng.random() < 0.3 else ""
        out.append(self.line(s, "sm-mta", p, f"{qid}: from=<{sender}>, size={size}, class=0, nrcpts={k}, msgid=<{msgid}>, {body}proto=ESMTP, daemon={daemon}, relay={client}"))
        return qid

    def outbound(self, s, out):
        rng = self.rng
        sender = SENDERS[int(rng.random() * len(SENDERS))]
        rcpts = self.recipients(NRCPTS[int(rng.random() * len(NRCPTS))])
        size = msg_size(rng)
        n = int(rng.random() * 250)
        if rng.random() < 0.6:
            daemon, client = "MSP-v4", f"ws{n}.{ORG} [10.1.{n % 8}.{n}]"
        else:
            daemon, client = "MTA-v4", f"app{n % 12}.{ORG} [10.2.0.{n % 12 + 10}]"
        msgid = f"{rng.getrandbits(48):012x}.{n}@{ORG}"
        qid = self.arrival(s, out, sender, size, len(rcpts), msgid, daemon, client, rng.random() < 0.5)
        self.deliver(s + int(rng.random() * 2), qid, sender, size, rcpts, out)

    def inbound(self, s, out):
        rng = self.rng
        dom = COMPANY[int(rng.random() * len(COMPANY))]
        sender = f"{local_part(rng)}@{dom}"
        k = 1 + int(rng.random() < 0.25)
        rcpts = [(SENDERS[int(rng.random() * len(SENDERS))], ORG) for _ in range(k)]
        rcpts = list(dict.fromkeys(rcpts))
        ip = f"203.0.113.{1 + int(rng.random() * 254)}"
        client = f"mail.{dom} [{ip}]" + (" (may be forged)" if rng.random() < 0.05 else "")
        pre = []
        if rng.random() < 0.05:
            pre.append(f"<{local_part(rng).replace('.', '')}@{ORG}>... User unknown")
        qid = self.arrival(s, out, sender, msg_size(rng), len(rcpts), f"CA{rng.getrandbits(64):016X}@mail.{dom}",
                           "MTA-v4", client, rng.random() < 0.7)
        for x in pre:   # logged at RCPT time, before the from= line
            out.insert(len(out) - 1, self.line(s, "sm-mta", self.pid, f"{qid}: {x}"))
        self.deliver(s, qid, sender, 0, rcpts, out)

    def submission(self, s, out):
        """The `sendmail` command: submission program, then the MTA."""
        rng = self.rng
        if rng.random() < 0.25:
            bare, full, ctl, user = "root", f"root@mx1.{ORG}", "root (0/0)", "root"
        else:
            full = SENDERS[int(rng.random() * len(SENDERS))]
            uid = 1000 + int(full[4:full.index("@")])
            bare, ctl, user = full, f"{full} ({uid}/{uid})", full[:full.index("@")]
        rcpts = self.recipients(NRCPTS[int(rng.random() * len(NRCPTS))], local_share=0.03)
        size = msg_size(rng)
        k = len(rcpts)
        p1 = self.newpid()
        q1 = self.qid(s, p1)
        tm = time.gmtime(s)
        msgid = f"{tm.tm_year}{tm.tm_mon:02d}{tm.tm_mday:02d}{tm.tm_hour:02d}{tm.tm_min:02d}.{q1}@mx1.{ORG}"
        out.append(self.line(s, "sendmail", p1, f"{q1}: from={bare}, size={size}, class=0, nrcpts={k}, msgid=<{msgid}>, relay={user}@localhost"))
        size2 = size + 180 + int(rng.random() * 80)
        q2 = self.arrival(s, out, full, size2, k, msgid, "MTA-v4", "localhost [127.0.0.1]", False)
        if rng.random() < 0.5:
            out.append(self.line(s, "sendmail", p1, "STARTTLS=client, relay=[127.0.0.1], " + TLS13))
        to = ",".join(a for a, _ in rcpts)
        out.append(self.line(s, "sendmail", p1, f"{q1}: to={to}, ctladdr={ctl}, delay=00:00:00, xdelay=00:00:00, mailer=relay, pri={30000 * k + size}, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent ({q2} Message accepted for delivery)"))
        self.deliver(s, q2, full, size2, rcpts, out)

    def refused(self, s, out):
        """Sessions that left no message: relay probes, silent clients."""
        rng = self.rng
        p = self.newpid()
        qid = self.qid(s, p)
        ip = f"192.0.2.{1 + int(rng.random() * 254)}"
        host = rng.choice(("scanner.example.net", "unknown", f"probe{int(rng.random() * 50)}.example.net"))
        r = rng.random()
        if r < 0.45:
            out.append(self.line(s, "sm-mta", p, f"{qid}: {host} [{ip}] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA-v4"))
        elif r < 0.8:
            a = f"{local_part(rng)}@{DOMAINS[int(rng.random() * 6)]}"
            out.append(self.line(s, "sm-mta", p, f"{qid}: ruleset=check_rcpt, arg1=<{a}>, relay={host} [{ip}], reject=550 5.7.1 <{a}>... Relaying denied"))
            out.append(self.line(s + 1, "sm-mta", p, f"{qid}: lost input channel from {host} [{ip}] to MTA-v4 after rcpt"))
        else:
            a = f"{local_part(rng)}@{ORG}"
            out.append(self.line(s, "sm-mta", p, f"{qid}: ruleset=check_rcpt, arg1=<{a}>, relay={host} [{ip}], reject=550 5.2.1 <{a}>... Mailbox disabled for this recipient"))

    def deliver(self, s, qid, sender, size, rcpts, out):
        """The MTA's to= lines for a queued message: local ones one by one,
        remote ones one line per relay; some deferred, some refused."""
        rng = self.rng
        p = self.newpid()
        k = len(rcpts)
        pri = size + 30000 * k
        groups = {}
        for a, d in rcpts:
            if d == ORG:
                out.append(self.line(s, "sm-mta", p, f"{qid}: to=<{a}>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri={pri}, dsn=2.0.0, stat=Sent"))
            else:
                groups.setdefault(MX[d], []).append(a)
        bounced = []
        for (mx, ip), addrs in groups.items():
            relay = f"{mx}. [{ip}]"
            r = rng.random()
            if r < 0.6:
                out.append(self.line(s, "sm-mta", p, f"STARTTLS=client, relay={mx}., " + TLS13))
            if r < 0.035:
                why = (f"Connection refused by {mx}." if r < 0.02 else
                       "451 4.7.1 Greylisted, see https://postgrey.schweikert.ch/help/ (try again later)" if r < 0.03 else
                       f"Connection timed out with {mx}.")
                dsn = "4.0.0" if "Greylisted" in why else "4.4.1"
                out.append(self.line(s, "sm-mta", p, f"{qid}: to={self.tolist(addrs)}, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri={pri}, relay={relay}, dsn={dsn}, stat=Deferred: {why}"))
                self.retry(s, qid, addrs, pri, relay, mx)
                continue
            if r > 0.975:
                bad, addrs = addrs[0], addrs[1:]
                bounced.append(bad)
                reply = ("550 5.1.1 <%s>... User unknown" % bad if r > 0.99 else
                         "550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table")
                out.append(self.line(s, "sm-mta", p, f"{qid}: to=<{bad}>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri={pri}, relay={relay}, dsn=5.1.1, reply={reply}, stat=User unknown"))
                if not addrs:
                    continue
            out.append(self.line(s, "sm-mta", p, f"{qid}: to={self.tolist(addrs)}, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri={pri}, relay={relay}, dsn=2.0.0, stat=Sent ({self.reply(mx)})"))
        if bounced and sender:
            q2 = self.qid(s, p)
            out.append(self.line(s, "sm-mta", p, f"{qid}: {q2}: DSN: User unknown"))
            if sender.endswith("@" + ORG) or sender.endswith(f"@mx1.{ORG}"):
                out.append(self.line(s, "sm-mta", p, f"{q2}: to=<{sender}>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30000, dsn=2.0.0, stat=Sent"))

    @staticmethod
    def tolist(addrs):
        return "<" + ">,<".join(reversed(addrs)) + ">"

    def reply(self, mx):
        """Sendmail logs the far end's reply without its codes."""
        return smtp_reply(self.rng, mx).split(" ", 2)[2]

    def retry(self, s, qid, addrs, pri, relay, mx):
        """Later queue runs: sent after one or two more tries."""
        rng = self.rng
        tries = 1 + int(rng.random() < 0.2)
        t = s
        for i in range(tries):
            t += 900 * (i + 1) + int(rng.random() * 300)
            pri += 90000
            if i + 1 < tries:
                text = f"{qid}: to={self.tolist(addrs)}, delay={hms(t - s)}, xdelay=00:00:00, mailer=esmtp, pri={pri}, relay={relay}, dsn=4.4.1, stat=Deferred: Connection refused by {mx}."
            else:
                text = f"{qid}: to={self.tolist(addrs)}, delay={hms(t - s)}, xdelay=00:00:01, mailer=esmtp, pri={pri}, relay={relay}, dsn=2.0.0, stat=Sent ({self.reply(mx)})"
            self.schedule(t, self.queue_run, t, text)

    def queue_run(self, t, text):
        return self.line(t, "sm-mta", self.newpid(), text)


# ---------------------------------------------------------------------- journal

class Journal(Base):
    """Postfix 3.7 messages as journald stores them (journalctl -o json)."""
    avg = 5500
    host = "mx1"

    def __init__(self, rng, a):
        super().__init__(rng, a)
        self.boot = "%032x" % rng.getrandbits(128)
        self.seqid = "%032x" % rng.getrandbits(128)
        self.boot_us = (START - 3 * 86400) * 1_000_000
        self.i = 0
        self.pid = 2000
        self.tail = {}

    def filename(self, f):
        return f"journal-{time.strftime('%Y%m%d', time.gmtime(START + f * 86400))}.json"

    def newpid(self, k=3):
        self.pid += 1 + int(self.rng.random() * k)
        if self.pid > 4_000_000:
            self.pid = 300
        return self.pid

    def e(self, us, ident, pid, msg, transport="syslog", prio="6"):
        """One entry, fields in syslog-to-journal.py's (journalctl's) order."""
        self.i += 1
        i = self.i
        mono = us - self.boot_us
        x = (i * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        if '"' in msg or "\\" in msg:
            msg = msg.replace("\\", "\\\\").replace('"', '\\"')
        tail = self.tail.get(ident)
        if tail is None:
            tail = self.tail[ident] = (f'","_COMM":"{ident.split("/")[-1]}","_HOSTNAME":"{self.host}","MESSAGE":"')
        stamp = self.st.bsd(us // 1_000_000)
        return (f'{{"__CURSOR":"s={self.seqid};i={i:x};b={self.boot};m={mono:x};t={us:x};x={x:016x}",'
                f'"__REALTIME_TIMESTAMP":"{us}","__MONOTONIC_TIMESTAMP":"{mono}","_BOOT_ID":"{self.boot}",'
                f'"_TRANSPORT":"{transport}","PRIORITY":"{prio}","SYSLOG_FACILITY":"2","SYSLOG_IDENTIFIER":"{ident}",'
                f'"SYSLOG_PID":"{pid}","_PID":"{pid}{tail}{msg}"'
                + (f',"SYSLOG_TIMESTAMP":"{stamp} "}}' if transport == "syslog" else "}"))

    def message(self, t):
        rng = self.rng
        self.n += 1
        n = self.n
        out = []
        self.due(t, out)
        us = int(t * 1_000_000)
        r = rng.random()
        if r < 0.02:
            self.noqueue(us, out)
        elif r < 0.07:
            self.pickup(us, out)
        elif r < 0.22:
            self.smtpd(us, out, inbound=True)
        else:
            self.smtpd(us, out, inbound=False)
        if n % 50 == 0:
            out.append(self.e(us + 5, "postfix/anvil", 77, f"statistics: max connection rate 3/60s for (smtp:192.0.2.{n % 254 + 1}) at {self.st.bsd(us // 1_000_000)}"))
        if n % 37 == 0:
            out.append(self.e(us + 7, "CRON", 40000 + n % 9000, "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"))
        if n % 211 == 0:
            out.append(self.e(us + 9, "systemd", 1, "Starting logrotate.service - Rotate log files...", transport="journal"))
        return self.join(out)

    def noqueue(self, us, out):
        rng = self.rng
        p = self.newpid()
        ip = f"192.0.2.{1 + int(rng.random() * 254)}"
        a = f"{local_part(rng)}@{DOMAINS[int(rng.random() * 6)]}"
        out.append(self.e(us, "postfix/smtpd", p, f"connect from unknown[{ip}]"))
        out.append(self.e(us + 900, "postfix/smtpd", p, f"NOQUEUE: reject: RCPT from unknown[{ip}]: 554 5.7.1 <{a}>: Relay access denied; from=<spam@probe.example.net> to=<{a}> proto=ESMTP helo=<probe.example.net>"))
        out.append(self.e(us + 1800, "postfix/smtpd", p, f"disconnect from unknown[{ip}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4"))

    def smtpd(self, us, out, inbound):
        rng = self.rng
        n = self.n
        p = self.newpid()
        qid = pf.queue_id(rng, n)
        if inbound:
            dom = COMPANY[int(rng.random() * len(COMPANY))]
            sender = f"{local_part(rng)}@{dom}"
            client = f"mail.{dom}[203.0.113.{1 + n % 254}]"
            k = 1 + int(rng.random() < 0.25)
            rcpts = list(dict.fromkeys((SENDERS[int(rng.random() * len(SENDERS))], ORG) for _ in range(k)))
            auth = ""
        else:
            sender = SENDERS[int(rng.random() * len(SENDERS))]
            client = f"ws{n % 250}.{ORG}[10.1.{n % 8}.{n % 250}]"
            rcpts = self.recipients(NRCPTS[int(rng.random() * len(NRCPTS))])
            auth = f", sasl_method=PLAIN, sasl_username={sender[:sender.index('@')]}"
        k = len(rcpts)
        size = msg_size(rng)
        e = self.e
        out.append(e(us, "postfix/smtpd", p, f"connect from {client}"))
        if rng.random() < 0.7:
            out.append(e(us + 120_000, "postfix/smtpd", p, f"Anonymous TLS connection established from {client}: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"))
        out.append(e(us + 210_000, "postfix/smtpd", p, f"{qid}: client={client}{auth}"))
        out.append(e(us + 260_000, "postfix/cleanup", p + 1, f"{qid}: message-id=<{rng.getrandbits(48):012x}.{n}@{sender[sender.index('@') + 1:]}>"))
        out.append(e(us + 270_000, "postfix/qmgr", 900, f"{qid}: from=<{sender}>, size={size}, nrcpt={k} (queue active)"))
        out.append(e(us + 300_000, "postfix/smtpd", p, f"disconnect from {client} ehlo=2 starttls=1 mail=1 rcpt={k} data=1 quit=1 commands={6 + k}"))
        self.deliver(us + 400_000, qid, sender, rcpts, out)

    def pickup(self, us, out):
        rng = self.rng
        n = self.n
        qid = pf.queue_id(rng, n)
        uid, user = (0, "root") if rng.random() < 0.5 else (1000 + n % 500, SENDERS[n % 500][:SENDERS[n % 500].index("@")])
        sender = f"{user}@{ORG}"
        rcpts = self.recipients(1 + int(rng.random() < 0.3), local_share=0.3)
        e = self.e
        out.append(e(us, "postfix/pickup", 880, f"{qid}: uid={uid} from=<{user}>"))
        out.append(e(us + 40_000, "postfix/cleanup", self.newpid(), f"{qid}: message-id=<{time.strftime('%Y%m%d%H%M%S', time.gmtime(us // 1_000_000))}.{qid}@mx1.{ORG}>"))
        out.append(e(us + 50_000, "postfix/qmgr", 900, f"{qid}: from=<{sender}>, size={msg_size(rng)}, nrcpt={len(rcpts)} (queue active)"))
        self.deliver(us + 200_000, qid, sender, rcpts, out)

    def deliver(self, us, qid, sender, rcpts, out):
        rng = self.rng
        e = self.e
        p = self.newpid()
        deferred = []
        bounced = []
        for j, (a, d) in enumerate(rcpts):
            u = us + j * 30_000
            if d == ORG:
                out.append(e(u, "postfix/local", p + 1, f"{qid}: to=<{a}>, relay=local, delay=0.41, delays=0.38/0.01/0/0.02, dsn=2.0.0, status=sent (delivered to mailbox)"))
                continue
            mx, ip = MX[d]
            relay = f"{mx}[{ip}]:25"
            r = rng.random()
            if r < 0.03:
                out.append(e(u, "postfix/smtp", p, f"{qid}: to=<{a}>, relay=none, delay=30, delays=0.02/0/30/0, dsn=4.4.1, status=deferred (connect to {relay}: Connection timed out)"))
                deferred.append((a, relay))
            elif r < 0.05:
                out.append(e(u, "postfix/smtp", p, f"{qid}: to=<{a}>, relay={relay}, delay=0.9, delays=0.01/0.01/0.5/0.3, dsn=5.1.1, status=bounced (host {relay[:-3]} said: 550 5.1.1 <{a}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))"))
                bounced.append(a)
            else:
                out.append(e(u, "postfix/smtp", p, f"{qid}: to=<{a}>, relay={relay}, delay=0.62, delays=0.02/0.01/0.21/0.38, dsn=2.0.0, status=sent ({smtp_reply(rng, mx)})"))
        u = us + len(rcpts) * 30_000
        if bounced:
            ndr = pf.queue_id(rng, 1)
            c = self.newpid()
            out.append(e(u, "postfix/cleanup", c, f"{ndr}: message-id=<{u}.{ndr}@mx1.{ORG}>"))
            out.append(e(u + 1000, "postfix/bounce", c + 1, f"{qid}: sender non-delivery notification: {ndr}"))
            out.append(e(u + 2000, "postfix/qmgr", 900, f"{ndr}: from=<>, size={2900 + len(bounced) * 200}, nrcpt=1 (queue active)"))
            if sender.endswith("@" + ORG):
                out.append(e(u + 9000, "postfix/local", c + 2, f"{ndr}: to=<{sender}>, relay=local, delay=0.01, delays=0/0/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)"))
            else:
                mx, ip = MX.get(sender[sender.index("@") + 1:], ("mx.example.net", "192.0.2.1"))
                out.append(e(u + 9000, "postfix/smtp", c + 2, f"{ndr}: to=<{sender}>, relay={mx}[{ip}]:25, delay=0.5, delays=0/0/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued)"))
            out.append(e(u + 10_000, "postfix/qmgr", 900, f"{ndr}: removed"))
        if not deferred:
            out.append(e(u + 20_000, "postfix/qmgr", 900, f"{qid}: removed"))
            return
        # Retried by a later queue run; then the message is removed.
        wait = 300 + int(rng.random() * 1500)
        ru = us + wait * 1_000_000
        self.schedule(ru / 1e6, self.retry, ru, qid, wait, deferred)

    def retry(self, ru, qid, wait, deferred):
        """A later queue run sends the deferred recipients; then removed."""
        e = self.e
        p = self.newpid()
        out = [e(ru + j * 50_000, "postfix/smtp", p, f"{qid}: to=<{a}>, relay={relay}, delay={wait}, delays={wait - 1}/0.02/0.3/0.4, dsn=2.0.0, status=sent ({smtp_reply(self.rng, relay)})")
               for j, (a, relay) in enumerate(deferred)]
        out.append(e(ru + 500_000, "postfix/qmgr", 900, f"{qid}: removed"))
        return "\n".join(out)


# --------------------------------------------------------------------- Exchange

FIELDS_2016 = ("date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,"
               "source,event-id,internal-message-id,message-id,network-message-id,recipient-address,"
               "recipient-status,total-bytes,recipient-count,related-recipient-address,reference,"
               "message-subject,sender-address,return-path,message-info,directionality,tenant-id,"
               "original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,"
               "schema-version")
EX = f"EX01.{ORG}"
EDGE = f"EDGE01.{ORG}"
DEFER_TEXT = ('"451 4.4.0 Primary target IP address responded with: ""421 4.4.2 Connection dropped due to '
              'SocketError."" Attempted failover to alternate host, but that did not succeed. Either there are '
              'no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was {ip}:25"')


class Exchange(Base):
    avg = 1300

    def __init__(self, rng, a):
        super().__init__(rng, a)
        self.imid = 12884901888
        self.rows = 0

    def filename(self, f):
        return f"MSGTRK{time.strftime('%Y%m%d', time.gmtime(START + f * 86400))}-1.LOG"

    def head(self, day):
        return ("\ufeff#Software: Microsoft Exchange Server\n#Version: 15.01.2507.035\n"
                "#Log-Type: Message Tracking Log\n"
                f"#Date: {self.st.iso(day)}.000Z\n#Fields: {FIELDS_2016}\n")

    def dt(self, t):
        s = int(t)
        return f"{self.st.iso(s)}.{int((t - s) * 1000):03d}Z"

    def row(self, t, cip, chost, sip, shost, sctx, conn, src, ev, imid, m, rcpt, rstat, rcount, related,
            minfo="", custom=""):
        """One 30-field row; m is the message's fixed fields."""
        self.rows += 1
        mid, nmid, size, subj, sender, direction, ocip = m
        return (f"{self.dt(t)},{cip},{chost},{sip},{shost},{sctx},{conn},{src},{ev},{imid},{mid},{nmid},"
                f"{rcpt},{rstat},{size},{rcount},{related},,{subj},{sender},{sender},{minfo},{direction},,"
                f"{ocip},,{custom},Email,08DB{self.rows:012X},15.01.2507.035")

    def message(self, t):
        rng = self.rng
        self.n += 1
        out = []
        self.due(t, out)
        self.imid += 2
        if rng.random() < 0.22:
            self.inbound(t, out)
        else:
            self.outbound(t, out)
        if rng.random() < 0.01:     # an address resolved to another one (noise)
            a = SENDERS[int(rng.random() * len(SENDERS))]
            m = (f"<{rng.getrandbits(40):x}@{ORG}>", guid(rng), 1200, SUBJ_CSV[0], a, "Originating", "")
            out.append(self.row(t + 0.01, "", "", "", EX, "", "", "ROUTING", "RESOLVE", self.imid, m, a, "", 1,
                                a.replace("user", "u.")))
        return self.join(out)

    def msg_fields(self, sender, direction, ocip):
        rng = self.rng
        host = ORG if direction == "Originating" else sender[sender.index("@") + 1:]
        return (f"<{rng.getrandbits(64):016X}@{host}>", guid(rng), msg_size(rng),
                SUBJ_CSV[int(rng.random() * len(SUBJ_CSV))], sender, direction, ocip)

    def inbound(self, t, out):
        rng = self.rng
        dom = COMPANY[int(rng.random() * len(COMPANY))]
        sender = f"{local_part(rng)}@{dom}"
        ip = f"203.0.113.{1 + int(rng.random() * 254)}"
        k = 1 + int(rng.random() < 0.25)
        rcpts = list(dict.fromkeys(SENDERS[int(rng.random() * len(SENDERS))] for _ in range(k)))
        m = self.msg_fields(sender, "Incoming", ip)
        imid = self.imid
        rl = ";".join(rcpts)
        out.append(self.row(t, ip, f"mail.{dom}", "10.0.0.10", EX, f"08DB{imid:012X};250 2.0.0 OK", "EX01\\Default Frontend EX01",
                            "SMTP", "RECEIVE", imid, m, rl, "", len(rcpts), "", "", "S:ProxyHop1=EX01.example.org(10.0.0.10)"))
        if rng.random() < 0.3:
            out.append(self.row(t + 0.05, "", "", "", EX, "TransportRuleAgent", "", "AGENT", "AGENTINFO", imid, m, rl, "",
                                len(rcpts), "", "", "S:AMA=SUM|action=p|error=|atch=0;S:TRA=ETRP|ETR=0"))
        out.append(self.row(t + 0.4, "10.0.0.10", EX, "", EX, "08DB2A1F44E0C0AA;MDB",
                            "", "STOREDRIVER", "DELIVER", imid, m, rl, ";".join(["250 2.0.0 OK"] * len(rcpts)),
                            len(rcpts), "", "MDB:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"))

    def outbound(self, t, out):
        rng = self.rng
        sender = SENDERS[int(rng.random() * len(SENDERS))]
        ws = int(rng.random() * 250)
        m = self.msg_fields(sender, "Originating", f"10.1.{ws % 8}.{ws}")
        rcpts = self.recipients(NRCPTS[int(rng.random() * len(NRCPTS))])
        dl = rng.random() < 0.03
        if dl:
            members = list(dict.fromkeys(SENDERS[int(rng.random() * len(SENDERS))] for _ in range(4)))
            rcpts.append((f"all-staff@{ORG}", "DL"))
        imid = self.imid
        rl = ";".join(a for a, _ in rcpts)
        k = len(rcpts)
        if rng.random() < 0.4:
            out.append(self.row(t - 0.2, "", EX, "", EX, "MDB:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "", "STOREDRIVER",
                                "SUBMIT", imid, m, rl, "", k, "", "", "S:MailboxDatabaseGuid=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"))
        out.append(self.row(t, "", EX, "", EX, "08DB2A1F44E0C0AA", "", "STOREDRIVER", "RECEIVE", imid, m, rl, "", k, "", "04I:",
                            "S:DeliveryPriority=Normal;S:AccountForest=example.org"))
        if rng.random() < 0.3:
            out.append(self.row(t + 0.05, "", "", "", EX, "TransportRuleAgent", "", "AGENT", "AGENTINFO", imid, m, rl, "", k,
                                "", "", "S:TRA=ETRP|ETR=0|ETRI=1"))
        local = [a for a, d in rcpts if d == ORG]
        if dl:
            out.append(self.row(t + 0.1, "", "", "", EX, "", "", "ROUTING", "EXPAND", imid, m, ";".join(members), "",
                                len(members), f"all-staff@{ORG}"))
            local += [x for x in members if x not in local]
        if local and rng.random() < 0.03:
            # A mailbox that does not exist: refused by the resolver.
            bad = local.pop()
            out.append(self.row(t + 0.2, "", "", "", EX, "", "", "ROUTING", "FAIL", imid, m, bad,
                                "[{LRT=};{LED=550 5.1.1 RESOLVER.ADR.RecipNotFound; not found};{FQDN=};{IP=}]", 1, ""))
            out.append(self.row(t + 0.25, "", "", "", EX, "", "", "DSN", "DSN", imid + 1, m, m[4], "", 1, bad))
        if local:
            out.append(self.row(t + 0.3, "10.0.0.10", EX, "", EX, "08DB2A1F44E0C0AA;MDB",
                                "", "STOREDRIVER", "DELIVER", imid, m, ";".join(local),
                                ";".join(["250 2.0.0 OK"] * len(local)), len(local), "", "MDB:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"))
        remote = [(a, d) for a, d in rcpts if d not in (ORG, "DL")]
        if not remote:
            return
        src, srcip, ts = EX, "10.0.0.10", t + 0.6
        if rng.random() < 0.25:
            # Through the Edge: a hop inside the organisation, then a new RECEIVE.
            rr = ";".join(a for a, _ in remote)
            out.append(self.row(ts, "10.0.0.10", EX, "10.0.0.20", EDGE, "08DB2A1F44E0C0AB;250 2.0.0 OK",
                                "Intra-Organization SMTP Send Connector", "SMTP", "SEND", imid, m, rr,
                                ";".join(["250 2.1.5 Recipient OK"] * len(remote)), len(remote), ""))
            out.append(self.row(ts + 0.2, "10.0.0.10", EX, "10.0.0.20", EDGE, "08DB5C3E11AA0001;250 2.0.0 OK",
                                "Default internal receive connector EDGE01", "SMTP", "RECEIVE", imid + 7_000_000_000, m, rr,
                                "", len(remote), ""))
            src, srcip, ts = EDGE, "10.0.0.20", ts + 0.6
            imid += 7_000_000_000
        groups = {}
        for a, d in remote:
            groups.setdefault(MX[d], []).append(a)
        for (mx, ip), addrs in groups.items():
            r = rng.random()
            if r < 0.03:
                # Deferred now, sent by a later retry.
                for a in addrs:
                    out.append(self.row(ts, srcip, src, ip, mx, "08DB2A1F44E0C0AC", "Internet", "SMTP", "DEFER", imid, m,
                                        a, DEFER_TEXT.format(ip=ip), 1, ""))
                later = ts + 600 + rng.random() * 1800
                self.schedule(later, self.row, later, srcip, src, ip, mx, "08DB2A1F44E0C0AD;250 2.0.0 OK", "Internet", "SMTP",
                              "SEND", imid, m, ";".join(addrs), ";".join(["250 2.0.0 OK"] * len(addrs)), len(addrs), "")
                continue
            if r > 0.975:
                bad, addrs = addrs[0], addrs[1:]
                led = (f"[{{LRT=}};{{LED=550 5.1.1 <{bad}>: Recipient address rejected: User unknown}};{{FQDN={mx}}};{{IP={ip}}}]"
                       if r > 0.985 else f"[{{LRT=}};{{LED=550 5.1.1 User unknown}};{{FQDN={mx}}};{{IP={ip}}}]")
                out.append(self.row(ts, srcip, src, ip, mx, "", "Internet", "SMTP", "FAIL", imid, m, bad, led, 1, ""))
                out.append(self.row(ts + 0.1, "", "", "", src, "", "", "DSN", "DSN", imid + 1, m, m[4], "", 1, bad))
                if not addrs:
                    continue
            out.append(self.row(ts, srcip, src, ip, mx, f"08DB2A1F44E0C0AE;250 2.0.0 OK;ClientSubmitTime:{self.dt(t)}", "Internet",
                                "SMTP", "SEND", imid, m, ";".join(addrs), ";".join(["250 2.0.0 OK"] * len(addrs)),
                                len(addrs), ""))


# ------------------------------------------------------------------------- M365

DELIVERED = [f"{a}##Receive, Deliver" for a in SENDERS]
NSUBJ = len(SUBJECTS)
NCOMPANY = len(COMPANY)
M365_HEADER = ('"origin_timestamp_utc","sender_address","recipient_status","message_subject","total_bytes",'
               '"message_id","network_message_id","original_client_ip","directionality","connector_id",'
               '"delivery_priority"')


class M365(Base):
    avg = 420

    def __init__(self, rng, a):
        super().__init__(rng, a)
        self.encoding = "utf-16-le" if a.utf16 else "utf-8"

    def filename(self, f):
        return f"MTSummary_Report_{time.strftime('%Y%m%d', time.gmtime(START + f * 86400))}.csv"

    def head(self, day):
        return "\ufeff" + M365_HEADER + "\n"

    def message(self, t):
        rng = self.rng
        rnd = rng.random
        s = int(t)
        stamp = f"{self.st.iso(s)}.{int((t - s) * 1e7):07d}Z"
        r = rnd()
        if r < 0.22:
            dom = COMPANY[int(rnd() * NCOMPANY)]
            sender = f"{LOCALS[int(rnd() * NLOCALS)]}@{dom}"
            st = DELIVERED[int(rnd() * NSENDERS)]
            if rnd() < 0.25:
                st2 = DELIVERED[int(rnd() * NSENDERS)]
                if st2 != st:
                    st = f"{st};{st2}"
            direction, cip, conn = "Incoming", f"203.0.113.{1 + int(rnd() * 254)}", ""
            mid = f"<CA{rng.getrandbits(64):016X}@mail.{dom}>"
        else:
            sender = SENDERS[int(rnd() * NSENDERS)]
            parts = []
            for a, d in self.recipients(NRCPTS[int(rnd() * len(NRCPTS))]):
                if d == ORG:
                    parts.append(f"{a}##Receive, Deliver")
                    continue
                x = rnd()
                parts.append(f"{a}##Receive, Send" if x < 0.95 else
                             f"{a}##Receive, Defer, Send" if x < 0.97 else
                             f"{a}##Receive, Defer" if x < 0.975 else f"{a}##Receive, Fail")
            if r < 0.25:
                parts.append(f"all-staff@{ORG}##Receive, Expand")
                parts += dict.fromkeys(DELIVERED[int(rnd() * NSENDERS)] for _ in range(3))
            st = ";".join(parts)
            direction, cip = "Originating", f"198.51.100.{1 + int(rnd() * 254)}"
            conn = "" if rnd() < 0.8 else "Outbound to Internet"
            b = rng.getrandbits(48)
            mid = f"<AM0PR01MB{b % 9999:04d}{b:012X}@AM0PR01MB{b % 9999:04d}.eurprd01.prod.outlook.com>"
        prio = "Normal" if rnd() < 0.93 else ("High" if rnd() < 0.7 else "Low")
        return (f'"{stamp}","{sender}","{st}",{SUBJ_QUOTED[int(rnd() * NSUBJ)]},"{msg_size(rng)}","{mid}",'
                f'"{guid(rng)}","{cip}","{direction}","{conn}","{prio}"\n')


# ------------------------------------------------------------------------ output

FORMATS = {"sendmail": Sendmail, "journal": Journal, "exchange": Exchange, "m365": M365}


class Sink:
    """A file written plain or through `gzip -6`; counts uncompressed bytes."""

    def __init__(self, path, plain, encoding, crlf):
        self.encoding = encoding
        self.crlf = crlf
        self.bytes = 0
        self.proc = None
        if plain:
            self.path = path
            self.f = open(path, "wb")
            self.w = self.f
        else:
            self.path = path + ".gz"
            self.f = open(self.path, "wb")
            if shutil.which("gzip"):
                self.proc = subprocess.Popen(["gzip", "-6"], stdin=subprocess.PIPE, stdout=self.f)
                self.w = self.proc.stdin
            else:
                import gzip
                self.w = gzip.GzipFile(fileobj=self.f, mode="wb", compresslevel=6)

    def write(self, text):
        if self.crlf:
            text = text.replace("\n", "\r\n")
        b = text.encode(self.encoding)
        self.bytes += len(b)
        self.w.write(b)

    def close(self):
        self.w.close()
        if self.proc:
            self.proc.wait()
        self.f.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", required=True, choices=sorted(FORMATS))
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=float, default=100, help="total uncompressed megabytes, about")
    ap.add_argument("--files", type=int, default=4, help="one file per day, this many days")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plain", action="store_true", help="do not gzip the files")
    ap.add_argument("--utf16", action="store_true", help="m365: write UTF-16 LE with BOM instead of UTF-8 with BOM")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    gen = FORMATS[a.format](rng, a)
    crlf = a.format in ("exchange", "m365")
    per_file = int(a.mb * 1024 * 1024 / a.files)
    # Sizes are counted in characters (plus a CR per line for CRLF files);
    # UTF-16 doubles them.
    scale = 2 if gen.encoding.startswith("utf-16") else 1
    total_msgs = total_size = written_all = 0
    started = time.monotonic()
    for f in range(a.files):
        sink = Sink(os.path.join(a.out, gen.filename(f)), a.plain, gen.encoding, crlf)
        day = START + f * 86400
        end = day + 86400
        head = gen.head(day)
        written = (len(head) + head.count("\n") * crlf) * scale
        buf = [head]
        t = float(day)
        avg = (total_size / total_msgs) if total_msgs else gen.avg * scale
        step = 86400.0 / max(1.0, per_file / avg)
        since = 0
        while written < per_file:
            m = gen.message(t)
            buf.append(m)
            size = (len(m) + m.count("\n") * crlf) * scale
            written += size
            total_size += size
            total_msgs += 1
            since += 1
            t += step * 2 * rng.random()
            if since % 128 == 0:
                # Keep the file's messages spread over its day.
                left = (per_file - written) / (total_size / total_msgs)
                step = max(0.0005, (end - t) / max(1.0, left))
                if since == 2048:
                    sink.write("".join(buf))
                    buf = []
                    since = 0
        # Lines due before the day's end (retries) go into the day's file.
        if f == a.files - 1:
            buf.append(gen.drain())
        else:
            tail = []
            gen.due(end - 1e-6, tail)
            buf.append(gen.join(tail))
        sink.write("".join(buf))
        sink.close()
        written_all += sink.bytes
        print(f"{sink.path}: {sink.bytes} bytes", file=sys.stderr)
    secs = time.monotonic() - started
    print(f"{total_msgs} messages, {written_all / 1e6:.1f} MB in {secs:.2f} s "
          f"({written_all / 1e6 / max(secs, 1e-9):.1f} MB/s)", file=sys.stderr)


if __name__ == "__main__":
    main()
