//! The words text is found by. Every engine is handed words cut and folded here, never
//! raw text, so "Müller", "MULLER" and "muller" are one word on SQLite, PostgreSQL and
//! MariaDB alike, and a query is cut exactly as the text it is looked for in.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longer words are cut to this many characters, in the text and in queries alike:
/// InnoDB does not index words longer than 84 bytes, and nobody types more.
pub const MAX_WORD_CHARS: usize = 32;

/// The words of `text`: runs of letters and digits, lowercased, accents removed.
/// "E-Mail an müller@example.com" gives `e`, `mail`, `an`, `muller`, `example`, `com`.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(fold)
}

/// One word lowercased with its accents removed: "Ærøskøbing" is "aeroskobing".
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        // Letters that are not a base letter with a mark, so NFD leaves them whole.
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c => out.push(c),
        }
    }
    out.chars().take(MAX_WORD_CHARS).collect()
}

/// How German writes an umlaut without it ("Müller" as "Mueller"), folded; `None` for a
/// word without one. A text with "Müller" is found by "mueller" too.
fn german_spelling(word: &str) -> Option<String> {
    let lower = word.nfc().collect::<String>().to_lowercase();
    if !lower.contains(['ä', 'ö', 'ü']) {
        return None;
    }
    Some(fold(&lower.replace('ä', "ae").replace('ö', "oe").replace('ü', "ue")))
}

/// What the index holds for some texts: their words separated by spaces, then the German
/// spellings of words with umlauts. The spellings come last so a phrase never has one
/// in its way. At most `max_chars` of the texts are read: a 20 MB log pasted into a
/// ticket is found by its beginning.
pub fn index_text<'a>(texts: impl IntoIterator<Item = &'a str>, max_chars: usize) -> String {
    let mut out = String::new();
    let mut spellings: Vec<String> = Vec::new();
    let mut left = max_chars;
    for text in texts {
        if left == 0 {
            break;
        }
        let cut = text.char_indices().nth(left).map_or(text, |(at, _)| &text[..at]);
        left -= cut.chars().count();
        for word in cut.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&fold(word));
            if let Some(spelled) = german_spelling(word).filter(|s| !spellings.contains(s)) {
                spellings.push(spelled);
            }
        }
    }
    for spelled in spellings {
        out.push(' ');
        out.push_str(&spelled);
    }
    out
}

/// How many characters of one article are indexed.
pub const MAX_INDEXED_CHARS: usize = 200_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_cut_at_anything_but_letters_and_digits_and_folded() {
        let w: Vec<String> = words("E-Mail an MÜLLER@example.com, Rechnung #4711!").collect();
        assert_eq!(w, ["e", "mail", "an", "muller", "example", "com", "rechnung", "4711"]);
    }

    #[test]
    fn accents_and_special_letters_fold_to_plain_ones() {
        assert_eq!(fold("Ærøskøbing"), "aeroskobing");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Crème-Brûlée"), "creme-brulee");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("ПРИВЕТ"), "привет");
    }

    #[test]
    fn long_words_are_cut_alike_in_text_and_query() {
        let long = "a".repeat(100);
        assert_eq!(fold(&long).len(), MAX_WORD_CHARS);
        assert_eq!(index_text([long.as_str()], 1000), "a".repeat(MAX_WORD_CHARS));
    }

    #[test]
    fn umlauts_are_also_indexed_as_german_spells_them_after_the_words() {
        assert_eq!(index_text(["Herr Müller", "grüßt Müller"], 1000), "herr muller grusst muller mueller gruesst");
        assert_eq!(index_text(["Mueller"], 1000), "mueller");
    }

    #[test]
    fn only_the_first_characters_are_indexed() {
        assert_eq!(index_text(["alpha beta", "gamma"], 9), "alpha bet");
        assert_eq!(index_text(["alpha", "beta"], 7), "alpha be");
    }
}
