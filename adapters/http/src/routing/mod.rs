//! Where every path the server answers is declared: `routes/**/*.yaml`. The files are
//! read ([`file`]), checked against the handler [`registry`] filled from code
//! ([`handlers`]) and against each other ([`table`]), and turned into the poem route
//! tree ([`tree`]) that serves them — swapped whole when the files change ([`reload`]).
//! The [`manifest`] lists the result for review and drift checks; [`coverage`] counts
//! the hits per route, and [`map`] links templates and scripts to the routes they call.

pub mod coverage;
pub mod file;
pub mod guard;
pub mod handlers;
pub mod manifest;
pub mod map;
pub mod meter;
pub mod registry;
pub mod reload;
pub mod table;
pub mod tree;

use std::fmt;
use std::path::{Path, PathBuf};

pub use file::RouteFile;
pub use table::RouteTable;

/// Why route files did not load: the file, the line and the reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoadError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl LoadError {
    pub fn at(file: &str, line: usize, reason: impl Into<String>) -> Self {
        Self { file: file.to_string(), line, reason: reason.into() }
    }

    fn io(path: &Path, e: std::io::Error) -> Self {
        Self::at(&path.display().to_string(), 0, format!("cannot read: {e}"))
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.reason)
        }
    }
}

/// Where the route files come from: a folder, or the files built into goats (used when
/// there is no `routes/` folder at hand, so the binary runs anywhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteSource {
    Dir(PathBuf),
    Builtin,
}

impl RouteSource {
    /// `ROUTES_DIR` if set, else `./routes` if it exists, else the built-in files.
    pub fn from_env() -> Self {
        match std::env::var_os("ROUTES_DIR").filter(|v| !v.is_empty()) {
            Some(dir) => RouteSource::Dir(PathBuf::from(dir)),
            None if Path::new("routes").is_dir() => RouteSource::Dir(PathBuf::from("routes")),
            None => RouteSource::Builtin,
        }
    }

    pub fn read(&self) -> Result<Vec<RouteFile>, Vec<LoadError>> {
        match self {
            RouteSource::Dir(dir) => file::read_dir(dir).map_err(|e| vec![e]),
            RouteSource::Builtin => Ok(builtin_files()),
        }
    }

    /// Reads and checks the files.
    pub fn load(&self, registry: &registry::Registry) -> Result<RouteTable, Vec<LoadError>> {
        RouteTable::load(&self.read()?, registry)
    }

    pub fn describe(&self) -> String {
        match self {
            RouteSource::Dir(dir) => dir.display().to_string(),
            RouteSource::Builtin => "the route files built into goats".into(),
        }
    }
}

/// The route files shipped in `routes/`, as built into the binary.
pub fn builtin_files() -> Vec<RouteFile> {
    let mut files: Vec<RouteFile> = registry::ROUTE_FILES
        .iter()
        .map(|(name, text)| RouteFile { name: name.to_string(), text: text.to_string() })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// The shipped routes, checked; they are tested, so failing here is a bug in goats.
pub fn builtin_table(registry: &registry::Registry) -> RouteTable {
    match RouteTable::load(&builtin_files(), registry) {
        Ok(t) => t,
        Err(errors) => {
            let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("the built-in route files do not load: {}", all.join("; "))
        }
    }
}
