//! One CSV record per line, as Exchange's message tracking logs and
//! Microsoft 365's message trace exports write them: fields separated by
//! commas, a field holding a comma or a quote is double-quoted, and a quote
//! inside one is doubled. Fields are found without copying; only a field
//! with doubled quotes is copied (into a reused buffer) when read.
//!
//! A record that spans lines (a quoted newline) is not joined: its first
//! line has an unclosed quote and is reported malformed.

/// The fields of one line, as spans into it.
#[derive(Debug, Default)]
pub struct Fields {
    /// (start, end, quoted-with-escapes) of each field's content.
    spans: Vec<(usize, usize, bool)>,
}

/// A line with an unclosed quote or text after a closing quote.
#[derive(Debug, PartialEq, Eq)]
pub struct Unbalanced;

impl Fields {
    /// Splits `line` into its fields.
    pub fn split(&mut self, line: &[u8]) -> Result<(), Unbalanced> {
        self.spans.clear();
        let mut i = 0;
        loop {
            if line.get(i) == Some(&b'"') {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                loop {
                    match memchr::memchr(b'"', &line[j..]) {
                        None => return Err(Unbalanced),
                        Some(k) => {
                            j += k;
                            if line.get(j + 1) == Some(&b'"') {
                                escaped = true;
                                j += 2;
                            } else {
                                break;
                            }
                        }
                    }
                }
                self.spans.push((start, j, escaped));
                i = j + 1;
                match line.get(i) {
                    None => return Ok(()),
                    Some(b',') => i += 1,
                    Some(_) => return Err(Unbalanced),
                }
            } else {
                let end = memchr::memchr(b',', &line[i..]).map_or(line.len(), |k| i + k);
                self.spans.push((i, end, false));
                if end == line.len() {
                    return Ok(());
                }
                i = end + 1;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i` of `line` (the line given to [`split`](Self::split)); empty
    /// if there is no such field. A field with doubled quotes is unescaped
    /// into `buf`.
    pub fn get<'a>(&self, line: &'a [u8], i: usize, buf: &'a mut Vec<u8>) -> &'a [u8] {
        match self.spans.get(i) {
            None => b"",
            Some(&(s, e, false)) => &line[s..e],
            Some(&(s, e, true)) => {
                buf.clear();
                let mut k = s;
                while k < e {
                    buf.push(line[k]);
                    k += if line[k] == b'"' { 2 } else { 1 };
                }
                buf
            }
        }
    }

    /// Field `i` without unescaping (for fields that never hold quotes).
    pub fn raw<'a>(&self, line: &'a [u8], i: usize) -> &'a [u8] {
        self.spans.get(i).map_or(b"", |&(s, e, _)| &line[s..e])
    }
}

/// A column name reduced for matching: ASCII lower case, without `_`, `-`,
/// spaces, quotes and a `(UTC)` suffix, so `origin_timestamp_utc`,
/// `date-time`, `Date (UTC)` and `SenderAddress` compare by their words.
pub fn normalize_name(name: &[u8]) -> Vec<u8> {
    let mut n: Vec<u8> = name
        .iter()
        .filter(|c| !matches!(c, b'_' | b'-' | b' ' | b'"'))
        .map(u8::to_ascii_lowercase)
        .collect();
    if n.ends_with(b"(utc)") {
        n.truncate(n.len() - 5);
    }
    n
}

/// The position of the first column whose name matches one of `aliases`
/// (given normalised, in order of preference).
pub fn column_any(header: &[&[u8]], aliases: &[&str]) -> Option<usize> {
    Names::new(header).find(aliases)
}

/// A header's column names, normalised once for several look-ups.
pub struct Names(Vec<Vec<u8>>);

impl Names {
    pub fn new(header: &[&[u8]]) -> Names {
        Names(
            header
                .iter()
                .map(|h| normalize_name(h.trim_ascii()))
                .collect(),
        )
    }

    /// The first column matching one of `aliases` (normalised, in order of
    /// preference).
    pub fn find(&self, aliases: &[&str]) -> Option<usize> {
        aliases
            .iter()
            .find_map(|a| self.0.iter().position(|n| n == a.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<String> {
        let mut f = Fields::default();
        f.split(line.as_bytes()).unwrap();
        let mut buf = Vec::new();
        (0..f.len())
            .map(|i| String::from_utf8(f.get(line.as_bytes(), i, &mut buf).to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn plain_quoted_and_escaped() {
        assert_eq!(fields("a,b,,c"), ["a", "b", "", "c"]);
        assert_eq!(fields("a,\"b, c\",d"), ["a", "b, c", "d"]);
        assert_eq!(fields("\"say \"\"hi\"\"\",x"), ["say \"hi\"", "x"]);
        assert_eq!(fields(""), [""]);
        assert_eq!(fields("a,"), ["a", ""]);
        assert_eq!(fields("\"\""), [""]);
    }

    #[test]
    fn names() {
        let h: Vec<&[u8]> = vec![b"\"Date (UTC)\"", b"Sender_Address", b"date-time"];
        assert_eq!(column_any(&h, &["senderaddress"]), Some(1));
        assert_eq!(column_any(&h, &["datetime", "date"]), Some(2));
        assert_eq!(column_any(&h, &["x", "date"]), Some(0));
        assert_eq!(column_any(&h, &["recipient"]), None);
    }

    #[test]
    fn unbalanced() {
        let mut f = Fields::default();
        assert_eq!(f.split(b"a,\"b"), Err(Unbalanced));
        assert_eq!(f.split(b"a,\"b\"c,d"), Err(Unbalanced));
        assert_eq!(f.split(b"\"a\"\""), Err(Unbalanced));
    }
}
