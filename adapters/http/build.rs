//! Lists what the route files may refer to and what `goats routes map` reads — every
//! template under `templates/` and every script under `static/src/`, with its text —
//! and the shipped route files, which serve when no `routes/` folder is at hand.

// A build script fails by panicking: its unwraps stop the build with the cause.
#![allow(clippy::unwrap_used)]

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    // Where this build script runs now, not where it was compiled: a build folder shared
    // by two checkouts of goats keeps one compiled build script for both.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../..");
    let mut out = String::new();
    let sets = [("TEMPLATES", "templates", "html"), ("SCRIPTS", "static/src", "js"), ("ROUTE_FILES", "routes", "yaml")];
    for (name, dir, ext) in sets {
        let base = root.join(dir);
        assert!(base.is_dir(), "{} is missing: goats' {dir} are compiled in", base.display());
        println!("cargo:rerun-if-changed={}", base.display());
        let mut files = Vec::new();
        walk(&base, ext, &mut files);
        files.sort();
        writeln!(out, "pub const {name}: &[(&str, &str)] = &[").unwrap();
        for f in files {
            let rel = f.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
            // Named from the crate's own folder as it compiles, so that a checkout's binary
            // holds that checkout's files even when this script's output is reused.
            let from_crate = format!("/../../{dir}/{rel}");
            writeln!(out, "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {from_crate:?}))),")
                .unwrap();
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
