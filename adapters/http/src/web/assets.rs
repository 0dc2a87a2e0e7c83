//! The front-end files under `/static`: built from `static/` by `make assets` (Tailwind,
//! htmx, Alpine's CSP build, our own script) into `static/dist`, embedded in release
//! binaries. Pages link each file with its content hash, so browsers may cache it for a
//! year and still see a new release at once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{IntoResponse, Response, handler};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../../static/dist"]
#[allow_missing = true]
struct Dist;

/// The URL of a built file, with a version parameter taken from its content. Worked out
/// once per file: every page links five.
pub fn url(name: &str) -> Cow<'static, str> {
    static URLS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
        Dist::iter()
            .filter_map(|name| {
                let file = Dist::get(&name)?;
                let hash: String = file.metadata.sha256_hash()[..6].iter().map(|b| format!("{b:02x}")).collect();
                Some((name.to_string(), format!("/static/{name}?v={hash}")))
            })
            .collect()
    });
    match URLS.get(name) {
        Some(url) => Cow::Borrowed(url),
        // Not built: linked without a version, a 404 until `make assets` runs.
        None => Cow::Owned(format!("/static/{name}")),
    }
}

/// Whether `make assets` has run: without it pages work but are unstyled and
/// without partial updates, which `goats serve` warns about.
pub fn built() -> bool {
    Dist::get("app.css").is_some()
}

#[handler]
pub fn serve(Path(name): Path<String>) -> Response {
    let Some(file) = Dist::get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    Response::builder()
        .header(header::CONTENT_TYPE, mime)
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(file.data.into_owned())
}
