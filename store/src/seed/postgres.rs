//! Writing to PostgreSQL: batches encoded in `COPY`'s binary format on a generator thread, a few
//! transactions in flight, foreign-key triggers off where the role may turn them off.

use super::*;

/// Days from 0001-01-01 (chrono's day 1) to 2000-01-01, PostgreSQL's epoch for dates.
pub(super) const PG_EPOCH_DAYS_FROM_CE: i32 = 730_120;
/// Microseconds from the Unix epoch to 2000-01-01, PostgreSQL's epoch for timestamps.
pub(super) const PG_EPOCH_UNIX_MICROS: i64 = 946_684_800_000_000;

/// One table's rows in PostgreSQL's binary `COPY` format: no text to format here and none to
/// parse in the backend. The binary forms of the seed's column types are fixed (see the
/// PostgreSQL docs, "COPY", "Binary Format").
pub(super) struct CopyRows {
    pub(super) statement: String,
    pub(super) columns: i16,
    pub(super) bytes: Vec<u8>,
    /// Fields written in the current row, checked against `columns` in debug builds.
    pub(super) fields: i16,
}

impl CopyRows {
    pub(super) fn new<T: SeedRow>(rows: usize) -> Self {
        let columns = i16::try_from(T::COLUMNS.matches(',').count() + 1).unwrap_or(i16::MAX);
        let mut bytes =
            Vec::with_capacity(19 + rows * (2 + usize::from(columns.unsigned_abs()) * 14) + 2);
        bytes.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        bytes.extend_from_slice(&0_i32.to_be_bytes()); // flags
        bytes.extend_from_slice(&0_i32.to_be_bytes()); // header extension length
        Self {
            statement: format!(
                "COPY {} ({}) FROM STDIN (FORMAT binary)",
                T::TABLE,
                T::COLUMNS
            ),
            columns,
            bytes,
            fields: columns,
        }
    }

    pub(super) fn row(&mut self) -> &mut Self {
        debug_assert_eq!(self.fields, self.columns, "{}", self.statement);
        self.fields = 0;
        self.bytes.extend_from_slice(&self.columns.to_be_bytes());
        self
    }

    pub(super) fn field(&mut self, data: &[u8]) -> &mut Self {
        self.fields += 1;
        let length = i32::try_from(data.len()).unwrap_or(i32::MAX);
        self.bytes.extend_from_slice(&length.to_be_bytes());
        self.bytes.extend_from_slice(data);
        self
    }

    pub(super) fn null(&mut self) -> &mut Self {
        self.fields += 1;
        self.bytes.extend_from_slice(&(-1_i32).to_be_bytes());
        self
    }

    /// The `COPY` data, with its trailer.
    pub(super) fn finish(mut self) -> CopyTable {
        debug_assert_eq!(self.fields, self.columns, "{}", self.statement);
        self.bytes.extend_from_slice(&(-1_i16).to_be_bytes());
        CopyTable {
            statement: self.statement,
            bytes: self.bytes,
        }
    }
}

impl<'r> Fields<'r> for CopyRows {
    fn int(&mut self, value: i64) -> &mut Self {
        self.field(&value.to_be_bytes())
    }

    fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        match value {
            Some(value) => self.int(value),
            None => self.null(),
        }
    }

    fn text(&mut self, value: &'r str) -> &mut Self {
        self.field(value.as_bytes())
    }

    fn opt_text(&mut self, value: Option<&'r str>) -> &mut Self {
        match value {
            Some(value) => self.text(value),
            None => self.null(),
        }
    }

    fn bool(&mut self, value: bool) -> &mut Self {
        self.field(&[u8::from(value)])
    }

    fn date(&mut self, value: NaiveDate) -> &mut Self {
        self.field(&(value.num_days_from_ce() - PG_EPOCH_DAYS_FROM_CE).to_be_bytes())
    }

    fn opt_date(&mut self, value: Option<NaiveDate>) -> &mut Self {
        match value {
            Some(value) => self.date(value),
            None => self.null(),
        }
    }

    fn timestamp(&mut self, value: DateTime<Utc>) -> &mut Self {
        self.field(&(value.timestamp_micros() - PG_EPOCH_UNIX_MICROS).to_be_bytes())
    }
}

/// A table's `COPY` statement and its data.
pub(super) struct CopyTable {
    pub(super) statement: String,
    pub(super) bytes: Vec<u8>,
}

/// PostgreSQL: a batch's tables encoded for `COPY`; none for a table without rows.
#[derive(Default)]
pub(super) struct Copies(pub(super) Vec<CopyTable>);

impl<'r> TableSink<'r> for Copies {
    fn rows<T: SeedRow>(&mut self, rows: &'r [T]) {
        if rows.is_empty() {
            return;
        }
        let mut copy = CopyRows::new::<T>(rows.len());
        for row in rows {
            row.fields(copy.row());
        }
        self.0.push(copy.finish());
    }
}

/// A batch encoded for PostgreSQL: owns everything, so it leaves the generator's thread.
pub(super) struct EncodedBatch {
    /// In the order they are written: parents before children.
    pub(super) tables: Vec<CopyTable>,
    pub(super) staff: Vec<StaffRow>,
    pub(super) marks_demo: bool,
    pub(super) counts: BatchCounts,
    /// Random customers in it, for the progress bar.
    pub(super) customers: u64,
}

impl EncodedBatch {
    pub(super) fn of(batch: Batch<'_>, customers: u64) -> Self {
        let counts = BatchCounts::of(&batch);
        let name_words = name_words(&batch.customers);
        let mut copies = Copies::default();
        batch.tables(&name_words, &mut copies);
        Self {
            tables: copies.0,
            staff: batch.staff,
            marks_demo: batch.marks_demo,
            counts,
            customers,
        }
    }
}

/// How the seed's PostgreSQL transactions are set up.
#[derive(Clone, Copy, Debug)]
pub(super) struct PgSession {
    /// Whether the foreign keys' triggers are off while the seed writes (see [`PgSession::new`]).
    pub(super) skip_foreign_key_checks: bool,
}

impl PgSession {
    /// Checking a foreign key is a query per row and a lock on the parent row: more than half
    /// of what PostgreSQL spends on the seed. Every row the seed writes refers to rows of its
    /// own transaction or to the catalog it has just read, so the checks cannot fail, and the
    /// constraints themselves stay as they are (SQLite, whose foreign keys are always on, runs
    /// the same generator in the tests). `session_replication_role = replica` turns the checks
    /// off for the seed's transactions only, where the role may set it (superusers, or a role
    /// granted SET on it); elsewhere they run as usual.
    pub(super) async fn new(pool: &sqlx::PgPool) -> Result<Self> {
        let mut tx = pool.begin().await?;
        let allowed = sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await
            .is_ok();
        tx.rollback().await?;
        Ok(Self {
            skip_foreign_key_checks: allowed,
        })
    }
}

/// Writes an encoded batch in one transaction, one `COPY` per table, parents before children.
pub(super) async fn copy_batch(
    pool: &sqlx::PgPool,
    batch: &EncodedBatch,
    session: PgSession,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    // Losing the last commits in a crash loses nothing a new seed cannot make again, and a
    // commit then does not wait for its WAL to reach the disk.
    sqlx::raw_sql(if session.skip_foreign_key_checks {
        "SET LOCAL synchronous_commit = off; SET LOCAL session_replication_role = replica"
    } else {
        "SET LOCAL synchronous_commit = off"
    })
    .execute(&mut *tx)
    .await?;
    for table in &batch.tables {
        let mut copy = tx.copy_in_raw(&table.statement).await?;
        copy.send(table.bytes.as_slice()).await?;
        copy.finish().await?;
    }
    write_staff_and_demo_mark(&mut *tx, &batch.staff, batch.marks_demo).await?;
    tx.commit().await?;
    Ok(())
}
