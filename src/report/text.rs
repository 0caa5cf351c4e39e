//! Making attacker-controlled text safe for the places it is shown: a
//! terminal (no control characters or escape sequences) and a spreadsheet
//! (no formulas).

/// Renders bytes for a terminal or a one-line message: valid UTF-8 is kept,
/// except control characters (C0, DEL, C1, which carry escape sequences),
/// which are written as `\xNN` or `\u{NNNN}`; invalid bytes are written as
/// `\xNN`.
pub fn escape_for_display(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                if (c as u32) < 0x100 {
                    out.push_str(&format!("\\x{:02x}", c as u32));
                } else {
                    out.push_str(&format!("\\u{{{:04x}}}", c as u32));
                }
            } else if is_bidi_control(c) {
                // Bidirectional overrides can make a line read differently
                // from what it says (CVE-2021-42574, "Trojan Source").
                out.push_str(&format!("\\u{{{:04x}}}", c as u32));
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Neutralises a CSV cell against formula injection (OWASP): a cell that
/// starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`
/// so spreadsheets show it as text.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Lossy UTF-8 for report cells; invalid bytes become U+FFFD.
pub fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(escape_for_display(b"ok"), "ok");
        assert_eq!(escape_for_display(b"\x1b[31mred\x07"), "\\x1b[31mred\\x07");
        assert_eq!(escape_for_display("a\u{9b}b".as_bytes()), "a\\x9bb");
        assert_eq!(escape_for_display(b"\xff\xfe"), "\\xff\\xfe");
        assert_eq!(escape_for_display("x\u{202e}y".as_bytes()), "x\\u{202e}y");
        assert_eq!(escape_for_display("bücher".as_bytes()), "bücher");
    }

    #[test]
    fn neutralises_formulas() {
        assert_eq!(csv_safe("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("-1"), "'-1");
        assert_eq!(csv_safe("@SUM(1)"), "'@SUM(1)");
        assert_eq!(csv_safe("\tx"), "'\tx");
        assert_eq!(csv_safe("army.ml"), "army.ml");
        assert_eq!(csv_safe(""), "");
    }
}
