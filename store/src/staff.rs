//! Staff sign-in and sessions, and the staff console's customer search.
//!
//! Staff sessions live in `sessions` beside customers' (`staff_id` set instead of
//! `customer_id`), so the same lookup, idle and absolute timeouts and purge apply; the server
//! reads them from a cookie of their own. A disabled member of staff neither signs in nor
//! keeps a session: [`Db::active_staff`] is asked on every request.
//!
//! The search answers [`CustomerMatch`]es only: a name and the lines, never more, because the
//! caller has not proved who they are yet. Every key it takes is read through an index on both
//! engines ([`Db::explain_customer_search`] shows the plans; the store tests check them).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{on_db, Db, Result};
use selfcare::auth::StaffRole;
use selfcare::customer::{CustomerMatch, MatchedLine};
use selfcare::ids::{CustomerId, CustomerQuery, Msisdn, StaffId};
use selfcare::locale::name_words;

/// A member of staff who may sign in, with the stored password hash (never sent anywhere).
#[derive(Clone, Debug)]
pub struct StaffCandidate {
    pub staff_id: StaffId,
    pub role: StaffRole,
    pub password_hash: String,
}

/// A member of staff who is not disabled, as the pages show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub id: StaffId,
    pub role: StaffRole,
    pub name: String,
    pub email: String,
}

/// A bound value of a search statement; the statements differ by key, not by engine.
#[derive(Clone, Debug)]
enum Arg {
    Text(String),
    Int(i64),
}

/// One SQL statement of the search and its arguments.
struct Statement {
    sql: String,
    args: Vec<Arg>,
}

macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(text) => query.bind(text.clone()),
                Arg::Int(int) => query.bind(*int),
            };
        }
        query
    }};
}

/// The first string after every string that begins with `prefix`, in bytewise order (SQLite's
/// BINARY collation; the column is `COLLATE "C"` in PostgreSQL for this).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// The statement finding the ids of the customers `query` names, in a stable order.
fn ids_statement(query: &CustomerQuery, limit: i64) -> Statement {
    match query {
        // The number a customer signs in with, or any of their lines' numbers.
        CustomerQuery::Phone(msisdn) => Statement {
            sql: "SELECT id FROM customers WHERE phone = $1 \
                  UNION SELECT customer_id FROM lines WHERE msisdn = $1"
                .into(),
            args: vec![Arg::Text(msisdn.as_str().into())],
        },
        CustomerQuery::Email(email) => Statement {
            sql: "SELECT id FROM customers WHERE email = $1".into(),
            args: vec![Arg::Text(email.clone())],
        },
        CustomerQuery::Account(account) => Statement {
            sql: "SELECT customer_id FROM billing_accounts WHERE id = $1".into(),
            args: vec![Arg::Int(account.get())],
        },
        CustomerQuery::Name(words) => {
            // The longest word drives the range scan (the fewest rows); the others must begin a
            // word of the same customer. Rows come in key order, so no sort of all matches.
            let mut words = words.clone();
            words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            let mut args = Vec::new();
            let mut sql = String::from(
                "SELECT w.customer_id FROM customer_name_words w WHERE w.word >= $1 AND w.word < $2",
            );
            for (i, word) in words.iter().enumerate() {
                args.push(Arg::Text(word.clone()));
                args.push(Arg::Text(prefix_end(word)));
                if i > 0 {
                    let (from, to) = (2 * i + 1, 2 * i + 2);
                    sql.push_str(&format!(
                        " AND EXISTS (SELECT 1 FROM customer_name_words o WHERE o.customer_id = w.customer_id \
                         AND o.word >= ${from} AND o.word < ${to})"
                    ));
                }
            }
            // A customer may match on two words ("Jan Janák"): read a few more rows than asked.
            sql.push_str(&format!(
                " ORDER BY w.word, w.customer_id LIMIT {}",
                limit.saturating_mul(3)
            ));
            Statement { sql, args }
        }
    }
}

/// `$1, $2, ...` for `n` values.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statements reading the names and the lines of the customers found.
fn detail_statements(ids: &[CustomerId]) -> [Statement; 2] {
    let args: Vec<Arg> = ids.iter().map(|id| Arg::Int(id.get())).collect();
    let list = placeholders(ids.len());
    [
        Statement {
            sql: format!("SELECT id, name FROM customers WHERE id IN ({list})"),
            args: args.clone(),
        },
        Statement {
            sql: format!(
                "SELECT customer_id, msisdn, label FROM lines WHERE customer_id IN ({list}) \
                 ORDER BY customer_id, msisdn"
            ),
            args,
        },
    ]
}

impl Db {
    /// The member of staff with this email who may sign in (not disabled).
    pub async fn staff_candidate(&self, email: &str) -> Result<Option<StaffCandidate>> {
        Ok(self
            .staff_login(email)
            .await?
            .map(|(staff_id, role, password_hash)| StaffCandidate {
                staff_id,
                role,
                password_hash,
            }))
    }

    /// The member of staff with this id, unless disabled.
    pub async fn active_staff(&self, id: StaffId) -> Result<Option<StaffMember>> {
        let row: Option<(StaffId, String, String, String)> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, role, name, email FROM staff_users WHERE id = $1 AND disabled_at IS NULL",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.and_then(|(id, role, name, email)| {
            StaffRole::parse(&role).map(|role| StaffMember {
                id,
                role,
                name,
                email,
            })
        }))
    }

    /// Starts a staff session; only the token's hash is stored.
    pub async fn create_staff_session(
        &self,
        staff: StaffId,
        token_hash: &str,
        now: DateTime<Utc>,
        ip: &str,
        user_agent: &str,
    ) -> Result<()> {
        self.insert_session("staff_id", staff.get(), token_hash, now, ip, user_agent)
            .await
    }

    /// The customers `query` names, at most `limit`, each with the name and lines only.
    /// Names come in the order of the word matched, then by id; the other keys name one
    /// customer (or two, when a line's number is another customer's sign-in number).
    pub async fn search_customers(
        &self,
        query: &CustomerQuery,
        limit: i64,
    ) -> Result<Vec<CustomerMatch>> {
        let ids = self.matching_ids(query, limit).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let [names, lines] = detail_statements(&ids);
        let names: Vec<(CustomerId, String)> = on_db!(self, |pool| {
            bind_args!(sqlx::query_as(&names.sql), &names.args)
                .fetch_all(pool)
                .await?
        });
        let lines: Vec<(CustomerId, String, Option<String>)> = on_db!(self, |pool| {
            bind_args!(sqlx::query_as(&lines.sql), &lines.args)
                .fetch_all(pool)
                .await?
        });
        let mut names: HashMap<CustomerId, String> = names.into_iter().collect();
        let mut found: Vec<CustomerMatch> = ids
            .iter()
            .filter_map(|id| {
                names.remove(id).map(|name| CustomerMatch {
                    id: *id,
                    name,
                    lines: Vec::new(),
                })
            })
            .collect();
        for (customer, msisdn, label) in lines {
            if let Some(m) = found.iter_mut().find(|m| m.id == customer) {
                m.lines.push(MatchedLine {
                    msisdn: Msisdn::from_stored(msisdn),
                    label,
                });
            }
        }
        Ok(found)
    }

    async fn matching_ids(&self, query: &CustomerQuery, limit: i64) -> Result<Vec<CustomerId>> {
        let statement = ids_statement(query, limit);
        let rows: Vec<CustomerId> = on_db!(self, |pool| {
            bind_args!(sqlx::query_scalar(&statement.sql), &statement.args)
                .fetch_all(pool)
                .await?
        });
        let mut ids: Vec<CustomerId> = Vec::new();
        for id in rows {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(ids)
    }

    /// The query plans of every statement [`Db::search_customers`] runs for `query`, one
    /// line per plan node (SQLite's `EXPLAIN QUERY PLAN` details, PostgreSQL's `EXPLAIN`
    /// text). PostgreSQL is asked with sequential scans discouraged, so that a small test
    /// database shows which index a large one would use, or a `Seq Scan` when there is none.
    pub async fn explain_customer_search(&self, query: &CustomerQuery) -> Result<Vec<String>> {
        let mut ids = self.matching_ids(query, 20).await?;
        if ids.is_empty() {
            ids.push(CustomerId::trusted(1));
        }
        let [names, lines] = detail_statements(&ids);
        let mut plan = Vec::new();
        for statement in [ids_statement(query, 20), names, lines] {
            plan.push(format!("-- {}", statement.sql));
            let explain_sqlite = format!("EXPLAIN QUERY PLAN {}", statement.sql);
            let explain_postgres = format!("EXPLAIN {}", statement.sql);
            match self {
                Db::Sqlite(pool) => {
                    let rows: Vec<(i64, i64, i64, String)> =
                        bind_args!(sqlx::query_as(&explain_sqlite), &statement.args)
                            .fetch_all(pool)
                            .await?;
                    plan.extend(rows.into_iter().map(|row| row.3));
                }
                Db::Postgres(pool) => {
                    let mut tx = pool.begin().await?;
                    sqlx::query("SET LOCAL enable_seqscan = off")
                        .execute(&mut *tx)
                        .await?;
                    let rows: Vec<String> =
                        bind_args!(sqlx::query_scalar(&explain_postgres), &statement.args)
                            .fetch_all(&mut *tx)
                            .await?;
                    tx.rollback().await?;
                    plan.extend(rows);
                }
            }
        }
        Ok(plan)
    }

    /// Fills `customer_name_words` for the customers that existed before migration 0007, once
    /// (the migration leaves the `name_words_pending` mark), a thousand customers a
    /// statement; a second run after an interruption inserts only what is missing.
    pub(crate) async fn fill_name_words(&self) -> Result<()> {
        let pending: Option<String> = on_db!(self, |pool| {
            sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'name_words_pending'")
                .fetch_optional(pool)
                .await?
        });
        if pending.is_none() {
            return Ok(());
        }
        let mut after = i64::MIN;
        loop {
            let rows: Vec<(i64, String)> = on_db!(self, |pool| {
                sqlx::query_as(
                    "SELECT id, name FROM customers WHERE id > $1 ORDER BY id LIMIT 1000",
                )
                .bind(after)
                .fetch_all(pool)
                .await?
            });
            let Some(last) = rows.last().map(|r| r.0) else {
                break;
            };
            let words: Vec<(String, i64)> = rows
                .iter()
                .flat_map(|(id, name)| name_words(name).into_iter().map(|w| (w, *id)))
                .collect();
            if !words.is_empty() {
                on_db!(self, |pool| {
                    let mut insert = sqlx::QueryBuilder::new(
                        "INSERT INTO customer_name_words (word, customer_id) ",
                    );
                    insert.push_values(&words, |mut row, (word, id)| {
                        row.push_bind(word).push_bind(id);
                    });
                    insert.push(" ON CONFLICT DO NOTHING");
                    insert.build().execute(pool).await?.rows_affected()
                });
            }
            after = last;
        }
        on_db!(self, |pool| {
            sqlx::query("DELETE FROM app_meta WHERE key = 'name_words_pending'")
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_range_holds_every_word_that_begins_so_and_no_other() {
        let end = prefix_end("nov");
        for word in ["nov", "novak", "novakova", "nov\u{17e}"] {
            assert!(word >= "nov" && word < end.as_str(), "{word}");
        }
        for word in ["no", "nou", "now", "ov"] {
            assert!(!(word >= "nov" && word < end.as_str()), "{word}");
        }
    }

    #[test]
    fn the_longest_word_typed_drives_a_name_search() {
        let query = CustomerQuery::Name(vec!["jan".into(), "novakova".into()]);
        let statement = ids_statement(&query, 20);
        assert!(matches!(&statement.args[0], Arg::Text(w) if w == "novakova"));
        assert!(statement.sql.contains("EXISTS"));
        assert!(statement.sql.ends_with("LIMIT 60"));
    }
}
