#!/usr/bin/env bash
# capture-sendmail-samples.sh - make a real Sendmail log sample for misdirect.
#
# WHAT IT DOES
#   Installs Sendmail 8.17 (sendmail-bin, sendmail-cf, m4) and rsyslog from
#   Debian's packages (this removes Exim or Postfix: they conflict; the other
#   capture scripts put theirs back), runs Sendmail with a configuration of
#   its own on loopback, inside private namespaces, sends the same scripted
#   traffic as the Postfix and Exim captures (scripts/capture/send_traffic.py)
#   plus command-line submissions and a few SMTP cases of its own
#   (scripts/capture/sendmail_extra.py), waits until both queues are empty,
#   stops every daemon it started and writes:
#     samples/sendmail/maillog               the log, as rsyslog wrote it
#                                            (BSD syslog format, facility mail)
#     samples/sendmail/expected-domains.csv  per-domain counts, computed by
#                                            scripts/capture/sendmail_expected.py
#   (samples/sendmail/README.md is written by hand: it describes one run.)
#
# USAGE (as root, on a throwaway Debian 12 machine; about 9 minutes)
#   scripts/capture-sendmail-samples.sh
#   Environment:
#     CAPTURE_WORK         scratch directory (default /var/lib/misdirect-sendmail;
#                          Sendmail refuses configuration and map files under a
#                          group- or world-writable directory such as /var/tmp)
#     CAPTURE_NO_INSTALL=1 skip apt-get (packages must already be there)
#   scripts/capture-sendmail-samples.sh --postprocess-only
#     re-makes the output files from the log of the last run (in CAPTURE_WORK)
#
# HOW
#   * Namespaces: everything runs under `unshare --net --mount --uts --pid`.
#     The network namespace has only loopback: no packet can leave, no DNS.
#     The mount namespace gets its own /etc/hosts (localhost, mx1.example.org
#     and one name for 127.0.0.2) and its own small /dev, whose /dev/log is
#     the socket of a private rsyslogd: Sendmail logs with syslog(3), which
#     always writes to /dev/log, and nothing of the host's logging is touched.
#     The UTS namespace has the host name mx1.example.org. When the script
#     leaves the PID namespace, the kernel ends whatever is still in it.
#   * No DNS: the service switch file says `hosts files` only,
#     ResolverOptions=-DNSRCH -DEFNAMES, FEATURE(nocanonify),
#     FEATURE(accept_unresolvable_domains), and every route is a bracketed
#     address in the mailertable ([127.0.0.1]: no MX look-up).
#   * Far ends, chosen by the mailer (each SMTP mailer has its own port,
#     *_MAILER_ARGS = TCP $h PORT): esmtp -> 127.0.0.1:2525, a sink that
#     accepts everything (utf8_sink.py; the mailertable's default "." and so
#     the intended domains and the lookalikes that leak); smtp8 -> :2526,
#     reject_sink.py, 550 to every RCPT (af.ml, gmail.cm: they bounce);
#     smtp -> :2599 where nothing listens (modgov.uk, navy.mll: deferred,
#     then returned after Timeout.queuereturn = 4m; Timeout.queuewarn = 1m;
#     queue run every 30 s).
#   * example.org is local: virtusertable maps the users to local mailboxes
#     (a small local mailer script appends to files in $WORK/mail),
#     team@example.org to the alias `team` (four outside addresses and the
#     local user carol, as in the other captures); other local parts get
#     "550 5.1.1 User unknown"; an access-map entry refuses
#     nobody.here@example.org in check_rcpt.
#   * Two programs log: the MTA (sendmail-mta -L sm-mta -bD, ports 25 and
#     587) and the mail submission program (the `sendmail` command with
#     submit.cf, and an `sm-msp-queue` queue run), which hands each message
#     to the MTA with mailer=relay, relay=[127.0.0.1].
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CAP=$REPO/scripts/capture
OUT=$REPO/samples/sendmail
WORK=${CAPTURE_WORK:-/var/lib/misdirect-sendmail}
PACKAGES=(sendmail-bin sendmail-cf m4 rsyslog iproute2 util-linux)
PY=/usr/bin/python3   # the sinks need Python <= 3.11 (smtpd); Debian 12 has 3.11
[[ -x $PY ]] || PY=$(command -v python3)
MTA_CF=$WORK/etc/sendmail.cf
MSP_CF=$WORK/etc/submit.cf

log() { printf '[capture-sendmail %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------
# Inside the namespaces.
# ---------------------------------------------------------------------------
PIDS=()
NAMES=()
started() { PIDS+=("$2"); NAMES+=("$1"); }

stop_all() {  # newest first; each by its PID
  set +e
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -0 "$pid" 2>/dev/null || continue
    log "stopping ${NAMES[i]} ($pid)"
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  done
  PIDS=() NAMES=()
  set -e
}

queue_empty() {  # $1: configuration
  sendmail -C "$1" -bp 2>/dev/null | grep -q 'is empty'
}

inside() {
  trap stop_all EXIT
  trap 'exit 130' INT TERM
  ip link set lo up
  hostname mx1.example.org
  mount --bind "$WORK/etc/hosts" /etc/hosts
  # A /dev of our own, so /dev/log can be our rsyslogd's socket.
  mount -t tmpfs -o mode=755,size=1m capture-dev "$WORK/dev"
  local n
  for n in null zero full random urandom tty; do
    : >"$WORK/dev/$n"
    mount --bind "/dev/$n" "$WORK/dev/$n"
  done
  ln -s /proc/self/fd "$WORK/dev/fd"
  ln -s /proc/self/fd/0 "$WORK/dev/stdin"
  ln -s /proc/self/fd/1 "$WORK/dev/stdout"
  ln -s /proc/self/fd/2 "$WORK/dev/stderr"
  mkdir "$WORK/dev/shm" "$WORK/dev/pts"
  mount --rbind "$WORK/dev" /dev

  rsyslogd -n -f "$WORK/etc/rsyslog.conf" -i "$WORK/run/rsyslogd.pid" &
  started rsyslogd $!
  for _ in $(seq 50); do [[ -S $WORK/run/log.sock ]] && break; sleep 0.1; done
  [[ -S $WORK/run/log.sock ]] || die "rsyslogd did not create its socket"
  ln -s "$WORK/run/log.sock" /dev/log

  "$PY" "$CAP/utf8_sink.py" 2525 &
  started accept-sink $!
  "$PY" "$CAP/reject_sink.py" 2526 &
  started reject-sink $!

  log "a command-line message while the MTA is down (the MSP queues it)"
  "$PY" "$CAP/sendmail_extra.py" --submit-cf "$MSP_CF" --phase before-mta >>"$WORK/sent.txt"

  log "starting sm-mta"
  /usr/sbin/sendmail-mta -C "$MTA_CF" -L sm-mta -bD -q30s &
  started sm-mta $!
  for _ in $(seq 100); do  # no probe connection: it would be logged
    ss -ltn 2>/dev/null | grep -q '127.0.0.1:25 ' && break
    sleep 0.1
  done
  ss -ltn | grep -q '127.0.0.1:587 ' || die "sm-mta does not listen"

  local t0 extra
  t0=$(date +%s)
  "$PY" "$CAP/sendmail_extra.py" --submit-cf "$MSP_CF" --phase main --t0 "$t0" >>"$WORK/sent.txt" &
  extra=$!
  log "sending traffic (about 4 minutes)"
  "$PY" "$CAP/send_traffic.py" --t0 "$t0" --phase all >>"$WORK/sent.txt" 2>>"$WORK/sent-errors.txt"
  wait "$extra"

  log "waiting for both queues to empty (deferred mail must time out; ~4 minutes)"
  local deadline=$((SECONDS + 900))
  until queue_empty "$MTA_CF" && queue_empty "$MSP_CF"; do
    ((SECONDS < deadline)) || die "queue did not drain"
    sleep 10
  done
  sleep 5  # the last delivery lines
  log "queues empty; stopping everything"
  stop_all
  trap - EXIT
}

# ---------------------------------------------------------------------------
# Outside.
# ---------------------------------------------------------------------------
install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing: ${missing[*]}"
  # Keep the packages' maintainer scripts from starting any daemon.
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  return 0
}

write_config() {
  rm -rf "$WORK"
  mkdir -p "$WORK"/{etc,bin,mqueue,clientmqueue,mail,log,run,dev,rsyslog}
  chmod 755 "$WORK"
  chmod 700 "$WORK/mqueue"
  chown smmsp:smmsp "$WORK/clientmqueue"
  chmod 770 "$WORK/clientmqueue"
  : >"$WORK/sent.txt"

  cat >"$WORK/etc/sendmail.mc" <<EOF
divert(-1)dnl
# misdirect's capture MTA: loopback only, no DNS (scripts/capture-sendmail-samples.sh)
divert(0)dnl
include(\`/usr/share/sendmail/cf/m4/cf.m4')dnl
VERSIONID(\`misdirect capture sendmail.mc')dnl
OSTYPE(\`debian')dnl
define(\`confDOMAIN_NAME', \`mx1.example.org')dnl
define(\`QUEUE_DIR', \`$WORK/mqueue')dnl
define(\`STATUS_FILE', \`$WORK/run/sendmail.st')dnl
undefine(\`confHOST_STATUS_DIRECTORY')dnl
define(\`confPID_FILE', \`$WORK/run/sm-mta.pid')dnl
define(\`confDEAD_LETTER_DROP', \`$WORK/run/dead.letter')dnl
define(\`confCR_FILE', \`-o $WORK/etc/relay-domains')dnl
define(\`confCT_FILE', \`-o $WORK/etc/trusted-users')dnl
define(\`confCW_FILE', \`-o $WORK/etc/local-host-names')dnl
define(\`ALIAS_FILE', \`$WORK/etc/aliases')dnl
define(\`confSERVICE_SWITCH_FILE', \`$WORK/etc/service.switch')dnl
define(\`confHOSTS_FILE', \`/etc/hosts')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confTO_CONNECT', \`10s')dnl
define(\`confTO_ICONNECT', \`10s')dnl
define(\`confTO_QUEUEWARN', \`1m')dnl
define(\`confTO_QUEUERETURN', \`4m')dnl
define(\`confMIN_QUEUE_AGE', \`0')dnl
define(\`confPRIVACY_FLAGS', \`needmailhelo,needexpnhelo,needvrfyhelo,restrictqrun,restrictexpand,nobodyreturn,authwarnings')dnl
FEATURE(\`no_default_msa')dnl
DAEMON_OPTIONS(\`Family=inet, Name=MTA-v4, Port=smtp, Addr=127.0.0.1')dnl
DAEMON_OPTIONS(\`Family=inet, Name=MSP-v4, Port=submission, M=E, Addr=127.0.0.1')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`access_db', \`hash -T<TMPF> -o $WORK/etc/access')dnl
FEATURE(\`blocklist_recipients')dnl
FEATURE(\`mailertable', \`hash -o $WORK/etc/mailertable')dnl
FEATURE(\`virtusertable', \`hash -o $WORK/etc/virtusertable')dnl
FEATURE(\`always_add_domain')dnl
LOCAL_DOMAIN(\`example.org')dnl
define(\`LOCAL_MAILER_PATH', \`$WORK/bin/deliver')dnl
define(\`LOCAL_MAILER_ARGS', \`deliver \$u')dnl
MODIFY_MAILER_FLAGS(\`LOCAL', \`-w')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h 2525')dnl
define(\`SMTP8_MAILER_ARGS', \`TCP \$h 2526')dnl
define(\`SMTP_MAILER_ARGS', \`TCP \$h 2599')dnl
MAILER_DEFINITIONS
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOF

  cat >"$WORK/etc/submit.mc" <<EOF
divert(-1)dnl
# misdirect's capture MSP: hands mail to the MTA on [127.0.0.1]:25
divert(0)dnl
include(\`/usr/share/sendmail/cf/m4/cf.m4')dnl
VERSIONID(\`misdirect capture submit.mc')dnl
OSTYPE(\`debian')dnl
define(\`confDOMAIN_NAME', \`mx1.example.org')dnl
define(\`MSP_QUEUE_DIR', \`$WORK/clientmqueue')dnl
define(\`STATUS_FILE', \`$WORK/clientmqueue/sm-client.st')dnl
define(\`confPID_FILE', \`$WORK/clientmqueue/sm-client.pid')dnl
define(\`confDEAD_LETTER_DROP', \`$WORK/run/dead.letter')dnl
define(\`confCT_FILE', \`-o $WORK/etc/trusted-users')dnl
undefine(\`confHOST_STATUS_DIRECTORY')dnl
define(\`confSERVICE_SWITCH_FILE', \`$WORK/etc/service.switch')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confTO_CONNECT', \`10s')dnl
define(\`confTO_ICONNECT', \`10s')dnl
FEATURE(\`msp', \`[127.0.0.1]', \`25')dnl
EOF
  m4 "$WORK/etc/sendmail.mc" >"$MTA_CF"
  m4 "$WORK/etc/submit.mc" >"$MSP_CF"

  cat >"$WORK/etc/mailertable" <<'EOF'
af.ml smtp8:[127.0.0.1]
gmail.cm smtp8:[127.0.0.1]
modgov.uk smtp:[127.0.0.1]
navy.mll smtp:[127.0.0.1]
. esmtp:[127.0.0.1]
EOF
  cat >"$WORK/etc/access" <<'EOF'
Connect:localhost RELAY
Connect:127.0.0.1 RELAY
To:nobody.here@example.org ERROR:5.2.1:550 Mailbox disabled for this recipient
EOF
  {
    for u in alice bob carol dave erin frank grace heidi ivan judy postmaster nobody.here; do
      echo "$u@example.org $u"
    done
    echo "team@example.org team"
    echo "@example.org error:nouser 550 5.1.1 User unknown"
  } >"$WORK/etc/virtusertable"
  cat >"$WORK/etc/aliases" <<'EOF'
MAILER-DAEMON: postmaster
abuse: postmaster
team: j.hall@navy.mil, ops.center@army.mil, procurement@partner.co.uk, r.jones@army.ml, carol
EOF
  printf 'passwd\tfiles\nhosts\tfiles\naliases\tfiles\n' >"$WORK/etc/service.switch"
  : >"$WORK/etc/relay-domains"
  : >"$WORK/etc/trusted-users"
  : >"$WORK/etc/local-host-names"
  # The namespace's /etc/hosts (bind-mounted over the real one inside it).
  printf '127.0.0.1\tlocalhost\n127.0.0.1\tmx1.example.org mx1\n127.0.0.2\trelay-probe.example.net\n' \
    >"$WORK/etc/hosts"
  printf '#!/bin/sh\n# local mailer: append the message to a mailbox file\numask 077\nexec cat >>"%s/mail/$1"\n' \
    "$WORK" >"$WORK/bin/deliver"
  chmod 755 "$WORK/bin/deliver"
  local m
  for m in mailertable access virtusertable; do
    makemap hash "$WORK/etc/$m" <"$WORK/etc/$m"
  done
  sendmail -C "$MTA_CF" -bi >/dev/null  # newaliases (outside: no /dev/log, nothing logged)

  cat >"$WORK/etc/rsyslog.conf" <<EOF
# Private rsyslogd for the capture: syslog(3) socket -> classic BSD format file.
global(workDirectory="$WORK/rsyslog" localHostName="mx1" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$WORK/run/log.sock" CreatePath="on" RateLimit.Interval="0")
mail.* action(type="omfile" file="$WORK/log/maillog" template="RSYSLOG_TraditionalFileFormat")
EOF
}

postprocess() {
  [[ -s $WORK/log/maillog ]] || die "$WORK/log/maillog is empty"
  mkdir -p "$OUT"
  cp "$WORK/log/maillog" "$OUT/maillog"
  "$PY" "$CAP/sendmail_expected.py" "$OUT/maillog" >"$OUT/expected-domains.csv"
  log "wrote $OUT/maillog ($(wc -l <"$OUT/maillog") lines, $(wc -c <"$OUT/maillog") bytes)" \
    "and expected-domains.csv"
}

main() {
  [[ $(id -u) == 0 ]] || die "run as root"
  case ${1:-} in
    --inside) inside; return ;;
    --postprocess-only) postprocess; return ;;
  esac
  [[ ${CAPTURE_NO_INSTALL:-0} == 1 ]] || install_packages
  local c
  for c in sendmail sendmail-mta m4 makemap rsyslogd unshare ip ss; do
    command -v "$c" >/dev/null || die "missing command: $c"
  done
  id smmsp >/dev/null 2>&1 || die "no smmsp user (sendmail-base makes it)"
  write_config
  log "running the capture in private namespaces (loopback only)"
  unshare --net --mount --uts --pid --fork --mount-proc -- "${BASH_SOURCE[0]}" --inside
  postprocess
  log "done"
}

main "$@"
