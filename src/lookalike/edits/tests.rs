use super::*;

fn kind(intended: &str, observed: &str) -> (String, String, u32) {
    let c = classify(Split::new(intended), observed)
        .unwrap_or_else(|| panic!("{observed} from {intended}"));
    (c.detail(), c.location(), c.distance)
}

fn k(intended: &str, observed: &str) -> String {
    kind(intended, observed).0
}

#[test]
fn distances() {
    assert_eq!(osa_distance(b"gmail.com", b"gmial.com", 2), Some(1));
    assert_eq!(osa_distance(b"army.mil", b"army.ml", 2), Some(1));
    assert_eq!(osa_distance(b"gmail.com", b"gnail.con", 2), Some(2));
    assert_eq!(osa_distance(b"gmail.com", b"yahoo.com", 2), None);
    assert_eq!(osa_distance(b"ab", b"ba", 2), Some(1));
    assert_eq!(osa_distance(b"", b"ab", 2), Some(2));
    assert_eq!(osa_distance(b"abc", b"abc", 0), Some(0));
}

#[test]
fn suffix_kinds() {
    assert_eq!(
        kind("army.mil", "army.ml"),
        ("suffix-omission".into(), "suffix".into(), 1)
    );
    assert_eq!(k("gmail.com", "gmail.co"), "suffix-omission");
    assert_eq!(k("gmail.com", "gmail.cm"), "suffix-omission");
    assert_eq!(k("gmail.com", "gmail.om"), "suffix-omission");
    assert_eq!(k("gmail.com", "gmail.con"), "suffix-substitution");
    assert_eq!(k("comcast.net", "comcast.nwt"), "suffix-substitution");
    assert_eq!(k("gmail.com", "gmail.comm"), "suffix-insertion");
    assert_eq!(k("yahoo.com", "yahoo.cmo"), "suffix-transposition");
    assert_eq!(k("mod.gov.uk", "mod.uk"), "suffix-truncation");
    assert_eq!(k("gmail.com", "gmail.c"), "suffix-truncation");
    assert_eq!(k("outlook.com", "outlook"), "suffix-truncation");
    assert_eq!(k("gmail.com", "gmail.com.com"), "suffix-appended");
    assert_eq!(k("partner.co.uk", "partner.co.uk.com"), "suffix-appended");
    assert_eq!(k("partner.co.uk", "partner.ac.uk"), "wrong-second-level");
    assert_eq!(k("partner.co.uk", "partner.org.uk"), "wrong-second-level");
    assert_eq!(k("partner.com.au", "partner.net.au"), "wrong-second-level");
    // com.uk is not a public suffix: an inserted letter, not another second level.
    assert_eq!(k("partner.co.uk", "partner.com.uk"), "suffix-insertion");
}

#[test]
fn dot_kinds() {
    assert_eq!(
        kind("mod.gov.uk", "modgov.uk"),
        ("missing-dot".into(), "boundary".into(), 1)
    );
    assert_eq!(k("aus.intel.com", "ausintel.com"), "missing-dot");
    assert_eq!(k("gmail.com", "gmailcom"), "missing-dot");
    assert_eq!(k("gmail.com", "g.mail.com"), "extra-dot");
    assert_eq!(
        kind("gmail.com", "gmailc.om"),
        ("extra-dot".into(), "boundary".into(), 1)
    );
}

#[test]
fn label_kinds() {
    assert_eq!(
        kind("gmail.com", "gmal.com"),
        ("omission".into(), "label".into(), 1)
    );
    assert_eq!(k("hotmail.com", "hotmai.com"), "omission");
    assert_eq!(k("gmail.com", "gmaoil.com"), "insertion");
    assert_eq!(k("gmail.com", "gmaill.com"), "repetition");
    assert_eq!(k("yahoo.com", "yahooo.com"), "repetition");
    assert_eq!(k("gmail.com", "gnail.com"), "substitution-keyboard");
    assert_eq!(k("yahoo.com", "yajoo.com"), "substitution-keyboard");
    assert_eq!(k("gmail.com", "gmeil.com"), "substitution-vowel");
    assert_eq!(k("paypal.com", "paypa1.com"), "substitution-visual");
    assert_eq!(k("google.com", "g0ogle.com"), "substitution-visual");
    assert_eq!(k("gmail.com", "grnail.com"), "substitution-visual");
    assert_eq!(k("adobe.com", "acobe.com"), "substitution-keyboard");
    assert_eq!(k("adobe.com", "aclobe.com"), "substitution-visual");
    assert_eq!(k("gmail.com", "gmial.com"), "transposition");
    assert_eq!(k("outlook.com", "oultook.com"), "transposition");
    assert_eq!(k("gmail.com", "g-mail.com"), "hyphenation");
    assert_eq!(k("e-mail.com", "email.com"), "hyphenation");
    assert_eq!(k("gmail.com", "gmaml.com"), "bitflip");
    assert_eq!(k("gmail.com", "gmpil.com"), "substitution-other");
}

#[test]
fn compounds_name_both_edits() {
    assert_eq!(
        kind("gmail.com", "gnail.con"),
        (
            "substitution-keyboard+suffix-substitution".into(),
            "label+suffix".into(),
            2
        )
    );
    assert_eq!(
        k("hotmail.com", "homail.con"),
        "omission+suffix-substitution"
    );
}

#[test]
fn compounds_across_name_and_suffix() {
    assert_eq!(
        kind("gmail.com", "gmiol.co").0,
        "substitution-vowel+substitution-keyboard+suffix-omission"
    );
    assert_eq!(kind("outlook.com", "ootlok.c").1, "label+suffix");
    assert_eq!(k("outlook.com", "outlok"), "omission+suffix-truncation");
    assert!(classify(Split::new("gmail.com"), "yahoo.co").is_none());
}

#[test]
fn bare_labels_and_bare_suffixes() {
    assert_eq!(k("hotmail", "hotmial"), "transposition");
    assert_eq!(k("com", "cmo"), "transposition");
    assert_eq!(k("co.uk", "com.uk"), "suffix-insertion");
    assert_eq!(Split::new("hotmail").name(), "hotmail");
    assert_eq!(Split::new("co.uk").name(), "");
    assert_eq!(Split::new("mod.gov.uk").name(), "mod");
}

#[test]
fn unrelated_and_equal() {
    assert!(classify(Split::new("gmail.com"), "yahoo.com").is_none());
    assert!(classify(Split::new("gmail.com"), "gmail.com").is_none());
    assert!(classify(Split::new("gmail.com"), "").is_none());
}

proptest::proptest! {
    /// Dropping the common prefix and suffix never changes the distance
    /// (small alphabet, so transpositions at the cut are common).
    #[test]
    fn affix_stripping_keeps_the_osa_distance(
        t in "[abc.]{0,10}",
        o in "[abc.]{0,10}",
        max in 0u32..4,
    ) {
        proptest::prop_assert_eq!(
            osa_distance(t.as_bytes(), o.as_bytes(), max),
            super::osa_banded(t.as_bytes(), o.as_bytes(), max)
        );
    }
}

/// The OSA distance by the textbook full matrix, for checking the banded one.
fn osa_reference(t: &[u8], o: &[u8]) -> u32 {
    let (n, m) = (t.len(), o.len());
    let mut d = vec![vec![0u32; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i as u32;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = u32::from(t[i - 1] != o[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && t[i - 1] == o[j - 2] && t[i - 2] == o[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

proptest::proptest! {
    /// The banded distance agrees with the full matrix, on strings short
    /// enough for rows on the stack and long enough for rows on the heap.
    #[test]
    fn banded_osa_agrees_with_the_full_matrix(
        t in "[ab.]{0,80}",
        o in "[ab.]{0,80}",
        max in 0u32..4,
    ) {
        let want = osa_reference(t.as_bytes(), o.as_bytes());
        proptest::prop_assert_eq!(
            super::osa_banded(t.as_bytes(), o.as_bytes(), max),
            (want <= max).then_some(want)
        );
    }
}
