//! The parameters of a GenericInterface request: OTRS's REST transport merges the query
//! string and a JSON body into one structure, and so does this.

use poem::http::Uri;
use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub struct Params(pub Map<String, Value>);

impl Params {
    /// Query parameters first; a JSON body's keys win. A repeated query key is a list.
    pub fn read(uri: &Uri, body: &[u8]) -> Result<Self, String> {
        let mut map = Map::new();
        for (k, v) in url_pairs(uri.query().unwrap_or("")) {
            match map.get_mut(&k) {
                Some(Value::Array(list)) => list.push(Value::String(v)),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, Value::String(v)]);
                }
                None => {
                    map.insert(k, Value::String(v));
                }
            }
        }
        if !body.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(obj)) => map.extend(obj),
                Ok(_) => return Err("the request body must be a JSON object".into()),
                Err(e) => return Err(format!("the request body is not JSON: {e}")),
            }
        }
        Ok(Self(map))
    }

    /// A scalar as text (OTRS clients send numbers as strings and as numbers alike).
    pub fn str(&self, key: &str) -> Option<String> {
        scalar(self.0.get(key)?)
    }

    pub fn object(&self, key: &str) -> Option<&Map<String, Value>> {
        self.0.get(key)?.as_object()
    }

    /// A parameter that may be one value or a list of them.
    pub fn list(&self, key: &str) -> Vec<String> {
        match self.0.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(scalar).collect(),
            Some(v) => scalar(v).into_iter().collect(),
            None => Vec::new(),
        }
    }
}

/// Whether a value says anything: not null, not an empty string, list or object.
pub fn given(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_query_and_body() {
        let uri: Uri = "/Ticket?UserLogin=ro%40ot&Queues=Raw&Queues=Misc&Title=a+b".parse().unwrap();
        let p = Params::read(&uri, br#"{"Password":"x","Limit":5}"#).unwrap();
        assert_eq!(p.str("UserLogin").as_deref(), Some("ro@ot"));
        assert_eq!(p.list("Queues"), ["Raw", "Misc"]);
        assert_eq!(p.str("Title").as_deref(), Some("a b"));
        assert_eq!(p.str("Limit").as_deref(), Some("5"));
        assert!(Params::read(&uri, b"[1]").is_err());
        assert!(Params::read(&uri, b"{oops").is_err());
        assert_eq!(decode("100%"), "100%");
    }
}
