//! Redaction: local parts of addresses replaced by a keyed hash, the same
//! for the same address across a run (and across runs with the same key),
//! so reports can be shared without naming people. Domains stay readable:
//! they are what the investigation is about.

/// The key of `--redact`.
#[derive(Clone, PartialEq, Eq)]
pub struct RedactKey {
    key: [u8; 32],
    /// A key made for this run, to be shown to the user once.
    pub generated: Option<String>,
}

impl std::fmt::Debug for RedactKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key itself in debug output or logs.
        f.write_str("RedactKey(..)")
    }
}

impl RedactKey {
    /// A key given by the user: any text, stretched to 32 bytes.
    pub fn given(text: &str) -> RedactKey {
        RedactKey {
            key: blake3::derive_key("misdirect 2026 redact-key v1", text.as_bytes()),
            generated: None,
        }
    }

    /// A fresh random key (from the operating system's generator, through
    /// a hash of the clock, process id and a stack address if that fails).
    pub fn random() -> RedactKey {
        let mut raw = [0u8; 32];
        let ok = std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut raw))
            .is_ok();
        if !ok {
            let mut h = blake3::Hasher::new();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            h.update(&now.to_le_bytes());
            h.update(&std::process::id().to_le_bytes());
            h.update(&(&raw as *const _ as usize).to_le_bytes());
            raw = *h.finalize().as_bytes();
        }
        let text: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        RedactKey {
            generated: Some(text.clone()),
            ..RedactKey::given(&text)
        }
    }

    /// The pseudonym of a local part: `u-` and 12 hex digits (48 bits).
    pub fn local(&self, local: &str) -> String {
        let h = blake3::keyed_hash(&self.key, local.as_bytes());
        let hex: String = h.as_bytes()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("u-{hex}")
    }

    /// An address with its local part replaced; `<>` (empty) stays empty.
    pub fn address(&self, addr: &str) -> String {
        if addr.is_empty() {
            return String::new();
        }
        match addr.rfind('@') {
            Some(at) => format!("{}@{}", self.local(&addr[..at]), &addr[at + 1..]),
            None => self.local(addr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_address_same_pseudonym_and_domains_stay() {
        let k = RedactKey::given("case-42");
        let a = k.address("john.smith@army.ml");
        assert_eq!(a, k.address("john.smith@army.ml"));
        assert!(a.starts_with("u-") && a.ends_with("@army.ml"), "{a}");
        assert!(!a.contains("john"));
        assert_ne!(a, k.address("jane@army.ml"));
        assert_eq!(k.address(""), "");
        // Another key links nothing.
        assert_ne!(a, RedactKey::given("other").address("john.smith@army.ml"));
    }

    #[test]
    fn random_keys_differ_and_are_shown() {
        let (a, b) = (RedactKey::random(), RedactKey::random());
        assert_ne!(a.generated, b.generated);
        let shown = a.generated.clone().unwrap();
        assert_eq!(RedactKey::given(&shown).local("x"), a.local("x"));
    }
}
