//! Lists what the route files may refer to and what `goats routes map` reads — every
//! template under `templates/` and every script under `static/src/`, with its text —
//! and the shipped route files, which serve when no `routes/` folder is at hand.

// A build script fails by panicking: its unwraps stop the build with the cause.
#![allow(clippy::unwrap_used)]

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = String::new();
    let sets = [("TEMPLATES", "templates", "html"), ("SCRIPTS", "static/src", "js"), ("ROUTE_FILES", "routes", "yaml")];
    for (name, dir, ext) in sets {
        let base = root.join(dir);
        println!("cargo:rerun-if-changed={}", base.display());
        let mut files = Vec::new();
        walk(&base, ext, &mut files);
        files.sort();
        writeln!(out, "pub const {name}: &[(&str, &str)] = &[").unwrap();
        for f in files {
            let rel = f.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
            writeln!(out, "    ({rel:?}, include_str!({:?})),", f.canonicalize().unwrap()).unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    // The built front-end is embedded (`web/assets.rs`): a build after `make assets`
    // must take the new files in.
    println!("cargo:rerun-if-changed={}", root.join("static/dist").display());
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("sources.rs");
    std::fs::write(dest, out).unwrap();
}

fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            walk(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}
