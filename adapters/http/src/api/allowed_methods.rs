//! Which methods each API path answers, read from the OpenAPI document itself, so a
//! 405 can carry the `Allow` header RFC 9110 requires.

use poem::http::HeaderValue;

pub struct AllowedMethods {
    /// Path templates split into segments (`{id}` matches any one segment), with the
    /// `Allow` value for each.
    paths: Vec<(Vec<String>, HeaderValue)>,
}

impl AllowedMethods {
    pub fn from_spec(spec_json: &str) -> Self {
        let spec: serde_json::Value = serde_json::from_str(spec_json).unwrap_or_default();
        let mut paths = Vec::new();
        if let Some(map) = spec["paths"].as_object() {
            for (template, ops) in map {
                let methods: Vec<String> =
                    ops.as_object().map(|o| o.keys().map(|m| m.to_uppercase()).collect()).unwrap_or_default();
                if let Ok(value) = HeaderValue::from_str(&methods.join(", ")) {
                    paths.push((segments(template), value));
                }
            }
        }
        Self { paths }
    }

    pub fn for_path(&self, path: &str) -> Option<HeaderValue> {
        let wanted = segments(path);
        self.paths
            .iter()
            .find(|(template, _)| {
                template.len() == wanted.len()
                    && template.iter().zip(&wanted).all(|(t, w)| t.starts_with('{') || t == w)
            })
            .map(|(_, v)| v.clone())
    }
}

fn segments(path: &str) -> Vec<String> {
    path.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_templates() {
        let a = AllowedMethods::from_spec(
            r#"{"paths":{"/v1/tickets":{"get":{},"post":{}},"/v1/tickets/{id}":{"get":{},"patch":{}}}}"#,
        );
        assert_eq!(a.for_path("/v1/tickets/12").unwrap(), "GET, PATCH");
        assert_eq!(a.for_path("/v1/tickets").unwrap(), "GET, POST");
        assert!(a.for_path("/v1/nothing").is_none());
    }
}
