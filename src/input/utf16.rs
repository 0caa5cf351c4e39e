//! UTF-16 text, as Microsoft 365's admin centre exports message traces: a
//! content that starts with a UTF-16 byte order mark is turned into UTF-8
//! block by block before it is cut into lines, so every parser sees UTF-8.
//! Unpaired surrogates become U+FFFD (and are thereby visible in reports);
//! a code unit or surrogate pair split across blocks is carried over.

/// Byte order of a UTF-16 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Little,
    Big,
}

impl Order {
    /// The order named by a byte order mark at the start of `head`.
    pub fn sniff(head: &[u8]) -> Option<Order> {
        match head {
            [0xff, 0xfe, ..] => Some(Order::Little),
            [0xfe, 0xff, ..] => Some(Order::Big),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Order::Little => "UTF-16 LE",
            Order::Big => "UTF-16 BE",
        }
    }
}

/// Turns UTF-16 blocks into UTF-8.
#[derive(Debug)]
pub struct Utf16ToUtf8 {
    order: Order,
    /// Bytes of an incomplete code unit or surrogate pair from the last block.
    pending: Vec<u8>,
    units: Vec<u16>,
    out: Vec<u8>,
    /// The byte order mark is still to be dropped.
    at_start: bool,
}

impl Utf16ToUtf8 {
    pub fn new(order: Order) -> Utf16ToUtf8 {
        Utf16ToUtf8 {
            order,
            pending: Vec::new(),
            units: Vec::new(),
            out: Vec::new(),
            at_start: true,
        }
    }

    /// The UTF-8 of the next block; `last` flushes what is carried over.
    pub fn convert(&mut self, block: &[u8], last: bool) -> &[u8] {
        self.out.clear();
        self.pending.extend_from_slice(block);
        let mut bytes = &self.pending[..];
        if self.at_start && bytes.len() >= 2 {
            bytes = &bytes[2..];
            self.at_start = false;
        }
        self.units.clear();
        let whole = bytes.len() / 2 * 2;
        for pair in bytes[..whole].chunks_exact(2) {
            let u = [pair[0], pair[1]];
            self.units.push(match self.order {
                Order::Little => u16::from_le_bytes(u),
                Order::Big => u16::from_be_bytes(u),
            });
        }
        let mut keep = bytes.len() - whole;
        // A high surrogate at the very end may pair with the next block.
        if !last
            && self
                .units
                .last()
                .is_some_and(|u| (0xd800..0xdc00).contains(u))
        {
            self.units.pop();
            keep += 2;
        }
        let mut utf8 = [0u8; 4];
        for c in char::decode_utf16(self.units.iter().copied()) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            self.out
                .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        }
        if last && keep % 2 == 1 {
            // A lone trailing byte: not a character.
            self.out.extend_from_slice("\u{fffd}".as_bytes());
            keep = 0;
        }
        let from = self.pending.len() - keep;
        self.pending.drain(..from);
        if last {
            self.pending.clear();
        }
        &self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, order: Order) -> Vec<u8> {
        let mut v = match order {
            Order::Little => vec![0xff, 0xfe],
            Order::Big => vec![0xfe, 0xff],
        };
        for u in s.encode_utf16() {
            v.extend_from_slice(&match order {
                Order::Little => u.to_le_bytes(),
                Order::Big => u.to_be_bytes(),
            });
        }
        v
    }

    #[test]
    fn any_split_gives_the_same_text() {
        let text = "a,b\r\nj@gm\u{430}il.com,\u{1f600} x\r\n";
        for order in [Order::Little, Order::Big] {
            let bytes = utf16(text, order);
            assert_eq!(Order::sniff(&bytes), Some(order));
            for cut in 0..bytes.len() {
                let mut c = Utf16ToUtf8::new(order);
                let mut out = c.convert(&bytes[..cut], false).to_vec();
                out.extend_from_slice(c.convert(&bytes[cut..], true));
                assert_eq!(String::from_utf8(out).unwrap(), text, "cut at {cut}");
            }
        }
    }

    #[test]
    fn broken_input_is_replaced_not_dropped() {
        let mut c = Utf16ToUtf8::new(Order::Little);
        // BOM, 'a', a lone low surrogate, then one odd byte.
        let out = c.convert(&[0xff, 0xfe, b'a', 0, 0x00, 0xdc, b'b'], true);
        assert_eq!(std::str::from_utf8(out).unwrap(), "a\u{fffd}\u{fffd}");
    }
}
