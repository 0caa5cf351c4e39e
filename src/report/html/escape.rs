//! Making attacker-controlled strings safe to show: HTML escaping for text
//! and attribute values, and a visible spelling for characters that would
//! otherwise hide or disguise what a log line said.
//!
//! It does not decide what to show (that is the page's job) and it does not
//! escape for plotters: the SVG backend escapes text and attributes itself,
//! so chart labels only go through [`visible`] and [`shorten`].

use std::fmt::Write as _;

/// `s` escaped for HTML text and double- or single-quoted attribute values,
/// after [`visible`]. Every report string goes through this.
pub fn text(s: &str) -> String {
    escape(&visible(s))
}

/// Escapes the five characters that are markup in HTML text or attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Spells out control, bidi and zero-width characters as `\x1b` or
/// `\u{202e}`: in a forensic report an ANSI escape, a right-to-left
/// override or an invisible joiner is evidence, and rendered raw it would
/// reorder or hide the text around it.
pub fn visible(s: &str) -> String {
    if !s.chars().any(is_hidden) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_hidden(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    out
}

fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}')
}

/// At most `max` characters of [`visible`]`(s)`, with `…` when cut, for
/// chart labels, whose width the layout cannot adapt to.
pub fn shorten(s: &str, max: usize) -> String {
    let v = visible(s);
    if v.chars().count() <= max {
        return v;
    }
    let mut out: String = v.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            text(r#""><img src=x onerror='a'>&"#),
            "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;"
        );
    }

    #[test]
    fn spells_out_hidden_characters() {
        assert_eq!(
            visible("\x1b[31mred\u{202e}x\u{200b}"),
            "\\x1b[31mred\\u{202e}x\\u{200b}"
        );
        assert_eq!(visible("army.mil"), "army.mil");
    }

    #[test]
    fn shortens_by_characters() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abcd", 4), "abcd");
        assert_eq!(shorten("ééééé", 3), "éé…");
    }
}
