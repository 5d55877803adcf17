//! Writing a batch to SQLite: one transaction, multi-row INSERTs within the bind-parameter limit.

use super::*;

/// Rows of a multi-row INSERT that keep its bind parameters under [`MAX_BIND_PARAMETERS`],
/// for a comma-separated column list.
pub(super) fn rows_per_statement(columns: &str) -> usize {
    let columns = columns.matches(',').count() + 1;
    (MAX_BIND_PARAMETERS / columns).max(1)
}

/// SQLite: a batch's tables as multi-row INSERTs, each as large as the parameter limit allows.
#[derive(Default)]
pub(super) struct Inserts<'r>(pub(super) Vec<sqlx::QueryBuilder<'r, sqlx::Sqlite>>);

impl<'r> TableSink<'r> for Inserts<'r> {
    fn rows<T: SeedRow>(&mut self, rows: &'r [T]) {
        let head = format!("INSERT INTO {} ({}) ", T::TABLE, T::COLUMNS);
        for chunk in rows.chunks(rows_per_statement(T::COLUMNS)) {
            let mut insert = sqlx::QueryBuilder::new(&head);
            insert.push_values(chunk, |mut values, row| row.fields(&mut values));
            self.0.push(insert);
        }
    }
}

impl<'r> Fields<'r> for sqlx::query_builder::Separated<'_, 'r, sqlx::Sqlite, &'static str> {
    fn int(&mut self, value: i64) -> &mut Self {
        self.push_bind(value)
    }
    fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        self.push_bind(value)
    }
    fn text(&mut self, value: &'r str) -> &mut Self {
        self.push_bind(value)
    }
    fn opt_text(&mut self, value: Option<&'r str>) -> &mut Self {
        self.push_bind(value)
    }
    fn bool(&mut self, value: bool) -> &mut Self {
        self.push_bind(value)
    }
    fn date(&mut self, value: NaiveDate) -> &mut Self {
        self.push_bind(value)
    }
    fn opt_date(&mut self, value: Option<NaiveDate>) -> &mut Self {
        self.push_bind(value)
    }
    fn timestamp(&mut self, value: DateTime<Utc>) -> &mut Self {
        self.push_bind(value)
    }
}

/// SQLite: writes a batch in one transaction with multi-row INSERTs, parents before children.
/// (PostgreSQL takes the batch encoded for COPY, see [`copy_batch`].)
pub(super) async fn write_batch(pool: &sqlx::SqlitePool, batch: &Batch<'_>) -> Result<()> {
    let name_words = name_words(&batch.customers);
    let mut inserts = Inserts::default();
    batch.tables(&name_words, &mut inserts);
    let mut tx = pool.begin().await?;
    for mut insert in inserts.0 {
        insert.build().execute(&mut *tx).await?;
    }
    write_staff_and_demo_mark(&mut *tx, &batch.staff, batch.marks_demo).await?;
    tx.commit().await?;
    Ok(())
}
