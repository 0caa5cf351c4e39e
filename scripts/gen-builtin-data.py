#!/usr/bin/env python3
"""Generate src/lookalike/builtin.rs, the built-in data tables of the
lookalike engine, from offline sources.

    python3 scripts/gen-builtin-data.py            # rewrite src/lookalike/builtin.rs
    python3 scripts/gen-builtin-data.py --check    # exit 1 if the file is stale
    python3 scripts/gen-builtin-data.py --stdout   # print instead of writing

Sources (all local, no network):

* CCTLDS: the two-letter TLDs of the Public Suffix List copy shipped in the
  `psl` crate that misdirect links (`data/rules.txt` of the version pinned in
  Cargo.lock, found under $CARGO_HOME/registry/src), named from Debian's
  iso-codes (`/usr/share/iso-codes/json/iso_3166-1.json`), with the
  exceptions and overrides of `scripts/data/cctld-names.txt`.
* PROVIDERS, SENSITIVE_SUFFIXES, SENSITIVE_DOMAINS, LEGITIMATE_NEIGHBOURS:
  the hand-curated lists `scripts/data/*.txt`, checked against the same PSL.
  LEGITIMATE_NEIGHBOURS is the hand list plus every provider or sensitive
  domain within OSA distance 2 of another listed domain.

Cross-checks that do not change the output: a PSL file with its ICANN and
PRIVATE section markers (`--psl-dat`, else PyPI's publicsuffixlist if
importable, else Debian's publicsuffix package) confirms that every ccTLD and
every non-`zone` sensitive suffix is in the ICANN section; the evaluation
pairs (`--eval-dir`, default ../shared/eval beside the repository) confirm
that no typed typo form is listed as legitimate.

The output depends only on the inputs named in its header, so rerunning the
script with the same inputs gives the same bytes.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "scripts" / "data"
OUT = REPO / "src" / "lookalike" / "builtin.rs"
ISO_JSON = Path("/usr/share/iso-codes/json/iso_3166-1.json")
DEBIAN_PSL_DAT = Path("/usr/share/publicsuffix/public_suffix_list.dat")

LABEL_RE = re.compile(r"^(?:xn--)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
TWO_LETTER_RE = re.compile(r"^[a-z]{2}$")


def die(msg: str) -> None:
    sys.exit(f"gen-builtin-data: error: {msg}")


def note(msg: str) -> None:
    print(f"gen-builtin-data: {msg}", file=sys.stderr)


# --------------------------------------------------------------------------
# Inputs


def psl_version_from_lock() -> str:
    lock = (REPO / "Cargo.lock").read_text(encoding="utf-8")
    m = re.search(r'\[\[package\]\]\nname = "psl"\nversion = "([^"]+)"', lock)
    if not m:
        die("no psl package in Cargo.lock")
    return m.group(1)


def find_psl_rules(version: str) -> Path:
    cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    pattern = cargo_home / "registry" / "src" / "*" / f"psl-{version}" / "data" / "rules.txt"
    hits = sorted(glob.glob(str(pattern)))
    if not hits:
        die(
            f"psl-{version}/data/rules.txt not found under {cargo_home}/registry/src; "
            "run `cargo fetch` first or pass --psl-rules"
        )
    return Path(hits[0])


def read_psl_rules(path: Path) -> set[str]:
    rules = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("//"):
            rules.add(line.split()[0].lower())
    if len(rules) < 5000:
        die(f"{path}: only {len(rules)} rules; not a Public Suffix List")
    return rules


def read_sectioned_psl(path: Path) -> tuple[set[str], set[str], str]:
    """(icann rules, private rules, version line) of a PSL file with section markers."""
    icann, private, section, version = set(), set(), None, "unknown version"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if "===BEGIN ICANN DOMAINS===" in line:
            section = icann
        elif "===BEGIN PRIVATE DOMAINS===" in line:
            section = private
        elif line.startswith("// VERSION:"):
            version = line[len("// VERSION:") :].strip()
        if not line or line.startswith("//") or section is None:
            continue
        section.add(line.split()[0].lower())
    if not icann or not private:
        die(f"{path}: no ICANN/PRIVATE section markers")
    return icann, private, version


def find_sectioned_psl(arg: str | None) -> Path | None:
    if arg:
        return Path(arg)
    try:  # PyPI's publicsuffixlist is released with the list, so usually newer
        import publicsuffixlist  # type: ignore

        p = Path(publicsuffixlist.__file__).parent / "public_suffix_list.dat"
        if p.exists():
            return p
    except ImportError:
        pass
    if DEBIAN_PSL_DAT.exists():
        return DEBIAN_PSL_DAT
    return None


def iso_codes_version(path: Path) -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-S", str(path)], capture_output=True, text=True, check=True
        ).stdout
        pkg = out.split(":", 1)[0].strip()
        ver = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True, check=True
        ).stdout.strip()
        return ver
    except (OSError, subprocess.CalledProcessError):
        return "(version unknown)"


def read_list(name: str) -> list[tuple[str, list[str], str]]:
    """Entries of scripts/data/NAME: (domain, flags, comment), in file order."""
    path = DATA / name
    out, seen = [], {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body, _, comment = raw.partition("#")
        words = body.split()
        if not words:
            continue
        domain, flags = words[0], words[1:]
        where = f"{path.relative_to(REPO)}:{n}"
        check_domain(domain, where)
        if domain in seen:
            die(f"{where}: {domain} repeats line {seen[domain]}")
        seen[domain] = n
        out.append((domain, flags, comment.strip()))
    return out


def check_domain(domain: str, where: str) -> None:
    if domain != domain.lower() or not domain.isascii():
        die(f"{where}: {domain!r} is not lower-case ASCII (write IDNs as xn--)")
    labels = domain.split(".")
    if len(domain) > 253 or not all(LABEL_RE.match(label) for label in labels):
        die(f"{where}: {domain!r} is not a valid host name")


# --------------------------------------------------------------------------
# PSL matching (the standard algorithm: longest rule wins, wildcards, exceptions)


def public_suffix(domain: str, rules: set[str]) -> tuple[str, bool]:
    """(public suffix, whether an explicit rule matched) of `domain`."""
    labels = domain.split(".")
    best, known = labels[-1], False
    for i in range(len(labels)):
        cand = ".".join(labels[i:])
        if "!" + cand in rules:
            return ".".join(labels[i + 1 :]), True
        wild = "*." + ".".join(labels[i + 1 :]) if i + 1 < len(labels) else None
        if cand in rules or (wild and wild in rules):
            if not known or len(cand) > len(best):
                best, known = cand, True
    return best, known


def registrable(domain: str, rules: set[str]) -> str | None:
    suffix, _ = public_suffix(domain, rules)
    if suffix == domain:
        return None
    head = domain[: -len(suffix) - 1].split(".")
    return f"{head[-1]}.{suffix}"


# --------------------------------------------------------------------------
# Edit distance


def osa(a: str, b: str) -> int:
    """Optimal string alignment distance (a transposition counts as one edit)."""
    n, m = len(a), len(b)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[n][m]


# --------------------------------------------------------------------------
# Tables


def build_cctlds(
    rules: set[str], iso_path: Path
) -> tuple[list[tuple[str, str, str]], list[str], list[str]]:
    """(code, name, comment) rows, ISO codes not delegated, TLDs without a rule of their own."""
    tlds = set()
    for rule in rules:
        tld = rule.lstrip("!").rsplit(".", 1)[-1]
        if TWO_LETTER_RE.match(tld):
            tlds.add(tld)
    iso = {}
    for entry in json.loads(iso_path.read_text(encoding="utf-8"))["3166-1"]:
        iso[entry["alpha_2"].lower()] = entry.get("common_name") or entry["name"]
    overrides = {}
    path = DATA / "cctld-names.txt"
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = raw.partition("#")[0].strip()
        if not body:
            continue
        code, name = (body.split(None, 1) + [""])[:2]
        where = f"{path.relative_to(REPO)}:{n}"
        if not TWO_LETTER_RE.match(code) or not name:
            die(f"{where}: expected `CODE NAME`")
        if code not in tlds:
            die(f"{where}: {code} is not a delegated TLD in the PSL")
        if code in overrides:
            die(f"{where}: {code} repeats")
        overrides[code] = name
    rows = []
    for code in sorted(tlds):
        if code in overrides:
            why = f"ISO 3166-1: {iso[code]}" if code in iso else "no ISO 3166-1 alpha-2 code"
            rows.append((code, overrides[code], why))
        elif code in iso:
            rows.append((code, iso[code], ""))
        else:
            die(f"ccTLD {code} has no ISO 3166-1 name; add it to scripts/data/cctld-names.txt")
    undelegated = sorted(set(iso) - tlds)
    wildcard_only = sorted(t for t in tlds if t not in rules and "*." + t in rules)
    second_only = sorted(t for t in tlds if t not in rules and "*." + t not in rules)
    return rows, undelegated, wildcard_only + second_only  # TLDs without a rule of their own


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--psl-rules", help="PSL rules file (default: the psl crate's data/rules.txt)")
    ap.add_argument("--psl-dat", help="PSL file with section markers, for the ICANN cross-check")
    ap.add_argument("--iso-codes", default=str(ISO_JSON), help="iso_3166-1.json of iso-codes")
    ap.add_argument("--iso-codes-version", help="version to name in the header (default: from dpkg)")
    ap.add_argument("--eval-dir", default=str(REPO.parent / "shared" / "eval"))
    ap.add_argument("-o", "--output", default=str(OUT))
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if the output file is stale")
    mode.add_argument("--stdout", action="store_true", help="print instead of writing")
    args = ap.parse_args()

    psl_version = psl_version_from_lock()
    rules_path = Path(args.psl_rules) if args.psl_rules else find_psl_rules(psl_version)
    rules = read_psl_rules(rules_path)
    iso_path = Path(args.iso_codes)
    iso_version = args.iso_codes_version or iso_codes_version(iso_path)

    cctlds, undelegated, no_own_rule = build_cctlds(rules, iso_path)

    providers = read_list("providers.txt")
    suffixes = read_list("sensitive-suffixes.txt")
    sensitive = read_list("sensitive-domains.txt")
    hand_legit = read_list("legitimate-neighbours.txt")

    # PROVIDERS: registrable domains under a known public suffix.
    for d, flags, _ in providers:
        if flags:
            die(f"providers.txt: {d}: unexpected flags {flags}")
        if registrable(d, rules) != d or not public_suffix(d, rules)[1]:
            die(f"providers.txt: {d} is not a registrable domain under a listed public suffix")

    # SENSITIVE_SUFFIXES: PSL rules, or `zone` domains also listed as sensitive domains.
    sensitive_set = {d for d, _, _ in sensitive}
    zones = []
    for s, flags, _ in suffixes:
        if flags not in ([], ["zone"]):
            die(f"sensitive-suffixes.txt: {s}: unknown flags {flags}")
        if flags == ["zone"]:
            zones.append(s)
            if s in rules or registrable(s, rules) != s:
                die(f"sensitive-suffixes.txt: {s} is flagged zone but is not a registrable domain")
            if s not in sensitive_set:
                die(f"sensitive-suffixes.txt: zone {s} must also be in sensitive-domains.txt")
        elif s not in rules:
            die(f"sensitive-suffixes.txt: {s} is not a PSL rule (flag it `zone` if it is a domain)")

    # SENSITIVE_DOMAINS: registrable, or below a listed zone / sensitive suffix.
    suffix_set = {s for s, _, _ in suffixes}
    not_registrable = []
    for d, flags, _ in sensitive:
        if flags:
            die(f"sensitive-domains.txt: {d}: unexpected flags {flags}")
        if registrable(d, rules) != d:
            if not any(d.endswith("." + s) for s in suffix_set):
                die(f"sensitive-domains.txt: {d} is neither registrable nor below a sensitive suffix")
            not_registrable.append(d)
        if d in suffix_set and d not in zones:
            die(f"sensitive-domains.txt: {d} is a PSL sensitive suffix, not a domain")
    provider_set = {d for d, _, _ in providers}
    both = sorted(provider_set & sensitive_set)
    if both:
        die(f"in both providers.txt and sensitive-domains.txt: {both}")

    # LEGITIMATE_NEIGHBOURS: the hand list plus table entries within OSA 2 of another.
    hand_set = {d for d, _, _ in hand_legit}
    universe = sorted(provider_set | sensitive_set | hand_set)
    near: dict[str, list[tuple[int, str]]] = {d: [] for d in universe}
    for i, a in enumerate(universe):
        for b in universe[i + 1 :]:
            if abs(len(a) - len(b)) <= 2:
                k = osa(a, b)
                if k <= 2:
                    near[a].append((k, b))
                    near[b].append((k, a))
    legit: dict[str, str] = {}
    for d, _, comment in hand_legit:
        legit[d] = comment
    far_hand = sorted(d for d in hand_set if not near[d])
    for d in sorted(provider_set | sensitive_set):
        if near[d] and d not in legit:
            legit[d] = ""
    for d in legit:
        close = ", ".join(b for _, b in sorted(near[d])[:3])
        if close:
            more = " ..." if len(near[d]) > 3 else ""
            legit[d] = (legit[d] + "; " if legit[d] else "") + f"near {close}{more}"

    # Typed typo forms of the evaluation set must never be legitimate.
    eval_pairs = Path(args.eval_dir) / "typo-pairs.csv"
    if eval_pairs.exists():
        typed = set()
        for line in eval_pairs.read_text(encoding="utf-8").splitlines()[1:]:
            cells = [c.strip().lower().lstrip("#").rstrip(".") for c in line.split(",")]
            if len(cells) >= 2 and cells[0] != cells[1]:  # `#gmail.com` is junk, not a typo
                typed.add(cells[0])
        clash = sorted(typed & set(legit))
        if clash:
            die(f"typed typo forms of {eval_pairs} listed as legitimate: {clash}")
    else:
        note(f"{eval_pairs} not found; typo-pair cross-check skipped")

    # Cross-check with a sectioned PSL file (does not change the output).
    dat = find_sectioned_psl(args.psl_dat)
    if dat and dat.exists():
        icann, private, dat_version = read_sectioned_psl(dat)
        icann_tlds = {r.lstrip("!").rsplit(".", 1)[-1] for r in icann}
        codes = {c for c, _, _ in cctlds}
        dat_two = {t for t in icann_tlds if TWO_LETTER_RE.match(t)}
        for c in sorted(codes - icann_tlds):
            note(f"warning: ccTLD {c} is not in the ICANN section of {dat} ({dat_version})")
        for c in sorted(dat_two - codes):
            note(f"warning: {dat} ({dat_version}) has ccTLD {c}, the psl crate's list does not")
        for s, flags, _ in suffixes:
            if not flags and s in private:
                die(f"sensitive suffix {s} is in the PRIVATE section of {dat} ({dat_version})")
            if not flags and s not in icann:
                note(f"warning: sensitive suffix {s} is not in {dat} ({dat_version}); older list?")
        note(f"cross-checked against {dat} ({dat_version})")
    else:
        note("no sectioned PSL file found; ICANN cross-check skipped")

    text = render(
        psl_version=psl_version,
        iso_version=iso_version,
        cctlds=cctlds,
        providers=sorted((d, c) for d, _, c in providers),
        suffixes=sorted((s, ("zone: " if f else "") + c) for s, f, c in suffixes),
        sensitive=sorted((d, c) for d, _, c in sensitive),
        legit=sorted(legit.items()),
        undelegated=undelegated,
        no_own_rule=no_own_rule,
        zones=sorted(zones),
        n_hand=len(hand_set),
    )

    out = Path(args.output)
    if args.stdout:
        sys.stdout.write(text)
    elif args.check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            die(f"{out} is stale; rerun scripts/gen-builtin-data.py")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")

    note(
        f"CCTLDS {len(cctlds)}, PROVIDERS {len(providers)}, SENSITIVE_SUFFIXES {len(suffixes)}"
        f" ({len(zones)} zones), SENSITIVE_DOMAINS {len(sensitive)}"
        f" ({len(not_registrable)} below a zone or suffix), LEGITIMATE_NEIGHBOURS {len(legit)}"
        f" ({len(hand_set)} by hand)"
    )
    note(f"ISO 3166-1 codes not delegated, left out: {' '.join(undelegated)}")
    if far_hand:
        note(f"hand neighbours not within 2 edits of a listed domain: {' '.join(far_hand)}")


# --------------------------------------------------------------------------
# Rust output


def rs_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry(line: str, comment: str) -> str:
    # Comments go above the entry: rustfmt aligns trailing comments of
    # neighbouring lines, which this script would have to imitate.
    return f"    // {comment}\n    {line}," if comment else f"    {line},"


def doc(prefix: str, text: str) -> str:
    """`text` as `prefix` comment lines wrapped at 80 columns. Paragraphs are
    separated by blank lines; lines starting with "- " are list items."""
    out = []
    width = 80 - len(prefix) - 1
    for para in text.strip("\n").split("\n\n"):
        items, cur = [], None
        for line in para.split("\n"):
            if line.startswith("- ") or cur is None:
                cur = [line]
                items.append(cur)
            else:
                cur.append(line.strip())
        for item in items:
            body = " ".join(item)
            hang = "  " if body.startswith("- ") else ""
            lines = textwrap.wrap(
                body,
                width,
                subsequent_indent=hang,
                break_long_words=False,
                break_on_hyphens=False,
            )
            out += [f"{prefix} {line}" for line in lines]
        out.append(prefix)
    return "\n".join(out[:-1])


def ticks(items) -> str:
    return ", ".join(f"`{x}`" for x in items)


def render(**k) -> str:
    psl = f"psl {k['psl_version']}"
    psl_src = f"the Public Suffix List shipped in the `psl` crate {k['psl_version']} (`data/rules.txt`; the crate misdirect links, version from Cargo.lock)"
    iso_src = f"Debian's iso-codes {k['iso_version']} (`/usr/share/iso-codes/json/iso_3166-1.json`)"
    out = []
    w = out.append
    w(
        doc(
            "//!",
            f"""
Built-in data tables of the lookalike engine: the delegated country-code TLDs with their names (to tell that a dropped letter lands in a real country: `army.mil` -> `army.ml`, Mali), the mail providers and the sensitive government, military and intergovernmental domains that staff write to (the targets), and the legitimate neighbours that must never be reported as typos.

Generated by `scripts/gen-builtin-data.py`: do not edit by hand. Edit `scripts/data/*.txt` and rerun `python3 scripts/gen-builtin-data.py` (`--check` fails if this file is stale).

Sources:
- [`CCTLDS`]: every two-letter TLD of {psl_src}, all in its ICANN section; names from {iso_src}, with the exceptions of `scripts/data/cctld-names.txt`.
- [`PROVIDERS`], [`SENSITIVE_SUFFIXES`], [`SENSITIVE_DOMAINS`], [`LEGITIMATE_NEIGHBOURS`]: the hand-curated lists `scripts/data/providers.txt`, `sensitive-suffixes.txt`, `sensitive-domains.txt` and `legitimate-neighbours.txt`, whose comments give the reasons for entries and list the candidates left out; checked against the same PSL.

Every table is sorted and free of duplicates, and its domain strings are lower-case ASCII (IDNs would be in `xn--` form), so membership is a binary search. The tests at the bottom check this.
""",
        )
    )
    w("")
    w(
        doc(
            "///",
            f"""
Every delegated two-letter country-code TLD of the root zone, with the English name of its country or territory: `("ml", "Mali")`.

Source: the two-letter TLDs of {psl_src}. Names: `common_name`, else `name`, from {iso_src}. Exceptions (`scripts/data/cctld-names.txt`, commented at the entry): TLDs without an ISO 3166-1 code (`ac`, `eu`, `su`, `uk`) and ISO names in inverted form (`cd`, `vg`, ...). ISO 3166-1 codes that are not delegated are left out: {ticks(k["undelegated"])}. Delegated but unused codes (`gb`, `bv`, `sj`) are kept. IDN ccTLDs (`xn--p1ai`, ...) are not two-letter codes and are not here.

{len(k["no_own_rule"])} ccTLDs ({ticks(k["no_own_rule"])}) have no rule of their own in the PSL, only a wildcard (`*.ck`) or second-level rules (`co.za`), so the `psl` crate does not call the bare TLD a known suffix: look ccTLDs up here rather than in the PSL.

Checked: the generator cross-checks the codes against the ICANN section of a sectioned PSL file; the tests check form and order, sample lookups, and that each code is an ICANN TLD of the linked `psl` crate.
""",
        )
    )
    w("pub const CCTLDS: &[(&str, &str)] = &[")
    for code, name, why in k["cctlds"]:
        w(entry(f"({rs_str(code)}, {rs_str(name)})", why))
    w("];")
    w("")
    w(
        doc(
            "///",
            f"""
Registrable domains of major consumer webmail and ISP mail providers worldwide that an organisation's staff commonly write to: Google, Microsoft (with the Hotmail, Live and Outlook country variants), Yahoo, AOL, Apple, Proton, GMX / WEB.DE / mail.com, Yandex, Mail.ru, NetEase, QQ, Naver and the large ISPs of North America, Europe, Brazil, Japan and Australia.

Source: `scripts/data/providers.txt`, written by hand and cross-checked against the provider tables of the npm packages `@mikkelscheike/email-provider-links` 5.2.2 and `email-providers` 2.26.0 (entries in neither are marked "not in the npm cross-check lists"). Checked: each is a registrable domain under a known public suffix ({psl}) and none is in [`SENSITIVE_DOMAINS`].
""",
        )
    )
    w("pub const PROVIDERS: &[&str] = &[")
    for d, c in k["providers"]:
        w(entry(rs_str(d), c))
    w("];")
    w("")
    w(
        doc(
            "///",
            f"""
Zones under which every domain belongs to a government, a military or an intergovernmental organisation, written without the leading dot: `mil`, `gov.uk`, `gouv.fr`. A domain at or below one of them is sensitive.

Source: `scripts/data/sensitive-suffixes.txt`, by hand. Most are rules of the ICANN section of the Public Suffix List ({psl}). The exceptions, {ticks(k["zones"])}, are registrable domains that their government delegates only to its own bodies; they are in [`SENSITIVE_DOMAINS`] too. Checked: the generator requires every other entry to be a PSL rule, and fails on one in the PSL's private section; the tests ask the `psl` crate whether each is an ICANN suffix.
""",
        )
    )
    w("pub const SENSITIVE_SUFFIXES: &[&str] = &[")
    for s_, c in k["suffixes"]:
        w(entry(rs_str(s_), c))
    w("];")
    w("")
    w(
        doc(
            "///",
            f"""
Well-known mail and web domains of defence, government and intergovernmental organisations that staff write to: the main `.mil` domains of the US (`army.mil`, `navy.mil`, `af.mil`, the combatant commands, the defence agencies), US and allied ministries of defence and foreign affairs (`mod.gov.uk`, `forces.gc.ca`, `defence.gov.au`), NATO, the EU institutions and the UN system.

Source: `scripts/data/sensitive-domains.txt`, by hand; candidates that were not certain are listed there, commented out. Mostly registrable domains; a few well-known mail subdomains of a sensitive zone (`ec.europa.eu`, `hq.nato.int`) are included. Checked: each is registrable under the PSL ({psl}) or lies below a [`SENSITIVE_SUFFIXES`] entry, and none is in [`PROVIDERS`].
""",
        )
    )
    w("pub const SENSITIVE_DOMAINS: &[&str] = &[")
    for d, c in k["sensitive"]:
        w(entry(rs_str(d), c))
    w("];")
    w("")
    w(
        doc(
            "///",
            f"""
Domains that are legitimate in their own right although they are one or two edits from a provider or sensitive domain, so misdirect must never report them as typos: `gmx.at` (`gmx.de`), `mail.com` (`gmail.com`), `dla.mil` (`dia.mil`), `web.dk` (`web.de`), `aon.com` (`aol.com`).

Source: the {k["n_hand"]} hand entries of `scripts/data/legitimate-neighbours.txt` (among them the `legitimate` rows of `shared/eval/typo-negatives.csv`), plus every entry of [`PROVIDERS`] and [`SENSITIVE_DOMAINS`] within optimal-string-alignment distance 2 of another domain of those three lists; the comment at each entry names the nearest ones. Checked: the generator fails if a `typed` form of `shared/eval/typo-pairs.csv` is listed; the tests check a sample of typo forms.
""",
        )
    )
    w("pub const LEGITIMATE_NEIGHBOURS: &[&str] = &[")
    for d, c in k["legit"]:
        w(entry(rs_str(d), c))
    w("];")
    w("")
    w(RUST_TAIL)
    return "\n".join(out)


RUST_TAIL = r'''/// The English name of the country or territory of the two-letter
/// country-code TLD `tld` (lower case, no dot), or `None` if `tld` is not a
/// delegated ccTLD: `is_cctld("ml") == Some("Mali")`.
pub fn is_cctld(tld: &str) -> Option<&'static str> {
    CCTLDS
        .binary_search_by(|&(code, _)| code.cmp(tld))
        .ok()
        .map(|i| CCTLDS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_host_name(d: &str) -> bool {
        d.len() <= 253
            && d.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
    }

    fn check_table(name: &str, table: &[&str]) {
        assert!(!table.is_empty(), "{name} is empty");
        for pair in table.windows(2) {
            assert!(
                pair[0] < pair[1],
                "{name}: {:?} is not before {:?}",
                pair[0],
                pair[1]
            );
        }
        for d in table {
            assert!(
                is_host_name(d),
                "{name}: {d:?} is not a lower-case ASCII host name"
            );
        }
    }

    fn has(table: &[&str], d: &str) -> bool {
        table.binary_search(&d).is_ok()
    }

    fn is_icann_suffix(s: &str) -> bool {
        psl::suffix(s.as_bytes())
            .is_some_and(|x| x.as_bytes() == s.as_bytes() && x.typ() == Some(psl::Type::Icann))
    }

    #[test]
    fn tables_are_sorted_unique_lower_case_ascii() {
        check_table("PROVIDERS", PROVIDERS);
        check_table("SENSITIVE_SUFFIXES", SENSITIVE_SUFFIXES);
        check_table("SENSITIVE_DOMAINS", SENSITIVE_DOMAINS);
        check_table("LEGITIMATE_NEIGHBOURS", LEGITIMATE_NEIGHBOURS);
        let codes: Vec<&str> = CCTLDS.iter().map(|&(code, _)| code).collect();
        check_table("CCTLDS", &codes);
        for &(code, name) in CCTLDS {
            assert!(
                code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()),
                "{code:?}"
            );
            assert!(!name.is_empty() && name.trim() == name, "{code}: {name:?}");
        }
    }

    #[test]
    fn cctld_lookup() {
        assert_eq!(is_cctld("ml"), Some("Mali"));
        assert_eq!(is_cctld("co"), Some("Colombia"));
        assert_eq!(is_cctld("cm"), Some("Cameroon"));
        assert_eq!(is_cctld("om"), Some("Oman"));
        assert_eq!(is_cctld("uk"), Some("United Kingdom"));
        assert_eq!(is_cctld("eu"), Some("European Union"));
        assert_eq!(is_cctld("ac"), Some("Ascension Island"));
        assert_eq!(is_cctld("su"), Some("Soviet Union (legacy)"));
        assert_eq!(is_cctld("ck"), Some("Cook Islands"));
        assert_eq!(is_cctld("com"), None);
        assert_eq!(is_cctld("mll"), None);
        assert_eq!(is_cctld("mil"), None);
        assert_eq!(is_cctld(""), None);
        assert_eq!(is_cctld("ML"), None, "the table is lower case");
        // ISO 3166-1 codes that are not delegated in the root zone.
        for code in ["bl", "bq", "eh", "mf", "um"] {
            assert_eq!(is_cctld(code), None, "{code}");
        }
        assert!(CCTLDS.len() > 240, "{} ccTLDs", CCTLDS.len());
    }

    #[test]
    fn cctlds_are_icann_tlds_of_the_linked_psl() {
        let mut missing = Vec::new();
        for &(code, _) in CCTLDS {
            // Names below the TLD, so that wildcard-only TLDs (`*.ck`) and
            // TLDs with rules for second levels only (`co.za`) count too.
            let known = ["", "ac.", "co.", "gov.", "org."].iter().any(|second| {
                let probe = format!("example.{second}{code}");
                psl::suffix(probe.as_bytes()).is_some_and(|s| s.typ() == Some(psl::Type::Icann))
            });
            if !known {
                missing.push(code);
            }
        }
        assert!(missing.is_empty(), "not ICANN TLDs of psl: {missing:?}");
    }

    #[test]
    fn entries_are_where_they_belong() {
        assert!(has(SENSITIVE_DOMAINS, "army.mil"));
        assert!(has(SENSITIVE_DOMAINS, "mod.gov.uk"));
        assert!(has(SENSITIVE_DOMAINS, "nato.int"));
        assert!(has(SENSITIVE_SUFFIXES, "mil"));
        assert!(has(SENSITIVE_SUFFIXES, "gov.uk"));
        assert!(!has(SENSITIVE_SUFFIXES, "un.org"), "a domain, not a suffix");
        assert!(has(SENSITIVE_DOMAINS, "un.org"));
        assert!(has(PROVIDERS, "gmail.com"));
        assert!(has(PROVIDERS, "gmx.at"));
        assert!(has(LEGITIMATE_NEIGHBOURS, "gmx.at"));
        for d in ["army.mil", "mod.gov.uk", "nato.int"] {
            assert!(!has(PROVIDERS, d), "{d}");
        }
        for d in ["gmail.com", "gmx.at", "yahoo.co.uk"] {
            assert!(!has(SENSITIVE_DOMAINS, d), "{d}");
        }
        // The `legitimate` rows of shared/eval/typo-negatives.csv.
        for d in [
            "kicksend.com",
            "yahoo.co.uk",
            "gmx.fr",
            "nothing.com",
            "liamg.com",
        ] {
            assert!(has(LEGITIMATE_NEIGHBOURS, d), "{d}");
        }
        for d in ["mail.com", "ymail.com", "web.dk", "me.com", "dla.mil"] {
            assert!(has(LEGITIMATE_NEIGHBOURS, d), "{d}");
        }
    }

    #[test]
    fn typo_forms_are_not_legitimate() {
        for d in [
            "army.ml",
            "gmail.co",
            "gmail.cm",
            "gmial.com",
            "gmsn.com",
            "hotmail.co",
            "outlook.co",
            "tmail.com",
            "yajoo.com",
            "modgov.uk",
        ] {
            assert!(!has(LEGITIMATE_NEIGHBOURS, d), "{d}");
            assert!(!has(PROVIDERS, d), "{d}");
            assert!(!has(SENSITIVE_DOMAINS, d), "{d}");
        }
    }

    #[test]
    fn providers_are_registrable_domains() {
        for d in PROVIDERS {
            let domain = psl::domain(d.as_bytes());
            assert!(
                domain.is_some_and(|x| x.as_bytes() == d.as_bytes() && x.suffix().is_known()),
                "{d} is not a registrable domain"
            );
        }
    }

    #[test]
    fn sensitive_suffixes_are_icann_suffixes_or_listed_zones() {
        for s in SENSITIVE_SUFFIXES {
            assert!(is_icann_suffix(s) || has(SENSITIVE_DOMAINS, s), "{s}");
        }
        for d in SENSITIVE_DOMAINS {
            let registrable =
                psl::domain(d.as_bytes()).is_some_and(|x| x.as_bytes() == d.as_bytes());
            let below = SENSITIVE_SUFFIXES.iter().any(|s| {
                d.len() > s.len() + 1
                    && d.ends_with(s)
                    && d.as_bytes()[d.len() - s.len() - 1] == b'.'
            });
            assert!(registrable || below, "{d}");
        }
    }
}
'''


if __name__ == "__main__":
    main()
