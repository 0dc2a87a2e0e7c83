//! The passage a result shows: some words of the text around the first word the search
//! looked for, with the words it looked for marked.

use super::query::{Pattern, SearchQuery};
use super::words::fold;

/// Words shown before the first match, and in all.
const BEFORE: usize = 8;
const WORDS: usize = 30;

/// A passage of a text, in parts, each marked or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub parts: Vec<SnippetPart>,
    /// Whether the text goes on before and after the passage.
    pub cut_before: bool,
    pub cut_after: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub marked: bool,
}

impl SearchQuery {
    /// Whether a word of a text (as written) is one the search looks for.
    pub fn marks(&self, word: &str) -> bool {
        let word = fold(word);
        self.patterns(false).any(|p| match p {
            Pattern::Word(w) => *w == word,
            Pattern::Prefix(w) => word.starts_with(w.as_str()),
            Pattern::Phrase(ws) => ws.contains(&word),
        })
    }

    /// The passage of `text` around the first word the search looks for; `None` when
    /// the text has none of them.
    pub fn snippet(&self, text: &str) -> Option<Snippet> {
        let spans: Vec<(usize, usize)> = word_spans(text).collect();
        let first = spans.iter().position(|&(s, e)| self.marks(&text[s..e]))?;
        let lo = first.saturating_sub(BEFORE);
        let hi = (lo + WORDS).min(spans.len());
        let mut parts: Vec<SnippetPart> = Vec::new();
        let mut push = |text: String, marked: bool| match parts.last_mut() {
            _ if text.is_empty() => {}
            Some(last) if last.marked == marked => last.text.push_str(&text),
            _ => parts.push(SnippetPart { text, marked }),
        };
        let mut at = spans[lo].0;
        for &(s, e) in &spans[lo..hi] {
            push(collapsed(&text[at..s]), false);
            push(text[s..e].to_string(), self.marks(&text[s..e]));
            at = e;
        }
        if hi == spans.len() {
            push(collapsed(text[at..].trim_end()), false);
        }
        Some(Snippet { parts, cut_before: lo > 0, cut_after: hi < spans.len() })
    }
}

/// Runs of blanks (line breaks, tabs) as one space: a passage is one line.
fn collapsed(between: &str) -> String {
    let mut out = String::with_capacity(between.len());
    for c in between.chars() {
        match c.is_whitespace() {
            true if out.ends_with(' ') => {}
            true => out.push(' '),
            false => out.push(c),
        }
    }
    out
}

/// The byte ranges of the words of `text`, as [`super::words`] cuts them.
fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = None;
    text.char_indices().chain([(text.len(), ' ')]).filter_map(move |(i, c)| match (c.is_alphanumeric(), start) {
        (true, None) => {
            start = Some(i);
            None
        }
        (false, Some(s)) => {
            start = None;
            Some((s, i))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(s: &Snippet) -> String {
        let text: String =
            s.parts.iter().map(|p| if p.marked { format!("[{}]", p.text) } else { p.text.clone() }).collect();
        format!("{}{text}{}", if s.cut_before { "…" } else { "" }, if s.cut_after { "…" } else { "" })
    }

    #[test]
    fn the_passage_around_the_first_match_marks_every_word_looked_for() {
        let q = SearchQuery::parse("müller \"paper jam\" tray*").unwrap();
        let text = "Hello,\n\nHerr MÜLLER reports a paper jam in trays 2 and 3.";
        assert_eq!(
            shown(&q.snippet(text).unwrap()),
            "Hello, Herr [MÜLLER] reports a [paper] [jam] in [trays] 2 and 3."
        );
        assert!(q.snippet("nothing here").is_none());
    }

    #[test]
    fn a_long_text_is_cut_around_the_match() {
        let q = SearchQuery::parse("needle").unwrap();
        let words: Vec<String> = (0..100).map(|i| format!("w{i}")).collect();
        let text = format!("{} needle {}", words[..50].join(" "), words[50..].join(" "));
        let s = q.snippet(&text).unwrap();
        assert!(s.cut_before && s.cut_after);
        assert!(shown(&s).starts_with("…w42 w43"), "{}", shown(&s));
        assert_eq!(s.parts.iter().filter(|p| p.marked).count(), 1);
    }
}
