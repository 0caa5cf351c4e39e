#!/usr/bin/env bash
# Opens report.html in headless Chromium and checks that the rendered page
# has what a reader needs: the headline, at least three SVG charts, and the
# cluster, pattern and sender tables. Also takes a full-page screenshot to
# look at.
#
#   scripts/check-report-html.sh OUTDIR_OR_HTML
#
# OUTDIR_OR_HTML is a report folder (its report.html is checked) or an HTML
# file. The screenshot goes to $SCREENSHOT, default report-screenshot.png
# beside the page. Installs Debian's chromium when /usr/bin/chromium is
# missing (needs root). Exits non-zero, saying why, when a check fails.
#
# Without a real scan, make a sample page first:
#   cargo run --release --example render_html -- /tmp/html-sample/report.html
#   scripts/check-report-html.sh /tmp/html-sample
set -euo pipefail

die() { echo "check-report-html: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: $0 OUTDIR_OR_HTML"
if [[ -d $1 ]]; then
    html="$1/report.html"
else
    html="$1"
fi
[[ -f $html ]] || die "no such page: $html"
html="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
shot="${SCREENSHOT:-$(dirname "$html")/report-screenshot.png}"

chromium=/usr/bin/chromium
if [[ ! -x $chromium ]]; then
    [[ $(id -u) -eq 0 ]] || die "$chromium is missing; install it (apt-get install chromium) or run as root"
    echo "check-report-html: installing chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    # A fresh container may have no package lists yet.
    apt-get install -y -q chromium >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
        || die "could not install chromium"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A throwaway profile, so runs do not share state or lock each other out.
flags=(--headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars
       --user-data-dir="$work/profile")
url="file://$html"

timeout 120 "$chromium" "${flags[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/dom.log" \
    || die "chromium failed to render $html (see its log below)
$(tail -n 20 "$work/dom.log")"
timeout 120 "$chromium" "${flags[@]}" --window-size=1280,2400 --screenshot="$shot" "$url" \
    >/dev/null 2>"$work/shot.log" \
    || die "chromium failed to take a screenshot
$(tail -n 20 "$work/shot.log")"

dom="$work/dom.html"
failures=0
fail() { echo "check-report-html: FAIL: $*" >&2; failures=$((failures + 1)); }

grep -Eq '<p id="headline"[^>]*>[^<[:space:]]' "$dom" || fail "no headline (id=\"headline\") with text"
svgs=$(grep -o '<svg' "$dom" | wc -l)
[[ $svgs -ge 3 ]] || fail "expected at least 3 <svg> charts, found $svgs"
for id in chart-timeline chart-lookalikes chart-kinds clusters patterns senders sticky-recipients definitions; do
    grep -q "id=\"$id\"" "$dom" || fail "no section id=\"$id\""
done
for id in clusters patterns senders; do
    # Each table section holds a table, or says there is nothing to show.
    # (Read into a variable: `sed | grep -q` fails under pipefail when grep
    # stops reading early and sed gets SIGPIPE.)
    section=$(sed -n "/<section id=\"$id\"/,/<\/section>/p" "$dom")
    grep -Eq '<table|class="note"' <<<"$section" || fail "section id=\"$id\" has no table"
done
! grep -qi '<script' "$dom" || fail "the page contains a <script> element"
! grep -q 'Chart unavailable' "$dom" || fail "a chart could not be drawn"
[[ -s $shot ]] || fail "no screenshot at $shot"

[[ $failures -eq 0 ]] || die "$failures check(s) failed for $html"
echo "check-report-html: OK: $html ($svgs charts); screenshot $shot"
