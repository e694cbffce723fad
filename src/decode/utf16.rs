//! UTF-16 text (Windows `.reg` exports, PowerShell scripts, .NET resources): detected
//! by its byte-order mark or, without one, by the zero bytes ASCII text leaves in every
//! other position, and transcoded to UTF-8 so that the rules see its characters.
//!
//! Lines and columns of the transcoded text are those of the original: both count
//! characters, and the byte-order mark is not part of the text.

/// Bytes looked at to recognise UTF-16 without a byte-order mark.
const PROBE: usize = 1024;

/// The byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf16 {
    /// Little-endian (what Windows writes).
    Le,
    /// Big-endian.
    Be,
}

impl Utf16 {
    /// The encoding's name, as reports show it.
    pub fn name(self) -> &'static str {
        match self {
            Utf16::Le => "utf-16le",
            Utf16::Be => "utf-16be",
        }
    }
}

/// Whether `data` is UTF-16 text, and in which byte order: a byte-order mark, or,
/// without one, a zero byte in nearly every high-order position and almost none in
/// the low-order ones, as text of mostly ASCII characters has.
pub fn detect(data: &[u8]) -> Option<Utf16> {
    match data {
        [0xFF, 0xFE, ..] => return Some(Utf16::Le),
        [0xFE, 0xFF, ..] => return Some(Utf16::Be),
        _ => {}
    }
    let probe = &data[..data.len().min(PROBE) & !1];
    if probe.len() < 8 || memchr::memchr(0, probe).is_none() {
        return None;
    }
    let units = probe.len() / 2;
    let zeros_at = |parity: usize| {
        probe
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // Nine in ten characters ASCII, and no NUL characters to speak of.
    let mostly = |zeros: usize| zeros * 10 >= units * 9;
    let hardly = |zeros: usize| zeros * 20 <= units;
    if mostly(odd) && hardly(even) {
        Some(Utf16::Le)
    } else if mostly(even) && hardly(odd) {
        Some(Utf16::Be)
    } else {
        None
    }
}

/// `data`, UTF-16 in `order`, as UTF-8 without the byte-order mark. A lone surrogate
/// becomes U+FFFD; a trailing odd byte is dropped.
pub fn to_utf8(data: &[u8], order: Utf16) -> Vec<u8> {
    let units = data.chunks_exact(2).map(|pair| match order {
        Utf16::Le => u16::from_le_bytes([pair[0], pair[1]]),
        Utf16::Be => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(data.len() / 2);
    for decoded in char::decode_utf16(units) {
        text.push(decoded.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    text.as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, order: Utf16, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for unit in units {
            match order {
                Utf16::Le => out.extend(unit.to_le_bytes()),
                Utf16::Be => out.extend(unit.to_be_bytes()),
            }
        }
        out
    }

    #[test]
    fn utf16_is_recognised_with_and_without_a_byte_order_mark() {
        let text = "Windows Registry Editor Version 5.00\r\n\"Token\"=\"abc\"\r\n";
        for order in [Utf16::Le, Utf16::Be] {
            for bom in [true, false] {
                let data = encode(text, order, bom);
                assert_eq!(detect(&data), Some(order), "{order:?} bom {bom}");
                assert_eq!(to_utf8(&data, order), text.as_bytes());
            }
        }
    }

    #[test]
    fn characters_beyond_ascii_and_surrogate_pairs_survive() {
        let text = "clé = \"😀 ü\"\nnext";
        let data = encode(text, Utf16::Le, true);
        assert_eq!(to_utf8(&data, Utf16::Le), text.as_bytes());
        let lone = [0x3D, 0xD8, 0x41, 0x00];
        assert_eq!(to_utf8(&lone, Utf16::Le), "\u{FFFD}A".as_bytes());
    }

    #[test]
    fn other_content_is_not_utf16() {
        assert_eq!(detect(b"plain ASCII text, no zero bytes at all"), None);
        assert_eq!(
            detect(b"text with one stray \0 NUL in it, otherwise text"),
            None
        );
        let binary: Vec<u8> = (0..2048u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert_eq!(detect(&binary), None);
        let mut zeros = vec![0u8; 64];
        zeros[10] = 1;
        assert_eq!(detect(&zeros), None, "all zeros are not text");
    }
}
