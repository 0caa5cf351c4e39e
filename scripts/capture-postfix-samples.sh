#!/usr/bin/env bash
# capture-postfix-samples.sh - make real Postfix log samples for misdirect.
#
# WHAT IT DOES
#   Installs Postfix, rsyslog, pflogsumm (and libfaketime) from Debian's
#   packages, configures a loopback-only Postfix for the organisation domain
#   example.org, sends a scripted set of ~100 messages over SMTP to
#   127.0.0.1:25 and :587 (scripts/capture/send_traffic.py), waits until every message
#   has been delivered, bounced or has expired and the queue is empty, stops
#   every daemon it started, and writes:
#     samples/postfix/mail.log-YYYYMMDD-HHMMSS[.gz|.bz2|.xz]   rotated BSD-syslog log
#     samples/postfix/expected-domains.csv, pflogsumm.txt, README.md
#     tests/data/postfix-real/{bsd,rfc3339,postlogd}.log, bsd.log.gz,
#                             expected-domains.csv
#
# USAGE (as root, on a throwaway Debian 12 machine; takes about 8 minutes)
#   scripts/capture-postfix-samples.sh
#   Environment:
#     CAPTURE_CLOCK_START  fake wall clock at the start of the traffic, as
#                          understood by `date -d` (default "2026-12-31
#                          23:57:20 UTC", so the log crosses New Year: BSD
#                          "Dec 31" -> "Jan  1", postlogd "Jan 01").
#                          Set it empty to use the real clock.
#     CAPTURE_WORK         scratch directory (default /var/tmp/misdirect-capture)
#     CAPTURE_NO_INSTALL=1 skip apt-get (packages must already be there)
#   scripts/capture-postfix-samples.sh --postprocess-only
#     re-makes the output files from the logs of the last run (in CAPTURE_WORK)
#   Re-runnable: every run rewrites the Postfix configuration, empties the
#   queue and the scratch directory, and regenerates all output files.
#   It overwrites /etc/postfix/main.cf and master.cf: do not run it on a
#   machine whose Postfix matters.
#
# HOW
#   * Network: all daemons and the traffic run inside a private network
#     namespace (`unshare --net`) whose only interface is loopback, so no
#     packet can leave the machine even by mistake (and no DNS is possible).
#     Postfix additionally has inet_interfaces = loopback-only,
#     smtp_dns_support_level = disabled and explicit [127.0.0.1]:port routes.
#   * Far ends (transport_maps): smtp-sink on 127.0.0.1:2525 accepts all;
#     smtp-sink -f RCPT on :2526 hard-rejects every RCPT (those domains
#     bounce); nothing listens on :2599 (connection refused: deferred, then
#     expired); a Python sink offering SMTPUTF8 on :2527 (one IDN domain).
#     Domains with no transport entry go to default_transport = error:...
#   * Local organisation: example.org is a virtual mailbox domain (maildirs
#     under $CAPTURE_WORK/vmail, owned by a `vmail` system user);
#     team@example.org is a virtual alias that expands to 4 external + 1 local
#     recipient (orig_to=<team@example.org> on the delivery lines).
#   * Content-filter hop: content_filter = scan:[127.0.0.1]:10025 (scan is a
#     copy of the smtp client with XFORWARD) and a second smtpd on
#     127.0.0.1:10025 (-o content_filter=, syslog_name postfix/reinject) that
#     re-queues each message under a new queue ID. So every message arriving
#     on port 25 is logged first with relay=127.0.0.1[127.0.0.1]:10025 ...
#     status=sent (250 2.0.0 Ok: queued as NEWID), then delivered as NEWID.
#     (Bounce/delay notices made by Postfix itself do not pass the filter:
#     content_filter applies to mail received by smtpd/pickup only.) A
#     submission listener on 127.0.0.1:587 has no filter; three sender
#     "workstations" use it, so part of the mail is delivered directly.
#     orig_to= survives only on that path: after the hop, the re-injected copy
#     no longer knows the list address.
#   * Short queue lifetimes (maximal_queue_lifetime = bounce_queue_lifetime
#     = 4m, delay_warning_time = 1m, retries every 20-40 s) so deferred mail
#     really expires during the run.
#   * Half-way through the traffic the script switches to
#     enable_long_queue_ids = yes and reloads: the log holds both queue-ID
#     alphabets, as after a real configuration change.
#   * Logging, three time-stamp styles from ONE run: Postfix runs with
#     `postfix start-fg` and maillog_file = /dev/stdout (postlogd's own
#     format, zero-padded day); scripts/capture/log_relay.py appends that
#     stream to postlogd.log and forwards every line over a private unix
#     socket to one rsyslogd that writes bsd.log (RSYSLOG_TraditionalFileFormat)
#     and rfc3339.log (RSYSLOG_FileFormat) at once, with its own reception
#     time stamps. The text after "prog[pid]: " is identical in the three.
#   * Clock: Postfix (every daemon and command) and rsyslogd run under
#     libfaketime with one fixed offset, so they all see the same shifted but
#     normally running clock; see CAPTURE_CLOCK_START. Only the clock's origin
#     is faked (the Python helpers use the real clock; no stamp of theirs
#     reaches a log).
#   * Afterwards the BSD log is split like logrotate would (dateext with
#     dateformat -%Y%m%d-%H%M%S taken from each file's last line): one
#     boundary at midnight and the others chosen so a message's qmgr from=
#     line ends the older file while its delivery lines start the newer one.
#   * expected-domains.csv is computed by scripts/capture/expected_counts.py
#     (standard library only, independent of the Rust code); pflogsumm is run
#     as a cross-check.
#   * An EXIT trap stops every daemon this script started (by PID), so the
#     machine is left with no listening mail daemon.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CAP=$REPO/scripts/capture
SAMPLES=$REPO/samples/postfix
REAL=$REPO/tests/data/postfix-real
WORK=${CAPTURE_WORK:-/var/tmp/misdirect-capture}
CLOCK_START=${CAPTURE_CLOCK_START-2026-12-31 23:57:20 UTC}
HOSTLABEL=mx1
PORT_SUBMISSION=587 PORT_ACCEPT=2525 PORT_REJECT=2526 PORT_UTF8=2527 PORT_DEAD=2599 PORT_REINJECT=10025
FAKELIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
PACKAGES=(postfix rsyslog pflogsumm libfaketime iproute2 util-linux bzip2 xz-utils gzip)
# The SMTPUTF8 sink needs the smtpd module (Python <= 3.11); Debian 12's python3 is 3.11.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)

log() { printf '[capture %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------
# Inside the private network namespace: start daemons, send traffic, stop.
# ---------------------------------------------------------------------------
PIDS_FILE=$WORK/run/pids

# The environment that makes a command see the shifted clock. Used for
# rsyslogd and for every `postfix` command (postfix-script logs through
# postlog, which stamps its own lines). Not used for the Python helpers:
# libfaketime breaks Python's time.sleep(), and their clocks do not show up
# in any log.
set_fe() {
  FE=()
  if [[ -n ${FAKETIME:-} ]]; then
    # FAKE_UTIME: libfaketime shifts what stat() returns by the offset; Postfix
    # keeps a deferred message's next retry time in the queue file's mtime
    # (set with utime()) and compares new files' mtimes with its clock, so
    # utime() must be shifted back too, or no retry is ever due.
    FE=("LD_PRELOAD=$FAKELIB" "FAKETIME=$FAKETIME" "FAKETIME_DONT_FAKE_MONOTONIC=1" "FAKE_UTIME=1")
  fi
}
set_fe
pf() { env "${FE[@]}" postfix "$@"; }

master_running() {  # without `postfix status`, which would itself log a line
  local pid
  pid=$( { tr -d ' ' </var/spool/postfix/pid/master.pid; } 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

stop_all() {  # idempotent; stops only what this script started (PIDs in $PIDS_FILE)
  set +e
  if master_running; then
    log "stopping postfix"
    pf stop >/dev/null 2>&1
    for _ in $(seq 50); do master_running || break; sleep 0.2; done
  fi
  if [[ -f $PIDS_FILE ]]; then
    # relay first (it exits on EOF once master is gone), rsyslogd last
    tac "$PIDS_FILE" | while read -r name pid; do
      if kill -0 "$pid" 2>/dev/null; then
        if [[ $name == relay ]]; then
          for _ in $(seq 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        fi
        kill -0 "$pid" 2>/dev/null && { log "stopping $name ($pid)"; kill "$pid"; }
        for _ in $(seq 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      fi
    done
    rm -f "$PIDS_FILE"
  fi
  set -e
}

inside() {
  ip link set lo up
  trap stop_all EXIT
  trap 'exit 130' INT TERM
  : >"$PIDS_FILE"

  log "starting rsyslogd"
  env "${FE[@]}" rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/run/rsyslogd.pid" &
  echo "rsyslogd $!" >>"$PIDS_FILE"
  for _ in $(seq 50); do [[ -S $WORK/run/log.sock ]] && break; sleep 0.1; done
  [[ -S $WORK/run/log.sock ]] || die "rsyslogd did not create its socket"

  log "starting far ends"
  smtp-sink -4 -u nobody -h sink-accept.test "127.0.0.1:$PORT_ACCEPT" 64 &
  echo "smtp-sink-accept $!" >>"$PIDS_FILE"
  smtp-sink -4 -u nobody -h sink-reject.test -f RCPT \
    -B "550 5.1.1 Recipient address rejected: User unknown" "127.0.0.1:$PORT_REJECT" 64 &
  echo "smtp-sink-reject $!" >>"$PIDS_FILE"
  "$PY" "$CAP/utf8_sink.py" "$PORT_UTF8" &
  echo "utf8-sink $!" >>"$PIDS_FILE"

  log "starting postfix (start-fg, maillog_file=/dev/stdout -> log_relay.py)"
  pf start-fg 2>>"$WORK/logs/postfix-stderr.txt" \
    | "$PY" "$CAP/log_relay.py" "$WORK/logs/postlogd.log" "$WORK/run/log.sock" \
      2>>"$WORK/logs/relay-stderr.txt" &
  echo "relay $!" >>"$PIDS_FILE"
  for _ in $(seq 100); do
    master_running && break
    sleep 0.2
  done
  sleep 2  # master has bound its listeners; no probe connection (it would be logged)
  master_running || die "postfix did not start (see $WORK/logs)"

  date -u +%F >"$WORK/capture-date"
  local t0; t0=$(date +%s)
  log "traffic phase 1 (short queue IDs)"
  "$PY" "$CAP/send_traffic.py" --t0 "$t0" --phase 1 >>"$WORK/logs/sent.txt"
  log "switching to enable_long_queue_ids = yes; postfix reload"
  postconf -e enable_long_queue_ids=yes
  pf reload >/dev/null 2>&1
  log "traffic phase 2 (long queue IDs)"
  "$PY" "$CAP/send_traffic.py" --t0 "$t0" --phase 2 >>"$WORK/logs/sent.txt"

  log "waiting for the queue to drain (deferred mail must expire; ~5 min)"
  local deadline=$((SECONDS + 1500))
  until postqueue -p 2>/dev/null | grep -q '^Mail queue is empty'; do
    ((SECONDS < deadline)) || die "queue did not drain: $(postqueue -p | tail -1)"
    sleep 10
  done
  sleep 5  # let the last "removed" lines reach the logs
  log "queue empty; stopping everything"
  stop_all
  trap - EXIT
}

# ---------------------------------------------------------------------------
# Outside: install, configure, run inside a namespace, post-process.
# ---------------------------------------------------------------------------
install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing: ${missing[*]}"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # Keep the packages' maintainer scripts from starting any daemon.
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  return 0
}

configure_postfix() {
  local uid gid
  id vmail >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin vmail
  uid=$(id -u vmail) gid=$(id -g vmail)
  mkdir -p "$WORK/vmail"; chown vmail:vmail "$WORK/vmail"

  cat >/etc/postfix/main.cf <<EOF
# Written by misdirect scripts/capture-postfix-samples.sh - loopback-only test MTA.
compatibility_level = 3.6
myhostname = $HOSTLABEL.example.org
mydomain = example.org
myorigin = \$mydomain
mydestination =
alias_maps =
alias_database =
local_transport = error:5.1.1 local delivery is disabled
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP
biff = no
append_dot_mydomain = no
readme_directory = no
smtputf8_enable = yes
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination

# Logging: postlogd to stdout (postfix start-fg), relayed to rsyslogd.
maillog_file = /dev/stdout
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ XAUTHORITY DISPLAY LANG=C
    POSTLOG_SERVICE POSTLOG_HOSTNAME LD_PRELOAD FAKETIME FAKETIME_DONT_FAKE_MONOTONIC FAKE_UTIME

# Routing: never DNS; every domain goes to a far end on 127.0.0.1.
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtp_connect_timeout = 5s
transport_maps = hash:/etc/postfix/transport
default_transport = error:5.1.2 Host or domain name not found (no route in this test)
relayhost =

# The organisation: virtual mailboxes + a list alias.
virtual_mailbox_domains = example.org
virtual_mailbox_base = $WORK/vmail
virtual_mailbox_maps = hash:/etc/postfix/vmailbox
virtual_alias_maps = hash:/etc/postfix/virtual
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
virtual_minimum_uid = $((uid < 100 ? uid : 100))

# Content-filter hop (re-injected on 127.0.0.1:$PORT_REINJECT, see master.cf).
content_filter = scan:[127.0.0.1]:$PORT_REINJECT

# Short queue times so deferred mail expires during the capture.
maximal_queue_lifetime = 4m
bounce_queue_lifetime = 4m
delay_warning_time = 1m
queue_run_delay = 20s
minimal_backoff_time = 20s
maximal_backoff_time = 40s
# The built-in delay notice says "0 hour(s)" with these times and bounce(8)
# warns about it on every notice; this template says minutes instead.
bounce_template_file = /etc/postfix/bounce.cf

enable_long_queue_ids = no
EOF

  cat >/etc/postfix/master.cf <<EOF
# Written by misdirect scripts/capture-postfix-samples.sh (no chroot anywhere).
# service type  private unpriv  chroot  wakeup  maxproc command + args
smtp      inet  n       -       n       -       -       smtpd
127.0.0.1:$PORT_REINJECT inet n  -       n       -       -       smtpd
  -o syslog_name=postfix/reinject
  -o content_filter=
  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters,no_address_mappings
  -o smtpd_helo_restrictions=
  -o smtpd_client_restrictions=
  -o smtpd_sender_restrictions=
  -o smtpd_relay_restrictions=permit_mynetworks,reject
  -o smtpd_recipient_restrictions=permit_mynetworks,reject
  -o mynetworks=127.0.0.0/8
  -o smtpd_authorized_xforward_hosts=127.0.0.0/8
# Submission from "workstations": no content filter, so these messages are
# delivered straight from the first queue ID (and keep orig_to= on list mail).
127.0.0.1:$PORT_SUBMISSION inet n    -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o content_filter=
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
  -o syslog_name=postfix/\$service_name
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
scan      unix  -       -       n       -       10      smtp
  -o smtp_send_xforward_command=yes
  -o disable_mime_output_conversion=yes
EOF

  local A="smtp:[127.0.0.1]:$PORT_ACCEPT" R="smtp:[127.0.0.1]:$PORT_REJECT"
  local D="smtp:[127.0.0.1]:$PORT_DEAD" U="smtp:[127.0.0.1]:$PORT_UTF8"
  cat >/etc/postfix/transport <<EOF
# intended domains (accept)
army.mil $A
navy.mil $A
af.mil $A
gmail.com $A
outlook.com $A
partner.co.uk $A
mod.gov.uk $A
example.com $A
aus.intel.com $A
# lookalikes that accept (leaks)
army.ml $A
navy.ml $A
gmial.com $A
outlook.co $A
partner.co.uk.com $A
ausintel.com $A
# lookalikes that hard-reject RCPT (bounce)
af.ml $R
gmail.cm $R
# lookalikes where nothing listens (deferred, then expired)
modgov.uk $D
navy.mll $D
# IDN: far end without SMTPUTF8 (smtp-sink) and one with it (utf8_sink.py)
bücher.example $A
gmаil.com $U
EOF

  cat >/etc/postfix/bounce.cf <<'TEMPLATES'
delay_template = <<EOF
Charset: us-ascii
From: MAILER-DAEMON (Mail Delivery System)
Subject: Delayed Mail (still being retried)
Postmaster-Subject: Postmaster Warning: Delayed Mail

This is the mail system at host $myhostname.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than $delay_warning_time_minutes minute(s).
It will be retried until it is $maximal_queue_lifetime_minutes minute(s) old.

                   The mail system
EOF
TEMPLATES
  {
    for u in alice bob carol dave erin frank grace heidi ivan judy postmaster; do
      echo "$u@example.org example.org/$u/"
    done
  } >/etc/postfix/vmailbox
  cat >/etc/postfix/virtual <<'EOF'
team@example.org j.hall@navy.mil, ops.center@army.mil, procurement@partner.co.uk, r.jones@army.ml, carol@example.org
abuse@example.org postmaster@example.org
EOF
  postmap /etc/postfix/transport /etc/postfix/vmailbox /etc/postfix/virtual
  # Postfix commands log to maillog_file=/dev/stdout: keep them off our output.
  postsuper -d ALL </dev/null >/dev/null 2>&1 || true  # leftovers of an interrupted run
  postfix check </dev/null >/dev/null 2>&1 || { postfix check; die "postfix check failed"; }
}

write_rsyslog_conf() {
  cat >"$WORK/rsyslog.conf" <<EOF
# Private rsyslogd for the capture: one input socket, two output formats.
global(workDirectory="$WORK/rsyslog" localHostName="$HOSTLABEL" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$WORK/run/log.sock" CreatePath="on"
      RateLimit.Interval="0" IgnoreTimestamp="on" UseSysTimeStamp="off")
mail.* action(type="omfile" file="$WORK/logs/bsd.log" template="RSYSLOG_TraditionalFileFormat")
mail.* action(type="omfile" file="$WORK/logs/rfc3339.log" template="RSYSLOG_FileFormat")
EOF
}

cleanup_outside() {  # if the namespace part died, make sure nothing is left running
  local rc=$?
  if [[ -f $PIDS_FILE ]]; then
    log "cleaning up after an interrupted run"
    stop_all
  fi
  exit $rc
}

postprocess() {
  local L=$WORK/logs
  for f in bsd.log rfc3339.log postlogd.log; do
    [[ -s $L/$f ]] || die "$L/$f is empty"
  done
  log "line counts: $(wc -l "$L"/bsd.log "$L"/rfc3339.log "$L"/postlogd.log | head -3 | tr -s ' \n' ' ')"

  mkdir -p "$SAMPLES" "$REAL"
  rm -f "$SAMPLES"/mail.log-* "$REAL"/*.log "$REAL"/*.gz "$REAL"/*.csv
  cp "$L/bsd.log" "$L/rfc3339.log" "$L/postlogd.log" "$REAL/"
  gzip -9 -n -c "$REAL/bsd.log" >"$REAL/bsd.log.gz"

  log "rotating the BSD log into samples/postfix/"
  "$PY" "$CAP/rotate_samples.py" --bsd "$L/bsd.log" --rfc3339 "$L/rfc3339.log" --out "$SAMPLES" \
    --info "$WORK/rotation.json"

  log "computing expected counts"
  "$PY" "$CAP/expected_counts.py" "$REAL/bsd.log" >"$SAMPLES/expected-domains.csv"
  cp "$SAMPLES/expected-domains.csv" "$REAL/expected-domains.csv"
  local style
  for style in rfc3339 postlogd; do
    "$PY" "$CAP/expected_counts.py" "$REAL/$style.log" >"$WORK/expected-$style.csv"
    if ! cmp -s "$WORK/expected-$style.csv" "$REAL/expected-domains.csv"; then
      log "NOTE: $style counts differ from bsd; writing expected-domains-$style.csv"
      cp "$WORK/expected-$style.csv" "$REAL/expected-domains-$style.csv"
    fi
  done
  "$PY" "$CAP/expected_counts.py" --summary "$REAL/bsd.log" >"$WORK/summary.json"

  log "running pflogsumm"
  pflogsumm -u 0 --detail 0 -h 100 "$REAL/bsd.log" >"$SAMPLES/pflogsumm.txt" 2>&1 \
    || die "pflogsumm failed"

  log "writing samples/postfix/README.md"
  "$PY" "$CAP/make_readme.py" --work "$WORK" --samples "$SAMPLES" --real "$REAL" \
    --postfix-version "$(postconf -h mail_version)" \
    --clock-start "${CLOCK_START:-real clock}" >"$SAMPLES/README.md"
}

main() {
  [[ $(id -u) == 0 ]] || die "run as root"
  if [[ ${1:-} == --inside ]]; then
    inside
    return
  fi
  if [[ ${1:-} == --postprocess-only ]]; then  # redo the files from $WORK's logs
    postprocess
    return
  fi
  [[ ${CAPTURE_NO_INSTALL:-0} == 1 ]] || install_packages
  for c in postconf postfix smtp-sink rsyslogd pflogsumm unshare ip bzip2 xz gzip; do
    command -v "$c" >/dev/null || die "missing command: $c"
  done
  [[ -z $CLOCK_START || -e $FAKELIB ]] || die "libfaketime not installed"
  if master_running; then
    die "a Postfix is already running; stop it first (this script will not touch it)"
  fi

  rm -rf "$WORK"
  mkdir -p "$WORK/logs" "$WORK/run" "$WORK/rsyslog"
  trap cleanup_outside EXIT
  configure_postfix
  write_rsyslog_conf

  if [[ -n $CLOCK_START ]]; then
    local target now
    target=$(date -u -d "$CLOCK_START" +%s) now=$(date -u +%s)
    export FAKETIME="$(printf '%+d' $((target - now)))"
    set_fe
    log "fake clock: offset $FAKETIME s (traffic starts at $(date -u -d "@$target"))"
  else
    unset FAKETIME
  fi

  log "running the capture in a private network namespace (loopback only)"
  unshare --net -- "${BASH_SOURCE[0]}" --inside
  trap - EXIT

  postprocess
  # leave the default short IDs for the next run's start
  postconf -e enable_long_queue_ids=no
  if ss -ltn 2>/dev/null | grep -qE ":(25|$PORT_SUBMISSION|$PORT_ACCEPT|$PORT_REJECT|$PORT_UTF8|$PORT_REINJECT)\b"; then
    log "WARNING: something still listens on a mail port"
  fi
  log "done"
}

main "$@"
