#!/usr/bin/env python3
"""Extra traffic for capture-sendmail-samples.sh, beside send_traffic.py.

send_traffic.py talks SMTP to the MTA only. Sendmail sites also submit mail
with the `sendmail` command, whose mail submission program (MSP, submit.cf)
queues each message under a queue ID of its own and hands it to the MTA on
[127.0.0.1]:25, so one message is logged twice: once by the MSP (`sendmail`,
`sm-msp-queue`, mailer=relay) and once by the MTA (`sm-mta`). This script
makes that happen, plus a few SMTP cases send_traffic.py has not:

  sendmail_extra.py --submit-cf CF --phase before-mta
      one command-line message while the MTA is not running yet: the MSP
      logs `stat=Deferred: Connection refused by [127.0.0.1]` and keeps it
      in its own queue (a later `sm-msp-queue` run hands it over).
  sendmail_extra.py --submit-cf CF --phase main --t0 EPOCH
      the rest, on a schedule of seconds after t0 (run beside
      send_traffic.py; it ends about 160 s after t0):
        * an `sm-msp-queue` run (flushes the MSP's queue),
        * command-line messages (-f and -t, one from root without -f) to
          several addresses at one domain, to the team@example.org alias,
          to an IDN domain (UTF-8 bytes in the address), to two bouncing
          lookalikes and to two addresses at an unreachable one,
        * an SMTP message whose RCPT carries UTF-8 bytes without SMTPUTF8
          (Sendmail 8.17 as built by Debian does not offer SMTPUTF8, so
          send_traffic.py's two SMTPUTF8 messages are not sent at all),
        * a message with bare LF line ends, which this Sendmail (patched
          against SMTP smuggling) refuses after DATA with 421,
        * two relaying attempts from loopback addresses other than
          127.0.0.1: 127.0.0.2 has a name in the namespace's /etc/hosts
          (550 Relaying denied), 127.0.0.3 has none (450, PTR unresolvable).

Every address is invented; every connection goes to 127.0.0.1 (loopback,
inside the capture's private network namespace). Standard library only.
"""
import argparse
import smtplib
import subprocess
import sys
import time

SENDMAIL = "/usr/sbin/sendmail"


def message(sender, to, subject, body_lines=12, from_hdr=True):
    head = []
    if from_hdr:
        head.append("From: %s" % sender)
    head += ["To: %s" % ", ".join(to), "Subject: %s" % subject,
             "Date: %s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    body = ["Line %d of a command-line submission for the misdirect capture." % i
            for i in range(body_lines)]
    return ("\n".join(head) + "\n\n" + "\n".join(body) + "\n").encode("utf-8")


def cli(cf, args, msg, note):
    """Submit with the sendmail command (the MSP, configuration `cf`)."""
    cmd = [SENDMAIL, "-C", cf] + args
    r = subprocess.run(cmd, input=msg, capture_output=True, timeout=120)
    print("cli %-44s rc=%d %s %s" % (note, r.returncode, " ".join(args),
                                     r.stderr.decode("utf-8", "replace").strip()), flush=True)


def msp_queue_run(cf):
    r = subprocess.run([SENDMAIL, "-C", cf, "-L", "sm-msp-queue", "-q"], capture_output=True,
                       timeout=120)
    print("sm-msp-queue run rc=%d %s" % (r.returncode, r.stderr.decode().strip()), flush=True)


def smtp(sender, rcpts, note, source="127.0.0.1", helo="ws-erin.example.org", raw_utf8=False,
         bare_lf=False):
    try:
        with smtplib.SMTP("127.0.0.1", 25, local_hostname=helo, timeout=60,
                          source_address=(source, 0)) as s:
            if raw_utf8:
                # 8-bit bytes in MAIL/RCPT without SMTPUTF8 (which the server
                # does not offer): what older clients do.
                s.command_encoding = "utf-8"
            msg = message(sender, rcpts, note)
            if not bare_lf:  # smtplib sends bytes as they are
                msg = msg.replace(b"\n", b"\r\n")
            try:
                refused = s.sendmail(sender, rcpts, msg)
            except smtplib.SMTPRecipientsRefused as e:
                refused = e.recipients
    except (smtplib.SMTPException, OSError) as e:
        refused = {"*": str(e)}
    print("smtp %-44s from %s: %s -> %s%s" % (note, source, sender, ",".join(rcpts),
                                             " refused=%s" % refused if refused else ""),
          flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--submit-cf", required=True)
    ap.add_argument("--phase", choices=["before-mta", "main"], required=True)
    ap.add_argument("--t0", type=float, default=None)
    a = ap.parse_args()
    cf = a.submit_cf

    if a.phase == "before-mta":
        to = ["a.clark@navy.mil", "fleet.ops@navy.mil", "d.lewis@navy.mil", "k.brown@army.mil"]
        cli(cf, ["-f", "frank@example.org", "-t"], message("frank@example.org", to,
            "Exercise schedule (queued by the MSP while the MTA is down)"),
            "several recipients at one domain, MTA down")
        return 0

    t0 = a.t0 if a.t0 is not None else time.time()
    plan = [
        (6, lambda: msp_queue_run(cf)),
        (18, lambda: cli(cf, ["-f", "dave@example.org", "bestellung@bücher.example",
                              "orders@example.com"],
                         message("dave@example.org", ["bestellung@bücher.example",
                                                      "orders@example.com"], "Bestellung"),
                         "IDN via the command line")),
        (44, lambda: cli(cf, ["-f", "ivan@example.org", "-t"],
                         message("ivan@example.org", ["team@example.org"], "Team notes", 40),
                         "alias via the command line")),
        (64, lambda: smtp("erin@example.org", ["pat.harper77@gmаil.com"],  # Cyrillic a
                          "UTF-8 RCPT without SMTPUTF8", raw_utf8=True)),
        (74, lambda: smtp("grace@example.org", ["r.jones@army.mil", "j.hall@navy.mil"],
                          "bare LF line ends (Sendmail refuses them)", helo="ws-grace.example.org",
                          bare_lf=True)),
        (82, lambda: smtp("offers@relay-probe.example.net", ["s.taylor@army.mil"],
                          "relaying attempt, client with a name", source="127.0.0.2",
                          helo="relay-probe.example.net")),
        (97, lambda: smtp("offers@unknown.example.net", ["m.garcia@army.mil"],
                          "relaying attempt, client without a name", source="127.0.0.3",
                          helo="unknown.example.net")),
        (118, lambda: cli(cf, ["-t"],
                          message("root", ["carol@example.org", "logistics.desk@army.mil",
                                           "t.nguyen@army.mil"],
                                  "Nightly report", 60, from_hdr=False),
                          "root, no -f")),
        (136, lambda: cli(cf, ["-f", "judy@example.org", "kim.fox@gmail.cm", "b.allen@af.ml",
                               "c.martin@army.mil"],
                          message("judy@example.org", ["kim.fox@gmail.cm", "b.allen@af.ml",
                                                       "c.martin@army.mil"], "Budget"),
                          "bouncing lookalikes via the command line")),
        (152, lambda: cli(cf, ["-f", "heidi@example.org", "-t"],
                          message("heidi@example.org", ["h.walker@navy.mll", "a.clark@navy.mll",
                                                        "h.walker@navy.mil"], "Convoy timeline"),
                          "unreachable lookalike, two recipients, via the command line")),
    ]
    for t, action in plan:
        delay = t0 + t - time.time()
        if delay > 0:
            time.sleep(delay)
        action()
    return 0


if __name__ == "__main__":
    sys.exit(main())
