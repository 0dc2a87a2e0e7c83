//! Reads the table definitions in `schema/*/tables.schema`: a small language of our own
//! that says what a table holds once, independent of the database engine.
//!
//! ```text
//! table ticket
//!     id       bigint auto
//!     title    varchar(255) null
//!     flag     smallint default 0
//!     primary key (id)
//!     unique ticket_tn (tn)
//!     index ticket_title (title)
//!     index xml_storage_key_type (xml_key(10), xml_type(10))   # MySQL prefix lengths
//!     foreign key FK_ticket_queue_id_id (queue_id) references queue (id)
//! ```

/// An engine-neutral column type; [`super::ddl`] maps each to every dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    SmallInt,
    Int,
    BigInt,
    DateTime,
    Decimal(u32, u32),
    Varchar(u32),
    /// Long text; MySQL `TEXT`, PostgreSQL `VARCHAR(n)` (or unbounded without a size).
    Text(Option<u32>),
    MediumText,
    LongText,
    /// Binary data: MySQL `LONGBLOB`; PostgreSQL `TEXT` holding base64, as OTRS does.
    Blob,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub auto_increment: bool,
    pub nullable: bool,
    /// A literal default, as written (`0`, `'Answer'`).
    pub default: Option<String>,
}

/// An index column with an optional MySQL prefix length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexColumn {
    pub name: String,
    pub prefix: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub columns: Vec<IndexColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub column: String,
    pub references_table: String,
    pub references_column: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub uniques: Vec<Index>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A definition file that does not parse; names the line so it can be fixed.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}:{line}: {reason}")]
pub struct DefinitionError {
    pub source_name: String,
    pub line: usize,
    pub reason: String,
}

pub fn parse(source_name: &str, text: &str) -> Result<Vec<Table>, DefinitionError> {
    let mut tables: Vec<Table> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let fail = |reason: String| DefinitionError { source_name: source_name.into(), line: i + 1, reason };
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix("table ") {
            tables.push(Table { name: name.trim().into(), ..Default::default() });
            continue;
        }
        let table = tables.last_mut().ok_or_else(|| fail("a definition outside a table".into()))?;
        if let Some(rest) = line.strip_prefix("primary key ") {
            table.primary_key = parenthesised(rest)
                .ok_or_else(|| fail("expected (columns)".into()))?
                .iter()
                .map(|c| c.name.clone())
                .collect();
        } else if let Some(rest) = line.strip_prefix("unique ") {
            table.uniques.push(index(rest).ok_or_else(|| fail("expected `unique name (columns)`".into()))?);
        } else if let Some(rest) = line.strip_prefix("index ") {
            table.indexes.push(index(rest).ok_or_else(|| fail("expected `index name (columns)`".into()))?);
        } else if let Some(rest) = line.strip_prefix("foreign key ") {
            table.foreign_keys.push(
                foreign_key(rest)
                    .ok_or_else(|| fail("expected `foreign key name (col) references table (col)`".into()))?,
            );
        } else {
            table.columns.push(column(line).map_err(fail)?);
        }
    }
    Ok(tables)
}

fn column(line: &str) -> Result<Column, String> {
    let mut words = line.split_whitespace();
    let name = words.next().ok_or("empty column")?.to_string();
    let ty = column_type(words.next().ok_or("a column needs a type")?)?;
    let mut col = Column { name, ty, auto_increment: false, nullable: false, default: None };
    while let Some(w) = words.next() {
        match w {
            "auto" => col.auto_increment = true,
            "null" => col.nullable = true,
            "default" => col.default = Some(words.next().ok_or("default needs a value")?.to_string()),
            other => return Err(format!("unknown column attribute `{other}`")),
        }
    }
    Ok(col)
}

fn column_type(word: &str) -> Result<ColumnType, String> {
    let (base, args) = match word.split_once('(') {
        Some((b, rest)) => (b, Some(rest.trim_end_matches(')'))),
        None => (word, None),
    };
    let num = |s: &str| s.trim().parse::<u32>().map_err(|_| format!("bad size in `{word}`"));
    Ok(match (base, args) {
        ("smallint", None) => ColumnType::SmallInt,
        ("int", None) => ColumnType::Int,
        ("bigint", None) => ColumnType::BigInt,
        ("datetime", None) => ColumnType::DateTime,
        ("blob", None) => ColumnType::Blob,
        ("mediumtext", None) => ColumnType::MediumText,
        ("longtext", None) => ColumnType::LongText,
        ("text", None) => ColumnType::Text(None),
        ("text", Some(n)) => ColumnType::Text(Some(num(n)?)),
        ("varchar", Some(n)) => ColumnType::Varchar(num(n)?),
        ("decimal", Some(ps)) => {
            let (p, s) = ps.split_once(',').ok_or_else(|| format!("decimal needs (precision,scale) in `{word}`"))?;
            ColumnType::Decimal(num(p)?, num(s)?)
        }
        _ => return Err(format!("unknown type `{word}`")),
    })
}

fn parenthesised(s: &str) -> Option<Vec<IndexColumn>> {
    let inner = s.trim().strip_prefix('(')?.strip_suffix(')')?;
    inner
        .split(',')
        .map(|c| {
            let c = c.trim();
            Some(match c.split_once('(') {
                Some((n, p)) => IndexColumn { name: n.into(), prefix: Some(p.trim_end_matches(')').parse().ok()?) },
                None => IndexColumn { name: c.into(), prefix: None },
            })
        })
        .collect()
}

fn index(rest: &str) -> Option<Index> {
    let (name, cols) = rest.split_once(' ')?;
    Some(Index { name: name.into(), columns: parenthesised(cols)? })
}

fn foreign_key(rest: &str) -> Option<ForeignKey> {
    // name (col) references table (col)
    let (name, rest) = rest.split_once(' ')?;
    let (col, rest) = rest.split_once(" references ")?;
    let (rtable, rcol) = rest.split_once(' ')?;
    let single = |s: &str| s.trim().strip_prefix('(')?.strip_suffix(')').map(str::to_string);
    Some(ForeignKey {
        name: name.into(),
        column: single(col)?,
        references_table: rtable.into(),
        references_column: single(rcol)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_table() {
        let t = parse(
            "t",
            "table x\n  id bigint auto\n  n varchar(20) null default 'a'\n  primary key (id)\n  index x_n (n(10), id)\n  foreign key FK_x (id) references y (id)\n",
        )
        .unwrap();
        assert_eq!(
            t[0].columns[1],
            Column {
                name: "n".into(),
                ty: ColumnType::Varchar(20),
                auto_increment: false,
                nullable: true,
                default: Some("'a'".into())
            }
        );
        assert_eq!(t[0].indexes[0].columns[0].prefix, Some(10));
        assert_eq!(t[0].foreign_keys[0].references_table, "y");
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("f.schema", "table x\n  id bigint\n  n strange\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().contains("unknown type `strange`"));
    }
}
