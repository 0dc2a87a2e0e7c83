//! An agent's plain text as the HTML part of the mail it leaves in, so mail programs
//! that prefer HTML show it as written: paragraphs and line breaks kept, quoted lines
//! (`> …`) as a quotation, and nothing in the text read as markup.

/// The HTML document for `text`.
pub fn html_of_plain(text: &str) -> String {
    let mut body = String::with_capacity(text.len() + text.len() / 4);
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let quoted = is_quoted(lines[i]);
        let start = i;
        while i < lines.len() && !lines[i].trim().is_empty() && is_quoted(lines[i]) == quoted {
            i += 1;
        }
        let block: Vec<String> =
            lines[start..i].iter().map(|l| escape_html(if quoted { unquote(l) } else { l })).collect();
        let joined = block.join("<br>\n");
        if quoted {
            body.push_str(&format!("<blockquote type=\"cite\" style=\"margin:0 0 1em;padding-left:1em;border-left:2px solid #ccc\">{joined}</blockquote>\n"));
        } else {
            body.push_str(&format!("<p style=\"margin:0 0 1em\">{joined}</p>\n"));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n\
         <body style=\"font-family:sans-serif;font-size:14px\">\n{body}</body></html>\n"
    )
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn unquote(line: &str) -> &str {
    let rest = line.trim_start().strip_prefix('>').unwrap_or(line);
    rest.strip_prefix(' ').unwrap_or(rest)
}

/// Text as HTML shows it: nothing in it read as markup.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

#[cfg(test)]
mod tests {
    use super::html_of_plain;

    #[test]
    fn paragraphs_line_breaks_and_quotes_are_kept_and_markup_is_text() {
        let html = html_of_plain(
            "Hello Jane,\n\nplease restart it.\nThen <b>call</b> us & wait.\n\n> It burns.\n> Help!\n\nBye",
        );
        assert!(html.contains("<p style=\"margin:0 0 1em\">Hello Jane,</p>"), "{html}");
        assert!(html.contains("please restart it.<br>\nThen &lt;b&gt;call&lt;/b&gt; us &amp; wait."), "{html}");
        assert!(html.contains(">It burns.<br>\nHelp!</blockquote>"), "{html}");
        assert!(html.contains("<p style=\"margin:0 0 1em\">Bye</p>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn an_empty_text_is_an_empty_body() {
        assert!(html_of_plain("\n\n").contains("<body style=\"font-family:sans-serif;font-size:14px\">\n</body>"));
    }
}
