//! What an uploaded file is, judged from its bytes: the type a client claims is never
//! trusted, so a file claiming to be a picture cannot be served to a browser as HTML.

/// Types a browser would run scripts in: such files are kept as plain text.
const SCRIPTABLE: [&str; 5] = ["text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"];

/// The MIME type goats stores and serves for these bytes.
pub fn sniff(bytes: &[u8]) -> String {
    if let Some(kind) = infer::get(bytes).filter(|k| !SCRIPTABLE.contains(&k.mime_type())) {
        return kind.mime_type().to_string();
    }
    // Text is valid UTF-8 without control characters other than whitespace. It is served
    // as plain text whatever markup it holds.
    let text = std::str::from_utf8(bytes)
        .is_ok_and(|s| !s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')));
    if text && !bytes.is_empty() { "text/plain; charset=utf-8".into() } else { "application/octet-stream".into() }
}

/// A file name safe to store and to put in a `Content-Disposition` header: no path,
/// no control characters, not empty, at most 250 bytes (the column's size).
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut clean: String = base.chars().filter(|c| !c.is_control() && *c != '"').collect();
    clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        clean = "attachment".into();
    }
    while clean.len() > 250 {
        clean.pop();
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_not_the_name() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff("Grüße\nzweite Zeile\n".as_bytes()), "text/plain; charset=utf-8");
        assert_eq!(sniff(b"<html><script>alert(1)</script></html>"), "text/plain; charset=utf-8");
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(sniff(&[0, 159, 146, 150, 1, 2]), "application/octet-stream");
        assert_eq!(sniff(b""), "application/octet-stream");
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(clean_filename("evil\r\nX-Header: 1.txt"), "evilX-Header: 1.txt");
        assert_eq!(clean_filename("say \"hi\".txt"), "say hi.txt");
        assert_eq!(clean_filename(".."), "attachment");
        assert_eq!(clean_filename(&"ä".repeat(200)).len(), 250);
    }
}
