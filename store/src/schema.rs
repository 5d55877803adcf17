//! The schema: migrations embedded per engine, and the indexes a bulk load may set aside.
//!
//! The migrations (`migrations/sqlite`, `migrations/postgres`: the same numbered files) own the
//! schema. A bulk load into empty tables on PostgreSQL may drop the plain indexes first and build
//! them once at the end (much faster than keeping them up to date row by row); what it dropped is
//! recorded here, in `app_meta`, in the same transaction, and built back here, by the load when it
//! ends and by [`Db::migrate`] when a load was stopped half-way. So the loader (the seed) asks
//! the schema to set indexes aside, and migrating never calls the loader.

use futures_util::{stream, StreamExt};

use crate::{Db, Result, StoreError};

impl Db {
    /// Applies the engine's migrations (`migrations/sqlite` or `migrations/postgres`), builds any
    /// indexes a stopped bulk load had set aside, and fills what a migration asks for that SQL
    /// cannot compute alike on both engines.
    ///
    /// # Errors
    /// When the database is unreachable or a migration fails.
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_to(i64::MAX).await?;
        if let Self::Postgres(pool) = self {
            build_set_aside_indexes(pool).await?;
        }
        self.fill_name_words().await
    }

    /// Applies the migrations numbered up to `version` only: a database as an earlier release
    /// left it, for the tests of a migration that converts its rows.
    ///
    /// # Errors
    /// When the database is unreachable or a migration fails.
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        fn upto(mut migrator: sqlx::migrate::Migrator, version: i64) -> sqlx::migrate::Migrator {
            let kept: Vec<_> = migrator
                .migrations
                .iter()
                .filter(|m| m.version <= version)
                .cloned()
                .collect();
            migrator.migrations = kept.into();
            migrator
        }
        let outcome = match self {
            Self::Sqlite(pool) => {
                upto(sqlx::migrate!("../migrations/sqlite"), version)
                    .run(pool)
                    .await
            }
            Self::Postgres(pool) => {
                upto(sqlx::migrate!("../migrations/postgres"), version)
                    .run(pool)
                    .await
            }
        };
        outcome.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(inner) => StoreError::from(inner),
            other => StoreError::Other(sqlx::Error::Migrate(Box::new(other))),
        })
    }
}

/// The `app_meta` key under which the indexes set aside for a bulk load are kept until they
/// are built again: one `index<TAB>table<TAB>statement that makes it` line per index.
const DEFERRED_INDEXES_KEY: &str = "seed_deferred_indexes";
/// Tables the seed writes, whose indexes are set aside when they are all empty.
const BULK_TABLES: [&str; 12] = [
    "customers",
    "customer_name_words",
    "billing_accounts",
    "lines",
    "roaming_settings",
    "line_addons",
    "allowance_usage",
    "usage_records",
    "credit_ledger",
    "invoices",
    "invoice_lines",
    "payments",
];
/// Memory for each index build (sorting) while the deferred indexes are built.
const INDEX_BUILD_MEMORY: &str = "256MB";
/// Tables whose indexes are built at a time (PostgreSQL adds parallel workers to large builds).
const INDEX_BUILDERS: usize = 2;

/// Into empty tables only: sets aside the indexes that the load would otherwise keep up to date
/// row by row (about half of what PostgreSQL spends on it), and [`build_set_aside_indexes`]
/// builds each in one sorted pass at the end. Those are the plain (not unique) indexes, and the
/// primary keys that no foreign key refers to (`usage_records`, `invoice_lines`, ...): the ids
/// the seed gives cannot repeat, so building them cannot fail. Unique indexes and referenced
/// keys stay. The definitions are PostgreSQL's own (`pg_get_indexdef`,
/// `pg_get_constraintdef`), saved in `app_meta` in the same transaction as the drop, so the
/// schema comes back exactly as the migrations made it, also when the seed is stopped half-way
/// (the next [`Db::migrate`] or seed builds them).
pub(crate) async fn set_aside_indexes_of_empty_tables(pool: &sqlx::PgPool) -> Result<()> {
    let mut tx = pool.begin().await?;
    for table in BULK_TABLES {
        let any: Option<i32> = sqlx::query_scalar(&format!("SELECT 1 FROM {table} LIMIT 1"))
            .fetch_optional(&mut *tx)
            .await?;
        if any.is_some() {
            return Ok(());
        }
    }
    // (index, table, statement that makes it, statement that drops it)
    let indexes: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT index_class.relname::text, table_class.relname::text, \
                CASE WHEN key.oid IS NULL THEN pg_get_indexdef(i.indexrelid) \
                     ELSE format('ALTER TABLE %I ADD CONSTRAINT %I %s', table_class.relname, \
                                 key.conname, pg_get_constraintdef(key.oid)) END, \
                CASE WHEN key.oid IS NULL THEN format('DROP INDEX %I', index_class.relname) \
                     ELSE format('ALTER TABLE %I DROP CONSTRAINT %I', table_class.relname, \
                                 key.conname) END \
         FROM pg_index i \
         JOIN pg_class index_class ON index_class.oid = i.indexrelid \
         JOIN pg_class table_class ON table_class.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = table_class.relnamespace \
         LEFT JOIN pg_constraint key \
                ON key.conindid = i.indexrelid AND key.conrelid = i.indrelid \
               AND key.contype IN ('p', 'u') \
         WHERE n.nspname = current_schema() AND table_class.relname = ANY($1) AND i.indisvalid \
           AND ((key.oid IS NULL AND NOT i.indisunique) \
                OR (key.contype = 'p' AND key.conname = index_class.relname \
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint f \
                                    WHERE f.contype = 'f' AND f.conindid = i.indexrelid))) \
         ORDER BY 1",
    )
    .bind(&BULK_TABLES[..])
    .fetch_all(&mut *tx)
    .await?;
    if indexes.is_empty() {
        return Ok(());
    }
    let saved: Vec<String> = indexes
        .iter()
        .map(|(name, table, create, _)| format!("{name}\t{table}\t{create}"))
        .collect();
    // Fails (unique key) if another seed has set indexes aside already: then this one keeps
    // them.
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2)")
        .bind(DEFERRED_INDEXES_KEY)
        .bind(saved.join("\n"))
        .execute(&mut *tx)
        .await?;
    for (_, _, _, drop) in &indexes {
        sqlx::query(drop).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Builds the indexes [`set_aside_indexes_of_empty_tables`] set aside, if any, then forgets them:
/// [`INDEX_BUILDERS`] tables at a time, the largest first, a table's primary key before its
/// other indexes. Runs after every seed on PostgreSQL, and from [`Db::migrate`] after a seed
/// that was stopped, so the schema is whole again whatever stopped the load.
///
/// # Errors
/// When the database fails; the definitions stay saved for the next try.
pub(crate) async fn build_set_aside_indexes(pool: &sqlx::PgPool) -> Result<()> {
    let saved: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(DEFERRED_INDEXES_KEY)
        .fetch_optional(pool)
        .await?;
    let Some(saved) = saved else {
        return Ok(());
    };
    // (table, its size, its missing indexes' statements); owned, so that the future stays
    // `Send` for any lifetime (`Db::migrate` runs in spawned tasks).
    let mut tables: Vec<(String, i64, Vec<String>)> = Vec::new();
    for entry in saved.lines() {
        let mut parts = entry.splitn(3, '\t');
        let (Some(name), Some(table), Some(create)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(crate::corrupt(DEFERRED_INDEXES_KEY));
        };
        // Built already (by a run stopped after some of them): skipped.
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relname = $1)",
        )
        .bind(name)
        .fetch_one(pool)
        .await?;
        if exists {
            continue;
        }
        match tables.iter_mut().find(|(t, _, _)| *t == table) {
            Some((_, _, statements)) => statements.push(create.to_string()),
            None => {
                let size: i64 =
                    sqlx::query_scalar("SELECT pg_table_size(to_regclass(quote_ident($1)))")
                        .bind(table)
                        .fetch_one(pool)
                        .await?;
                tables.push((table.to_string(), size, vec![create.to_string()]));
            }
        }
    }
    tables.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (_, _, statements) in &mut tables {
        // The primary key (ALTER TABLE) first: it locks the whole table.
        statements.sort_by_key(|statement| !statement.starts_with("ALTER TABLE"));
    }
    let built: Vec<Result<()>> = stream::iter(tables)
        .map(|(_, _, statements)| async move {
            for statement in statements {
                let mut tx = pool.begin().await?;
                sqlx::query(&format!(
                    "SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'"
                ))
                .execute(&mut *tx)
                .await?;
                sqlx::query(&statement).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            Ok(())
        })
        .buffer_unordered(INDEX_BUILDERS)
        .collect()
        .await;
    built.into_iter().collect::<Result<Vec<()>>>()?;
    sqlx::query("DELETE FROM app_meta WHERE key = $1")
        .bind(DEFERRED_INDEXES_KEY)
        .execute(pool)
        .await?;
    Ok(())
}
