//! OTRS's `ArticleDataDir`: where a site with `ArticleStorageFS` keeps each article's
//! message as it arrived and its attachments, under `<dir>/<content_path>/<article id>/`.
//! `plain.txt` is the message; every other file is an attachment, with its MIME facts
//! beside it in `<file>.content_type`, `.content_id`, `.content_alternative` and
//! `.disposition`. Znuny numbers an article's files by their place in the sorted
//! listing, and so does goats.
//!
//! The import copies these files into the database; in live mode they are read where
//! the database has nothing for an article. OTRS's disk backend falls back to the
//! database the same way, so what goats writes (always to the database) OTRS reads too.

use std::path::{Component, Path, PathBuf};

const PLAIN: &str = "plain.txt";
const SIDE_FILES: &[&str] = &[".content_type", ".content_id", ".content_alternative", ".disposition"];

/// A copy or mount of an OTRS site's `ArticleDataDir`.
#[derive(Debug, Clone)]
pub struct ArticleDir {
    root: PathBuf,
}

/// One attachment on disk, without its bytes.
#[derive(Debug, Clone)]
pub struct DiskFile {
    /// Its place among the article's files, from 1, as OTRS's `FileID`.
    pub position: u16,
    pub filename: String,
    pub size: u64,
    pub content_type: Option<String>,
    pub content_id: Option<String>,
    pub content_alternative: Option<String>,
    pub disposition: Option<String>,
    path: PathBuf,
}

impl DiskFile {
    pub fn content(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.path).map_err(|e| format!("cannot read {}: {e}", self.path.display()))
    }
}

impl ArticleDir {
    /// `named`: what the directory is called where it was given, for the error.
    pub fn open(root: &Path, named: &str) -> Result<Self, String> {
        if !root.is_dir() {
            return Err(format!("the {named} {} does not exist or is not a directory", root.display()));
        }
        Ok(Self { root: root.to_path_buf() })
    }

    /// The article's folder; `None` when `content_path` would lead out of the directory
    /// (it comes from the database, which is not trusted to name paths).
    fn folder(&self, content_path: &str, article_id: i64) -> Option<PathBuf> {
        let relative = Path::new(content_path.trim_matches('/'));
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        Some(self.root.join(relative).join(article_id.to_string()))
    }

    /// The message as it arrived, when the article's folder has it.
    pub fn plain(&self, content_path: &str, article_id: i64) -> Result<Option<Vec<u8>>, String> {
        let Some(path) = self.folder(content_path, article_id).map(|d| d.join(PLAIN)) else { return Ok(None) };
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    pub fn has_plain(&self, content_path: &str, article_id: i64) -> bool {
        self.folder(content_path, article_id).is_some_and(|d| d.join(PLAIN).is_file())
    }

    /// The article's attachments in OTRS's order; none when it has no folder.
    pub fn files(&self, content_path: &str, article_id: i64) -> Result<Vec<DiskFile>, String> {
        let Some(dir) = self.folder(content_path, article_id).filter(|d| d.is_dir()) else { return Ok(Vec::new()) };
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n != PLAIN && !SIDE_FILES.iter().any(|s| n.ends_with(s)))
            .collect();
        names.sort();
        let side = |name: &str, suffix: &str| {
            std::fs::read(dir.join(format!("{name}{suffix}")))
                .ok()
                .map(|b| String::from_utf8_lossy(&b).trim_end_matches('\n').to_string())
        };
        let mut files = Vec::with_capacity(names.len());
        for (position, name) in (1..=u16::MAX).zip(names) {
            let path = dir.join(&name);
            let size = std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.len();
            files.push(DiskFile {
                position,
                size,
                content_type: side(&name, ".content_type"),
                content_id: side(&name, ".content_id"),
                content_alternative: side(&name, ".content_alternative"),
                disposition: side(&name, ".disposition"),
                filename: name,
                path,
            });
        }
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_path_cannot_lead_out_of_the_directory() {
        let dir = ArticleDir { root: PathBuf::from("/srv/article") };
        assert_eq!(dir.folder("2026/12/05", 7), Some(PathBuf::from("/srv/article/2026/12/05/7")));
        assert_eq!(dir.folder("/2026/12/05/", 7), Some(PathBuf::from("/srv/article/2026/12/05/7")));
        assert_eq!(dir.folder("2026/../../etc", 7), None);
        assert_eq!(dir.folder("./2026", 7), None);
    }
}
