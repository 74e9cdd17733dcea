//! Which writing systems a decoded label's letters come from. A label that mixes Latin with
//! Cyrillic or Greek is a look-alike trick (`pаypal` with a Cyrillic а); Chinese, Japanese and
//! Korean names mix Han, kana or Hangul with Latin, and that is ordinary (Unicode's "highly
//! restrictive" profile, UTS #39).

const LATIN: u16 = 1;
const GREEK: u16 = 1 << 1;
const CYRILLIC: u16 = 1 << 2;
const ARMENIAN: u16 = 1 << 3;
const HAN: u16 = 1 << 4;
const KANA: u16 = 1 << 5;
const HANGUL: u16 = 1 << 6;
const BOPOMOFO: u16 = 1 << 7;
const OTHER: u16 = 1 << 8;

/// Scripts that may be written together in one label.
const ALLOWED: [u16; 3] = [
    LATIN | HAN | KANA,
    LATIN | HAN | HANGUL,
    LATIN | HAN | BOPOMOFO,
];

fn script(c: char) -> u16 {
    match c as u32 {
        // digits, hyphen, marks shared by all scripts
        0x30..=0x39 | 0x2D | 0x5F | 0x300..=0x36F | 0x3000..=0x303F | 0xFF10..=0xFF19 => 0,
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF | 0xFF21..=0xFF5A => LATIN,
        0x250..=0x2AF | 0x1D00..=0x1D7F => LATIN,
        0x370..=0x3FF | 0x1F00..=0x1FFF => GREEK,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => CYRILLIC,
        0x530..=0x58F => ARMENIAN,
        0x2E80..=0x2FDF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => HAN,
        0x20000..=0x3FFFF => HAN,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => KANA,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => HANGUL,
        0x3100..=0x312F | 0x31A0..=0x31BF => BOPOMOFO,
        _ => OTHER,
    }
}

/// Whether the letters of `label` come from scripts no language writes together.
pub(crate) fn mixes_scripts(label: &str) -> bool {
    let scripts = label.chars().fold(0u16, |seen, c| seen | script(c));
    scripts.count_ones() > 1 && !ALLOWED.iter().any(|&allowed| scripts & !allowed == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_with_cyrillic_mixes_and_chinese_with_latin_does_not() {
        assert!(mixes_scripts("pаypal"));
        assert!(mixes_scripts("gοogle"));
        assert!(!mixes_scripts("paypal"));
        assert!(!mixes_scripts("中国移动"));
        assert!(!mixes_scripts("中国abc"));
        assert!(!mixes_scripts("москва"));
        assert!(!mixes_scripts("日本語テスト"));
    }
}
