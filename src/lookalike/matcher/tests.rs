use super::*;

fn matcher() -> Matcher {
    let mut m = Matcher::new();
    for t in [
        "gmail.com",
        "hotmail.com",
        "outlook.com",
        "army.mil",
        "aus.intel.com",
        "mod.gov.uk",
        "partner.co.uk",
        "yahoo.com",
    ] {
        m.add(t, Source::Explicit);
    }
    m.add_provider("hotmail.com");
    m.freeze();
    m
}

fn best(m: &Matcher, o: &str) -> Option<(String, String)> {
    m.candidates(o)
        .into_iter()
        .next()
        .map(|c| (c.intended, c.class.detail()))
}

fn pair(a: &str, b: &str) -> Option<(String, String)> {
    Some((a.to_string(), b.to_string()))
}

#[test]
fn finds_each_kind() {
    let m = matcher();
    assert_eq!(best(&m, "gmial.com"), pair("gmail.com", "transposition"));
    assert_eq!(best(&m, "army.ml"), pair("army.mil", "suffix-omission"));
    assert_eq!(best(&m, "modgov.uk"), pair("mod.gov.uk", "missing-dot"));
    assert_eq!(
        best(&m, "ausintel.com"),
        pair("aus.intel.com", "missing-dot")
    );
    assert_eq!(best(&m, "mod.uk"), pair("mod.gov.uk", "suffix-truncation"));
    assert_eq!(best(&m, "gmailc.om"), pair("gmail.com", "extra-dot"));
    assert_eq!(best(&m, "g.mail.com"), pair("gmail.com", "extra-dot"));
    assert_eq!(
        best(&m, "gmail.com.com"),
        pair("gmail.com", "suffix-appended")
    );
    assert_eq!(
        best(&m, "partner.co.uk.com"),
        pair("partner.co.uk", "suffix-appended")
    );
    assert_eq!(
        best(&m, "partner.ac.uk"),
        pair("partner.co.uk", "wrong-second-level")
    );
    assert_eq!(
        best(&m, "gnail.con"),
        pair("gmail.com", "substitution-keyboard+suffix-substitution")
    );
    let (intended, detail) = best(&m, "otmia.com").unwrap();
    assert_eq!(
        (intended.as_str(), detail.split('+').count()),
        ("hotmail.com", 3)
    );
    assert_eq!(best(&m, "xn--gmil-63d.com"), pair("gmail.com", "homoglyph"));
    assert_eq!(
        best(&m, "mail.gmial.com"),
        pair("mail.gmail.com", "transposition")
    );
    assert_eq!(best(&m, "example.org"), None);
    assert_eq!(best(&m, "gmail.com"), None);
}

#[test]
fn suffix_targets_name_the_intended_domain() {
    let mut m = Matcher::new();
    m.add_suffix("mil", Source::Builtin);
    m.add_suffix("gov.uk", Source::Builtin);
    m.freeze();
    let c = m.candidates("navy.ml");
    assert_eq!(
        (c[0].intended.as_str(), c[0].class.detail(), c[0].via_suffix),
        ("navy.mil", "suffix-omission".to_string(), true)
    );
    assert_eq!(
        best(&m, "navy.mll"),
        pair("navy.mil", "suffix-substitution")
    );
    assert_eq!(best(&m, "modgov.uk"), pair("mod.gov.uk", "missing-dot"));
    assert_eq!(best(&m, "mod.uk"), pair("mod.gov.uk", "suffix-truncation"));
    assert!(m.is_target("army.mil") && m.is_target("mail.army.mil") && !m.is_target("army.ml"));
    assert!(m.candidates("army.mil").is_empty());
    assert!(m.candidates("example.com").is_empty());
}

#[test]
fn probes_of_a_domain() {
    let p = dot_probes("gmailc.om");
    assert!(p.contains(&"gmail.com".to_string()));
    assert!(p.contains(&"gmailcom".to_string()));
    assert!(dot_probes("modgov.uk").contains(&"mod.gov.uk".to_string()));
    assert!(dot_probes("gmail.com.com").contains(&"gmail.com".to_string()));
}
