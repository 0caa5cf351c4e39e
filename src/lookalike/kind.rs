//! The kinds of misdirection, and where in a domain the edit sits.

use std::fmt;

/// How a lookalike differs from the domain that was meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A character of the public suffix left out: `.mil` -> `.ml`, `.com` -> `.co`.
    SuffixOmission,
    /// A character of the suffix replaced: `.com` -> `.con`.
    SuffixSubstitution,
    /// A character added to the suffix: `.com` -> `.comm`.
    SuffixInsertion,
    /// Two characters of the suffix swapped: `.com` -> `.cmo`, `.net` -> `.nte`.
    SuffixTransposition,
    /// The suffix cut short: `mod.gov.uk` -> `mod.uk`, `gmail.com` -> `gmail.c`.
    SuffixTruncation,
    /// Another suffix added after the real one: `gmail.com.com`, `partner.co.uk.com`.
    SuffixAppended,
    /// Another second level under the same country: `co.uk` -> `ac.uk`.
    WrongSecondLevel,
    /// A dot left out: `mod.gov.uk` -> `modgov.uk`, `aus.intel.com` -> `ausintel.com`.
    MissingDot,
    /// A dot added or moved: `g.mail.com`, `gmailc.om`.
    ExtraDot,
    /// A character of the name left out: `gmal.com`.
    Omission,
    /// A character added to the name: `gmaiil.com` is repetition; `gmaoil.com` insertion.
    Insertion,
    /// A character doubled: `gmaill.com`, `yahooo.com`.
    Repetition,
    /// A character replaced by a neighbour on a QWERTY, QWERTZ or AZERTY keyboard: `gnail.com`.
    SubstitutionKeyboard,
    /// A vowel replaced by another vowel: `gmeil.com`.
    SubstitutionVowel,
    /// A character replaced by one that looks like it: `rn`/`m`, `1`/`l`, `0`/`o`, `cl`/`d`.
    SubstitutionVisual,
    /// Any other replaced character.
    SubstitutionOther,
    /// Two neighbouring characters swapped: `gmial.com`.
    Transposition,
    /// A hyphen added or removed: `g-mail.com`.
    Hyphenation,
    /// Letters from another script that look the same (UTS #39 skeleton): `gmаil.com` with a Cyrillic а.
    Homoglyph,
    /// One bit of one character flipped (memory or wire corruption, not
    /// typing): `gmail.com` -> `gmaml.com` (`i` 0x69, `m` 0x6d).
    Bitflip,
    /// Two edits; both are named.
    Compound,
}

impl Kind {
    pub const ALL: [Kind; 21] = [
        Kind::SuffixOmission,
        Kind::SuffixSubstitution,
        Kind::SuffixInsertion,
        Kind::SuffixTransposition,
        Kind::SuffixTruncation,
        Kind::SuffixAppended,
        Kind::WrongSecondLevel,
        Kind::MissingDot,
        Kind::ExtraDot,
        Kind::Omission,
        Kind::Insertion,
        Kind::Repetition,
        Kind::SubstitutionKeyboard,
        Kind::SubstitutionVowel,
        Kind::SubstitutionVisual,
        Kind::SubstitutionOther,
        Kind::Transposition,
        Kind::Hyphenation,
        Kind::Homoglyph,
        Kind::Bitflip,
        Kind::Compound,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SuffixOmission => "suffix-omission",
            Kind::SuffixSubstitution => "suffix-substitution",
            Kind::SuffixInsertion => "suffix-insertion",
            Kind::SuffixTransposition => "suffix-transposition",
            Kind::SuffixTruncation => "suffix-truncation",
            Kind::SuffixAppended => "suffix-appended",
            Kind::WrongSecondLevel => "wrong-second-level",
            Kind::MissingDot => "missing-dot",
            Kind::ExtraDot => "extra-dot",
            Kind::Omission => "omission",
            Kind::Insertion => "insertion",
            Kind::Repetition => "repetition",
            Kind::SubstitutionKeyboard => "substitution-keyboard",
            Kind::SubstitutionVowel => "substitution-vowel",
            Kind::SubstitutionVisual => "substitution-visual",
            Kind::SubstitutionOther => "substitution-other",
            Kind::Transposition => "transposition",
            Kind::Hyphenation => "hyphenation",
            Kind::Homoglyph => "homoglyph",
            Kind::Bitflip => "bitflip",
            Kind::Compound => "compound",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Whether the kind is an edit of the public suffix.
    pub fn is_suffix_kind(self) -> bool {
        matches!(
            self,
            Kind::SuffixOmission
                | Kind::SuffixSubstitution
                | Kind::SuffixInsertion
                | Kind::SuffixTransposition
                | Kind::SuffixTruncation
                | Kind::SuffixAppended
                | Kind::WrongSecondLevel
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an edit sits in the intended domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// In the name (the labels before the public suffix).
    Label,
    /// In the public suffix.
    Suffix,
    /// At a dot between labels.
    Boundary,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Label => "label",
            Location::Suffix => "suffix",
            Location::Boundary => "boundary",
        }
    }
}

/// One classified edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub kind: Kind,
    pub location: Location,
}

/// How a lookalike was made from the intended domain: one edit, or two
/// (a compound), with the edit distance it corresponds to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Classification {
    pub kind: Kind,
    /// The edits (one, or two for a compound).
    pub edits: Vec<Edit>,
    /// Optimal-string-alignment distance between the two domains (a
    /// structural edit such as a truncated suffix may be further apart).
    pub distance: u32,
}

impl Classification {
    pub fn single(kind: Kind, location: Location, distance: u32) -> Classification {
        Classification {
            kind,
            edits: vec![Edit { kind, location }],
            distance,
        }
    }

    /// `label`, `suffix`, `boundary`, or two joined by `+` for a compound.
    pub fn location(&self) -> String {
        let mut locs: Vec<&str> = self.edits.iter().map(|e| e.location.as_str()).collect();
        locs.dedup();
        locs.join("+")
    }

    /// The kinds of a compound's parts joined by `+`; the kind otherwise.
    pub fn detail(&self) -> String {
        if self.kind == Kind::Compound {
            self.edits
                .iter()
                .map(|e| e.kind.as_str())
                .collect::<Vec<_>>()
                .join("+")
        } else {
            self.kind.as_str().to_string()
        }
    }
}
