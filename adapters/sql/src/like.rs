//! Text looked for with `LOWER(column) LIKE ? ESCAPE '!'`: lowercased, with `!`, `%` and
//! `_` escaped so they match themselves rather than act as wildcards.

/// `term` as a pattern that matches it literally, lowercased.
pub(crate) fn literal(term: &str) -> String {
    term.to_lowercase().replace('!', "!!").replace('%', "!%").replace('_', "!_")
}

/// A pattern for texts that contain `term`.
pub(crate) fn containing(term: &str) -> String {
    format!("%{}%", literal(term))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(containing("100%_A!"), "%100!%!_a!!%");
    }
}
