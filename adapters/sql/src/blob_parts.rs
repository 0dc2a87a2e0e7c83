//! Large values (a mail's attachments, the message as it arrived) written into their
//! rows a part at a time.
//!
//! sea-orm copies every value it binds, and the drivers copy it again into their own
//! buffers: a 25 MB attachment bound whole was held four or five times over while its
//! row was written. A value larger than [`PART`] is instead written in parts into
//! `goats_blob_part`, and the statement that stores it has the database join them, all
//! in one transaction, so goats holds one part at a time. The parts are deleted before
//! the transaction commits.
//!
//! A large mail's files are spooled instead ([`goats_core::ports::Spool`], in
//! `crate::spool`): their parts are written and committed ahead of the article, which
//! takes them the same way.
//!
//! MySQL and MariaDB join no more than `max_allowed_packet` bytes and send no larger row
//! back, so there a larger value is refused, naming the setting to raise.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Value};

use goats_core::model::FileBytes;

use crate::connection::{Db, Dialect, placeholder_offsets};
use crate::row::int;

/// Bytes per part: about a megabyte, in whole base64 lines (57 bytes each), so that
/// PostgreSQL's parts, encoded one at a time, join into the lines the whole value gives.
pub(crate) const PART: usize = (1 << 20) / 57 * 57;

/// What Znuny asks of a MySQL server's `max_allowed_packet`.
const ZNUNY_PACKET_MB: u64 = 64;

impl Db {
    /// Runs `sql`, whose placeholder number `at` (counting from 0) is the file `file`;
    /// `values` are the other placeholders' values, in order. Spooled bytes are taken
    /// from their parts, which go with this transaction.
    pub(crate) async fn execute_with_file(
        &self,
        txn: &DatabaseTransaction,
        sql: &str,
        values: Vec<Value>,
        at: usize,
        file: &FileBytes,
    ) -> Result<(), DbErr> {
        match file {
            FileBytes::Held(bytes) => self.execute_with_blob(txn, sql, values, at, bytes).await,
            FileBytes::Spooled(spooled) => self.execute_joined(txn, sql, values, at, spooled.id).await,
        }
    }

    /// Runs `sql`, whose placeholder number `at` (counting from 0) is the blob `bytes`;
    /// `values` are the other placeholders' values, in order.
    pub(crate) async fn execute_with_blob(
        &self,
        txn: &DatabaseTransaction,
        sql: &str,
        mut values: Vec<Value>,
        at: usize,
        bytes: &[u8],
    ) -> Result<(), DbErr> {
        if bytes.len() <= PART {
            values.insert(at, self.blob(bytes));
            txn.execute_raw(self.stmt(sql, values)).await?;
            return Ok(());
        }
        if self.dialect == Dialect::MySql {
            self.check_packet(txn, bytes.len()).await?;
        }
        let stage = in_transaction_stage();
        self.insert_parts(txn, stage, bytes).await?;
        self.execute_joined(txn, sql, values, at, stage).await
    }

    /// Runs `sql` with the parts of `stage` joined in place of its placeholder number
    /// `at`, and deletes the parts.
    async fn execute_joined(
        &self,
        txn: &DatabaseTransaction,
        sql: &str,
        mut values: Vec<Value>,
        at: usize,
        stage: i64,
    ) -> Result<(), DbErr> {
        let joined = match self.dialect {
            Dialect::Postgres => "string_agg(part, '' ORDER BY n)",
            // The parts join as text, byte for byte, and are stored as the blob.
            Dialect::Sqlite => "CAST(group_concat(part, '' ORDER BY n) AS BLOB)",
            Dialect::MySql => {
                txn.execute_unprepared("SET SESSION group_concat_max_len = @@max_allowed_packet").await?;
                "GROUP_CONCAT(part ORDER BY n SEPARATOR '')"
            }
        };
        let sql = selecting_parts(sql, at, joined)
            .ok_or_else(|| DbErr::Custom(format!("not an INSERT … VALUES (…) to write in parts: {sql}")))?;
        values.push(stage.into());
        let written = txn.execute_raw(self.stmt(&sql, values)).await?;
        if written.rows_affected() != 1 {
            return Err(DbErr::Custom(format!("the parts of file {stage} are gone; nothing was stored")));
        }
        txn.execute_raw(self.stmt("DELETE FROM goats_blob_part WHERE stage = ?", [stage.into()])).await?;
        Ok(())
    }

    pub(crate) async fn insert_parts(&self, txn: &DatabaseTransaction, stage: i64, bytes: &[u8]) -> Result<(), DbErr> {
        // An empty value is one empty part, so that it has a row to be joined from.
        let parts = bytes.chunks(PART).chain(bytes.is_empty().then_some(&[][..]));
        for (n, part) in parts.enumerate() {
            txn.execute_raw(self.stmt(
                "INSERT INTO goats_blob_part (stage, n, part) VALUES (?, ?, ?)",
                [stage.into(), (n as i64).into(), self.blob(part)],
            ))
            .await?;
        }
        Ok(())
    }

    /// Refuses a value this MySQL server could neither join nor send back.
    pub(crate) async fn check_packet(&self, txn: &DatabaseTransaction, len: usize) -> Result<(), DbErr> {
        let row = txn.query_one_raw(self.stmt("SELECT CAST(@@max_allowed_packet AS SIGNED) AS m", [])).await?;
        let limit = row.map(|r| int(&r, "m")).transpose()?.unwrap_or(0);
        if (len as i64) < limit {
            return Ok(());
        }
        let mb = |n: f64| n / (1024.0 * 1024.0);
        Err(DbErr::Custom(format!(
            "a value of {:.1} MB does not fit the database server's max_allowed_packet ({:.1} MB); \
             raise it to at least {ZNUNY_PACKET_MB} MB, as Znuny asks, or above the largest mail accepted",
            mb(len as f64),
            mb(limit as f64)
        )))
    }
}

/// `INSERT INTO t (…) VALUES (…)` as `INSERT INTO t (…) SELECT … FROM goats_blob_part
/// WHERE stage = ?`, its placeholder number `at` (counting from 0, outside quotes) being
/// `joined`. Selected rather than a subquery among the values: SQLite then builds the
/// row from the joined parts without copying them once more.
/// Counted, so that parts no longer there insert no row rather than an empty value.
fn selecting_parts(sql: &str, at: usize, joined: &str) -> Option<String> {
    let (insert, values) = sql.split_once(" VALUES (")?;
    let values = values.trim_end().strip_suffix(')')?;
    let blob = placeholder_offsets(values).nth(at)?;
    let (before, after) = (&values[..blob], &values[blob + 1..]);
    Some(format!("{insert} SELECT {before}{joined}{after} FROM goats_blob_part WHERE stage = ? HAVING COUNT(*) > 0"))
}

/// A value's parts written and joined within one transaction are staged under a
/// negative id, which the sweep of spooled parts never takes: random, so that
/// transactions staging at the same time never wait on each other's parts.
fn in_transaction_stage() -> i64 {
    -(rand::random::<i64>() & i64::MAX) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_the_joined_parts_in_place_of_the_blob() {
        let sql = "INSERT INTO t (a, b, c, d) VALUES (?, '?', ?, ?)";
        assert_eq!(
            selecting_parts(sql, 1, "agg(part)").as_deref(),
            Some(
                "INSERT INTO t (a, b, c, d) SELECT ?, '?', agg(part), ? FROM goats_blob_part WHERE stage = ? \
                 HAVING COUNT(*) > 0"
            )
        );
        assert_eq!(selecting_parts(sql, 3, "agg(part)"), None, "there is no fourth placeholder");
        assert_eq!(selecting_parts("UPDATE t SET c = ?", 0, "agg(part)"), None);
    }
}
