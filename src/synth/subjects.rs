//! Subjects of simulated messages, some with a protective marking, as an
//! organisation that marks its mail writes them: `OFFICIAL-SENSITIVE: ...`,
//! `[SECRET] ...`, `... (TLP:AMBER)`. A few are RFC 2047 encoded words, as
//! mail clients write subjects with accents. The marking put in is the
//! truth `scan`'s markings must reproduce; the bodies contain no marking
//! word in capitals, so a subject has exactly the marking it was given.

use fastrand::Rng;

/// Markings with their share of messages (per ten thousand).
const MARKINGS: [(&str, u32); 10] = [
    ("OFFICIAL", 2000),
    ("OFFICIAL-SENSITIVE", 500),
    ("SECRET", 50),
    ("CUI", 200),
    ("FOUO", 100),
    ("TLP:AMBER", 100),
    ("TLP:GREEN", 100),
    ("COMMERCIAL IN CONFIDENCE", 200),
    ("PERSONAL", 100),
    ("MEDICAL", 50),
];

const BODIES: [&str; 16] = [
    "Quarterly report",
    "Re: meeting tomorrow",
    "Invoice 2023-0712",
    "Fwd: travel plans, updated",
    "Contract renewal - action required",
    "Weekly status",
    "Minutes of the board",
    "Site visit on Thursday",
    "Re: Re: access request",
    "Training schedule",
    "Logistics update",
    "Price list",
    "Draft \"final\" v3",
    "Réunion lundi 10h",
    "Übersicht Bestellungen",
    "Holiday rota",
];

/// A subject as the message carries it, and its marking (`None`: unmarked).
pub fn draw(rng: &mut Rng) -> (String, Option<&'static str>) {
    let body = BODIES[rng.usize(..BODIES.len())];
    let mut roll = rng.u32(..10_000);
    let mut marking = None;
    for (m, share) in MARKINGS {
        if roll < share {
            marking = Some(m);
            break;
        }
        roll -= share;
    }
    let subject = match marking {
        None => body.to_string(),
        Some(m) => match rng.u8(..3) {
            0 => format!("{m}: {body}"),
            1 => format!("[{m}] {body}"),
            _ => format!("{body} ({m})"),
        },
    };
    // Mail clients encode subjects that are not plain ASCII, and some all.
    let encode = !subject.is_ascii() || rng.u8(..20) == 0;
    (if encode { q_encode(&subject) } else { subject }, marking)
}

/// An RFC 2047 `Q` encoded word for UTF-8 text.
fn q_encode(s: &str) -> String {
    let mut out = String::from("=?UTF-8?Q?");
    for b in s.bytes() {
        match b {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b',' | b':' | b'-' | b'!' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out.push_str("?=");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leak::markings::{decode_subject, Markings, UNMARKED};

    #[test]
    fn each_subject_has_exactly_the_marking_it_was_given() {
        let m = Markings::default();
        let mut rng = Rng::with_seed(1);
        let mut marked = 0;
        for _ in 0..5000 {
            let (raw, marking) = draw(&mut rng);
            let decoded = decode_subject(raw.as_bytes());
            assert_eq!(m.of(&decoded), marking.unwrap_or(UNMARKED), "{raw}");
            marked += usize::from(marking.is_some());
        }
        assert!((1000..2500).contains(&marked), "{marked}");
        assert_eq!(
            decode_subject(q_encode("Réunion [SECRET]").as_bytes()),
            "Réunion [SECRET]"
        );
    }
}
