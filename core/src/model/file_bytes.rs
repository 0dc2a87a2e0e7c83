//! A new file's bytes: in memory, or already written to the store on their own.

use bytes::Bytes;

/// Bytes the store holds on their own, written ahead of the article that will keep them
/// ([`crate::ports::Spool`]): a large mail's files are, so that nothing holds them in
/// memory while that article's transaction runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spooled {
    /// The store's name for them.
    pub id: i64,
    pub len: u64,
}

/// The bytes of a new article's file, or of the message it was made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileBytes {
    /// In memory; shared, not copied, when the article is cloned.
    Held(Bytes),
    Spooled(Spooled),
}

impl FileBytes {
    pub fn len(&self) -> u64 {
        match self {
            Self::Held(bytes) => bytes.len() as u64,
            Self::Spooled(s) => s.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, when they are in memory.
    pub fn held(&self) -> Option<&[u8]> {
        match self {
            Self::Held(bytes) => Some(bytes),
            Self::Spooled(_) => None,
        }
    }

    pub fn spooled(&self) -> Option<Spooled> {
        match self {
            Self::Held(_) => None,
            Self::Spooled(s) => Some(*s),
        }
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Held(bytes.into())
    }
}

impl From<Bytes> for FileBytes {
    fn from(bytes: Bytes) -> Self {
        Self::Held(bytes)
    }
}
