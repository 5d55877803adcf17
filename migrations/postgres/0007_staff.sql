-- The staff console: finding a customer by any word of their name, and staff sessions.
--
-- The words are computed in Rust (`selfcare::customer::name_words`: lower case, diacritics
-- removed), not with SQL's lower(), which lowers only ASCII in SQLite. Rows of customers that
-- exist before this migration are filled in by `Db::migrate` right after it (the app_meta row
-- below asks for that); the seed writes them with every new customer.
--
-- A word is found by its beginning with a range on the primary key (word >= 'nov' AND
-- word < 'nov' || U+10FFFF), read in key order; the second index answers "does this customer
-- also have a word beginning so" for the other words typed. Phone numbers, emails and account
-- numbers already have their indexes (lines.msisdn, customers.phone and .email are unique;
-- billing_accounts.id is the key).
CREATE TABLE customer_name_words (
    word TEXT COLLATE "C" NOT NULL,       -- bytewise, as in SQLite: the prefix range needs it
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    PRIMARY KEY (word, customer_id)
);
CREATE INDEX customer_name_words_customer ON customer_name_words (customer_id, word);

INSERT INTO app_meta (key, value) VALUES ('name_words_pending', '1');

CREATE INDEX sessions_staff ON sessions (staff_id);
