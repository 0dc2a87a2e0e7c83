//! The route files as people write them: `routes/**/*.yaml`, each document a
//! `RouteGroup`. Reading keeps the line of every value, so a mistake is reported at the
//! line that holds it; unknown fields are refused, so a typo never goes unnoticed.

use std::fmt;
use std::path::{Path, PathBuf};

use marked_yaml::{LoaderOptions, Spanned};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::LoadError;

/// One route file's text, named by its path relative to the routes folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteFile {
    pub name: String,
    pub text: String,
}

/// The route files under `dir` (subfolders included), in lexicographic path order,
/// which is the order they load in.
pub fn read_dir(dir: &Path) -> Result<Vec<RouteFile>, LoadError> {
    let mut paths = Vec::new();
    collect(dir, &mut paths).map_err(|e| LoadError::io(dir, e))?;
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| LoadError::io(&path, e))?;
        let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        files.push(RouteFile { name, text });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// A `RouteGroup` document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GroupDoc {
    pub api_version: Spanned<String>,
    pub kind: Spanned<String>,
    pub metadata: Metadata,
    pub spec: GroupSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default = "enabled")]
    pub enabled: bool,
}

fn enabled() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    #[serde(default)]
    pub prefix: Option<Spanned<String>>,
    #[serde(default)]
    pub middleware: Vec<Spanned<String>>,
    pub routes: Vec<Spanned<RouteDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RouteDoc {
    pub path: Spanned<String>,
    #[serde(default)]
    pub method: Option<Spanned<Methods>>,
    #[serde(default)]
    pub handler: Option<Spanned<String>>,
    #[serde(default)]
    pub template: Option<Spanned<String>>,
    #[serde(default)]
    pub middleware: Vec<Spanned<String>>,
    #[serde(default)]
    pub redirect_to: Option<Spanned<String>>,
    #[serde(default)]
    pub status: Option<Spanned<u16>>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `method: GET` or `method: [GET, POST]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Methods(pub Vec<String>);

impl<'de> Deserialize<'de> for Methods {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OneOrMany;
        impl<'de> Visitor<'de> for OneOrMany {
            type Value = Methods;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a method such as GET, or a list of methods")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Methods, E> {
                Ok(Methods(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Methods, A::Error> {
                let mut all = Vec::new();
                while let Some(m) = seq.next_element::<String>()? {
                    all.push(m);
                }
                Ok(Methods(all))
            }
        }
        d.deserialize_any(OneOrMany)
    }
}

/// A document of a file with the line it starts on, so spans inside it (which count
/// from the document) can be turned into the file's lines.
pub struct Located<T> {
    pub file: String,
    pub first_line: usize,
    pub doc: T,
}

impl<T> Located<T> {
    /// The file's line of a span inside this document.
    pub fn line_of<U>(&self, value: &Spanned<U>) -> usize {
        self.first_line + value.span().start().map(|m| m.line()).unwrap_or(1) - 1
    }
}

/// The `RouteGroup` documents of one file (several may share a file, separated by
/// `---`). A document that is not valid YAML, or has a field goats does not know, is an
/// error at its line.
pub fn parse(file: &RouteFile) -> Result<Vec<Located<GroupDoc>>, LoadError> {
    let mut docs = Vec::new();
    for (first_line, text) in documents(&file.text) {
        if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
            continue;
        }
        let at = |line: usize, reason: String| LoadError::at(&file.name, first_line + line.max(1) - 1, reason);
        let options = LoaderOptions::default().error_on_duplicate_keys(true).prevent_coercion(true);
        let node = marked_yaml::parse_yaml_with_options(0, &text, options).map_err(|e| {
            let line = load_error_line(&e);
            at(line, format!("not valid YAML: {}", strip_marker(&e.to_string())))
        })?;
        let doc: GroupDoc = marked_yaml::from_node(&node).map_err(|e| {
            let marked = e.start_mark().map(|m| m.line());
            // marked-yaml does not place an unknown field; its key is in the tree.
            let line = match (&*e, marked) {
                (marked_yaml::Error::UnknownFieldError(field, ..), None) => key_line(&node, field),
                (_, line) => line,
            };
            at(line.unwrap_or(1), e.to_string())
        })?;
        docs.push(Located { file: file.name.clone(), first_line, doc });
    }
    Ok(docs)
}

/// The line of the first mapping key named `key`, depth first.
fn key_line(node: &marked_yaml::Node, key: &str) -> Option<usize> {
    match node {
        marked_yaml::Node::Mapping(map) => map
            .iter()
            .find_map(|(k, v)| if k.as_str() == key { k.span().start().map(|m| m.line()) } else { key_line(v, key) }),
        marked_yaml::Node::Sequence(items) => items.iter().find_map(|n| key_line(n, key)),
        marked_yaml::Node::Scalar(_) => None,
    }
}

/// Splits a file at `---` lines: each document's text with the line it starts on.
fn documents(text: &str) -> Vec<(usize, String)> {
    let mut docs = vec![(1, String::new())];
    for (i, line) in text.lines().enumerate() {
        if line.trim_end() == "---" {
            docs.push((i + 2, String::new()));
        } else if let Some((_, doc)) = docs.last_mut() {
            doc.push_str(line);
            doc.push('\n');
        }
    }
    docs
}

fn load_error_line(e: &marked_yaml::LoadError) -> usize {
    use marked_yaml::LoadError as E;
    let marker = match e {
        E::TopLevelMustBeMapping(m)
        | E::TopLevelMustBeSequence(m)
        | E::UnexpectedAnchor(m)
        | E::MappingKeyMustBeScalar(m)
        | E::UnexpectedTag(m)
        | E::ScanError(m, _) => Some(*m),
        E::DuplicateKey(inner) => inner.key.span().start().copied(),
    };
    marker.map(|m| m.line()).unwrap_or(1)
}

/// marked-yaml starts some messages with `source:line:column: `; the error carries the
/// file and line already.
fn strip_marker(message: &str) -> String {
    let mut parts = message.splitn(4, ':');
    let looks_marked = parts.next().is_some_and(|p| p.trim().parse::<usize>().is_ok())
        && parts.next().is_some_and(|p| p.trim().parse::<usize>().is_ok())
        && parts.next().is_some_and(|p| p.trim().parse::<usize>().is_ok());
    match (looks_marked, parts.next()) {
        (true, Some(rest)) => rest.trim().to_string(),
        _ => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> RouteFile {
        RouteFile { name: "agent/x.yaml".into(), text: text.into() }
    }

    const GOOD: &str = "apiVersion: v1\nkind: RouteGroup\nmetadata:\n  name: x\nspec:\n  prefix: /x\n  routes:\n    - path: /a\n      method: GET\n      handler: dashboard\n    - path: /b\n      method: [GET, POST]\n      handler: dashboard\n";

    #[test]
    fn reads_a_group_with_lines() {
        let docs = parse(&file(GOOD)).unwrap();
        let d = &docs[0];
        assert_eq!(d.doc.metadata.name.as_str(), "x");
        assert!(d.doc.metadata.enabled);
        let routes = &d.doc.spec.routes;
        assert_eq!(d.line_of(&routes[0].path), 8);
        assert_eq!(d.line_of(&routes[1].path), 11);
        assert_eq!(routes[1].method.as_ref().unwrap().0, vec!["GET".to_string(), "POST".to_string()]);
    }

    #[test]
    fn several_documents_keep_their_lines() {
        let text = format!("# two groups\n---\n{GOOD}---\n{GOOD}");
        let docs = parse(&file(&text)).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].line_of(&docs[1].doc.spec.routes[0].path), 2 + 14 + 8);
    }

    #[test]
    fn a_typo_is_an_error_at_its_line() {
        let text = GOOD.replace("      handler: dashboard\n    - path: /b", "      handlr: dashboard\n    - path: /b");
        let err = parse(&file(&text)).err().unwrap();
        assert_eq!((err.file.as_str(), err.line), ("agent/x.yaml", 10), "{err}");
        assert!(err.reason.contains("handlr"), "{err}");
    }

    #[test]
    fn broken_yaml_is_an_error_at_its_line() {
        let text = GOOD.replace("    - path: /b\n", "    - path: [/b\n");
        let err = parse(&file(&text)).err().unwrap();
        assert!(err.reason.starts_with("not valid YAML"), "{err}");
        assert!(err.line >= 11, "{err}");
    }

    #[test]
    fn a_duplicate_key_is_an_error() {
        let text = GOOD.replace("      method: GET\n", "      method: GET\n      method: POST\n");
        let err = parse(&file(&text)).err().unwrap();
        assert_eq!(err.line, 10, "{err}");
    }
}
