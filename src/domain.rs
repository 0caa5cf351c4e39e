//! Addresses and domains: splitting an address as an MTA logged it into
//! local part and domain, and normalising the domain.
//!
//! A domain is normalised by lower-casing it, dropping a trailing dot and
//! mapping IDNs to their ASCII (`xn--`) form, so that `Army.Mil.`,
//! `army.mil`, `bücher.example` and `xn--bcher-kva.example` each have one
//! spelling. The Unicode spelling and the registrable domain (Public Suffix
//! List) are computed once per distinct domain, at report time.

use std::borrow::Cow;

/// An address split into its parts, as logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawAddress<'a> {
    pub local: &'a [u8],
    /// Empty for a bare local name (`root`) and the null sender (`<>`).
    pub domain: &'a [u8],
}

/// Splits an address as logged: drops a source route (`@a,@b:user@dom`) and
/// splits at the last `@` (a domain never contains one; a quoted local part
/// may).
pub fn split_address(raw: &[u8]) -> RawAddress<'_> {
    let mut a = raw;
    if a.first() == Some(&b'@') {
        if let Some(colon) = memchr::memchr(b':', a) {
            a = &a[colon + 1..];
        }
    }
    match memchr::memrchr(b'@', a) {
        Some(at) => RawAddress {
            local: &a[..at],
            domain: &a[at + 1..],
        },
        None => RawAddress {
            local: a,
            domain: b"",
        },
    }
}

/// The local part without RFC 5321 quoting: `"john.smith"` -> `john.smith`,
/// `"a\"b"` -> `a"b`.
pub fn unquote_local(local: &[u8]) -> Cow<'_, [u8]> {
    match local
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
    {
        Some(inner) if !inner.is_empty() || local.len() == 2 => {
            if !inner.contains(&b'\\') {
                return Cow::Borrowed(inner);
            }
            let mut out = Vec::with_capacity(inner.len());
            let mut escaped = false;
            for &c in inner {
                if c == b'\\' && !escaped {
                    escaped = true;
                    continue;
                }
                escaped = false;
                out.push(c);
            }
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(local),
    }
}

/// Whether a domain is already in normal form: lower-case ASCII letters,
/// digits, `-`, `.` and `_`, no trailing dot, no `xn--` label to check. Most
/// domains in a log are; they skip the IDNA machinery.
pub fn is_normal_ascii(d: &[u8]) -> bool {
    !d.is_empty()
        && d.last() != Some(&b'.')
        && d.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.' || c == b'_'
        })
        && !d.windows(4).any(|w| w == b"xn--")
}

/// Normalises a domain as logged into `out` (cleared first).
///
/// Address literals (`[192.0.2.1]`) are kept as written. A domain that is not
/// valid IDNA (hostile or broken input) is lower-cased byte by byte and kept,
/// so that it is still counted under a stable name.
pub fn normalize_domain(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let dots = raw.iter().rev().take_while(|&&c| c == b'.').count();
    let d = &raw[..raw.len() - dots];
    if d.first() == Some(&b'[') {
        out.extend(d.iter().map(u8::to_ascii_lowercase));
        return;
    }
    if is_normal_ascii(d) {
        out.extend_from_slice(d);
        return;
    }
    if let Ok(s) = std::str::from_utf8(d) {
        if let Ok(ascii) = idna::domain_to_ascii(s) {
            // IDNA drops ignored code points, which can leave new trailing
            // dots (`.` + U+180F -> `.`): strip them too, so that normalising
            // twice changes nothing.
            let ascii = ascii.trim_end_matches('.');
            if !ascii.is_empty() {
                out.extend_from_slice(ascii.as_bytes());
                return;
            }
        }
    }
    out.extend(d.iter().map(u8::to_ascii_lowercase));
}

/// The Unicode spelling of a normalised domain (`xn--bcher-kva.example` ->
/// `bücher.example`); the domain itself if it has no IDN label.
pub fn unicode_form(domain: &str) -> String {
    if !domain.contains("xn--") {
        return domain.to_string();
    }
    let (u, result) = idna::domain_to_unicode(domain);
    if result.is_ok() {
        u
    } else {
        domain.to_string()
    }
}

/// The registrable domain (public suffix plus one label) of a normalised
/// domain: `mail.army.mil` -> `army.mil`, `mod.gov.uk` -> `mod.gov.uk`. A
/// domain that is itself a public suffix, or has no dot, is its own.
pub fn registrable(domain: &str) -> String {
    if domain.starts_with('[') {
        return domain.to_string();
    }
    match psl::domain(domain.as_bytes()) {
        Some(d) => String::from_utf8_lossy(d.as_bytes()).into_owned(),
        None => domain.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_code_points_leave_no_trailing_dot() {
        // Found by the property test domain_normalisation_is_idempotent.
        let raw = ".\u{180f}".as_bytes();
        let (mut once, mut twice) = (Vec::new(), Vec::new());
        normalize_domain(raw, &mut once);
        normalize_domain(&once, &mut twice);
        assert_eq!(once, twice);
        normalize_domain(b"example.com.\xe1\xa0\x8f", &mut once);
        assert_eq!(once, b"example.com");
    }

    fn norm(s: &[u8]) -> String {
        let mut out = Vec::new();
        normalize_domain(s, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn split_forms() {
        assert_eq!(
            split_address(b"john@army.mil"),
            RawAddress {
                local: b"john",
                domain: b"army.mil"
            }
        );
        assert_eq!(
            split_address(b"@a.example,@b.example:u@c.example").domain,
            b"c.example"
        );
        assert_eq!(
            split_address(b"@a.example,@b.example:u@c.example").local,
            b"u"
        );
        assert_eq!(split_address(b"\"a@b\"@c.example").local, b"\"a@b\"");
        assert_eq!(
            split_address(b"root"),
            RawAddress {
                local: b"root",
                domain: b""
            }
        );
        assert_eq!(
            split_address(b""),
            RawAddress {
                local: b"",
                domain: b""
            }
        );
        assert_eq!(split_address(b"u@[192.0.2.1]").domain, b"[192.0.2.1]");
    }

    #[test]
    fn unquote() {
        assert_eq!(&*unquote_local(b"\"john.smith\""), b"john.smith");
        assert_eq!(&*unquote_local(b"\"a\\\"b\""), b"a\"b");
        assert_eq!(&*unquote_local(b"plain"), b"plain");
        assert_eq!(&*unquote_local(b"\""), b"\"");
    }

    #[test]
    fn normalise() {
        assert_eq!(norm(b"Army.Mil."), "army.mil");
        assert_eq!(norm(b"army.mil"), "army.mil");
        assert_eq!(norm("bücher.example".as_bytes()), "xn--bcher-kva.example");
        assert_eq!(norm(b"XN--BCHER-KVA.example"), "xn--bcher-kva.example");
        assert_eq!(norm(b"[192.0.2.1]"), "[192.0.2.1]");
        assert_eq!(
            norm(b"\xff\xfeBAD"),
            String::from_utf8_lossy(b"\xff\xfebad")
        );
    }

    #[test]
    fn unicode_and_registrable() {
        assert_eq!(unicode_form("xn--bcher-kva.example"), "bücher.example");
        assert_eq!(unicode_form("army.mil"), "army.mil");
        assert_eq!(registrable("mail.army.mil"), "army.mil");
        assert_eq!(registrable("mod.gov.uk"), "mod.gov.uk");
        assert_eq!(registrable("www.mod.gov.uk"), "mod.gov.uk");
        assert_eq!(registrable("army.ml"), "army.ml");
        assert_eq!(registrable("navy.mll"), "navy.mll");
        assert_eq!(registrable("localhost"), "localhost");
        assert_eq!(registrable("[192.0.2.1]"), "[192.0.2.1]");
    }
}
