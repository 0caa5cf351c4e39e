//! Which characters are next to each other on a keyboard (QWERTY, QWERTZ,
//! AZERTY), which look alike, and which are vowels.

/// Key rows of each layout, with each row's horizontal offset in key widths.
const LAYOUTS: [[(&str, f32); 4]; 3] = [
    [
        ("1234567890-", 0.0),
        ("qwertyuiop", 0.5),
        ("asdfghjkl", 0.75),
        ("zxcvbnm", 1.25),
    ],
    [
        ("1234567890-", 0.0),
        ("qwertzuiop", 0.5),
        ("asdfghjkl", 0.75),
        ("yxcvbnm", 1.25),
    ],
    [
        ("1234567890-", 0.0),
        ("azertyuiop", 0.5),
        ("qsdfghjklm", 0.75),
        ("wxcvbn", 1.25),
    ],
];

fn position(layout: &[(&str, f32); 4], c: u8) -> Option<(f32, f32)> {
    layout.iter().enumerate().find_map(|(row, (keys, off))| {
        keys.bytes()
            .position(|k| k == c)
            .map(|col| (row as f32, col as f32 + off))
    })
}

/// Whether `a` and `b` are neighbouring keys on any of the three layouts.
pub fn adjacent(a: u8, b: u8) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a != b
        && LAYOUTS
            .iter()
            .any(|l| match (position(l, a), position(l, b)) {
                (Some((ra, xa)), Some((rb, xb))) => {
                    (ra - rb).abs() <= 1.0 && (xa - xb).abs() <= 1.0
                }
                _ => false,
            })
}

/// The neighbouring keys of `c` on any layout.
pub fn neighbours(c: u8) -> Vec<u8> {
    (b'0'..=b'z')
        .filter(|&k| k.is_ascii_lowercase() || k.is_ascii_digit() || k == b'-')
        .chain([b'-'])
        .filter(|&k| adjacent(c, k))
        .collect::<std::collections::BTreeSet<u8>>()
        .into_iter()
        .collect()
}

/// Single characters that look alike in the fonts mail clients use.
pub const VISUAL_PAIRS: [(u8, u8); 8] = [
    (b'0', b'o'),
    (b'1', b'l'),
    (b'1', b'i'),
    (b'i', b'l'),
    (b'5', b's'),
    (b'u', b'v'),
    (b'q', b'g'),
    (b'8', b'b'),
];

/// Character sequences that look like another: `rn` like `m`.
pub const VISUAL_SEQUENCES: [(&str, &str); 4] =
    [("rn", "m"), ("cl", "d"), ("vv", "w"), ("nn", "m")];

pub fn visual(a: u8, b: u8) -> bool {
    VISUAL_PAIRS
        .iter()
        .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

pub fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether `a` and `b` differ in exactly one bit.
pub fn bitflip(a: u8, b: u8) -> bool {
    (a ^ b).count_ones() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        assert!(adjacent(b'm', b'n'));
        assert!(adjacent(b'a', b's'));
        assert!(adjacent(b'h', b'j'));
        assert!(adjacent(b'y', b'h'), "qwerty y is above h");
        assert!(adjacent(b'z', b'u'), "qwertz z is next to u");
        assert!(adjacent(b'q', b's'), "azerty q is next to s");
        assert!(!adjacent(b'q', b'p'));
        assert!(!adjacent(b'a', b'a'));
        assert!(neighbours(b'g').contains(&b'f'));
    }

    #[test]
    fn visual_vowel_bit() {
        assert!(visual(b'l', b'1') && visual(b'o', b'0'));
        assert!(!visual(b'a', b'e'));
        assert!(is_vowel(b'e') && !is_vowel(b'y'));
        assert!(bitflip(b'i', b'm') && !bitflip(b'a', b'd'));
    }
}
