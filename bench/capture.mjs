// Turns PostgreSQL statement logs of page views into pgbench scripts: `bench/sql/<page>.sql`.
//
// `bash bench/run --capture-sql` signs customers in, turns on `log_statement = 'all'` for the
// bench database, loads each page once per customer and saves, per view, the part of the log it
// wrote and the customer's row of `bench.customers` or `bench.invoices` (see bench/params.sql).
// This script reads them:
//
//   node bench/capture.mjs <capture dir> <output dir>
//
// where <capture dir>/<page>/ holds `meta.json` ({ path, table, database }) and per view `<n>.log`,
// `<n>.json` (the customer's row) and `<n>.at` (the view's time, epoch seconds).
//
// For each view it lists the statements the portal executed with their bound parameters and
// names each parameter by the customer's column holding the same value (`:cid`, `:tok`, ...),
// `:today` / `:now` for the date and time of the request, or else a constant (`:k1`, ...,
// passed with `-D`). Views whose statements and named parameters agree form one path through
// the code; the most common path becomes the page's script, and the others are described in its
// header, so a reader sees how far one script stands for all customers. A value that two
// columns share is ambiguous and that view is left out; a parameter that is a constant in one
// view but a customer's value in another splits the paths, so it cannot pass unnoticed.

import fs from 'node:fs';
import path from 'node:path';

const [captureDir, outDir] = process.argv.slice(2);
if (!captureDir || !outDir) {
  console.error('usage: node bench/capture.mjs <capture dir> <output dir>');
  process.exit(2);
}

// Columns of the bench tables that are bookkeeping, not parameters.
const NOT_PARAMETERS = new Set(['i', 'email', 'cookie']);
// A timestamp parameter this close to the view (seconds) is the request's "now".
const NOW_SLACK_SECONDS = 120;

/** Splits a log segment into messages: { pid, level, text }, continuation lines included. */
function messages(log, database) {
  // log_line_prefix = '%m [%p] %q%u@%d ' (Debian's default).
  const head = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (?:\S*@(\S*) )?([A-Z]+):  (.*)$/;
  const out = [];
  let current = null;
  for (const line of log.split('\n')) {
    const m = head.exec(line);
    if (m) {
      current = { pid: m[1], db: m[2], level: m[3], text: m[4] };
      out.push(current);
    } else if (current && line !== '') {
      current.text += '\n' + line;
    }
  }
  return out.filter((msg) => msg.db === database);
}

/** `$1 = '5000', $2 = NULL` → ['5000', null]. Quotes inside values are doubled in the log. */
function parameters(detail) {
  const values = [];
  const re = /\$(\d+) = (NULL|'((?:[^']|'')*)')(?:, |$)/gy;
  let m;
  while ((m = re.exec(detail)) !== null) {
    values[Number(m[1]) - 1] = m[2] === 'NULL' ? null : m[3].replace(/''/g, "'");
  }
  return values;
}

/** The statements of one view, in log order: { sql, params }. */
function statements(log, database) {
  const list = [];
  const lastByPid = new Map();
  for (const msg of messages(log, database)) {
    if (msg.level === 'LOG') {
      const m = /^(?:execute [^:]+|statement): ([\s\S]*)$/.exec(msg.text);
      if (!m) continue;
      const stmt = { sql: m[1].trim(), params: [] };
      list.push(stmt);
      lastByPid.set(msg.pid, stmt);
    } else if (msg.level === 'DETAIL' && msg.text.startsWith('parameters: ')) {
      const stmt = lastByPid.get(msg.pid);
      if (stmt) stmt.params = parameters(msg.text.slice('parameters: '.length));
    }
  }
  return list;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?\+00$/;

/** One spelling per value: timestamps without trailing zeros in the fraction. */
function normal(value) {
  if (value === null) return null;
  const m = TIMESTAMP.exec(value);
  if (!m) return value;
  const fraction = (m[3] || '').replace(/0+$/, '').replace(/^\.$/, '');
  return `${m[1]} ${m[2]}${fraction}+00`;
}

function epochOf(value) {
  const m = TIMESTAMP.exec(value ?? '');
  return m ? Date.parse(`${m[1]}T${m[2]}${m[3] || ''}Z`) / 1000 : NaN;
}

/** What a parameter is for this customer: a variable name, an ambiguity, or a constant. */
function nameOf(value, row, at) {
  if (value === null) return { constant: null };
  const v = normal(value);
  const names = Object.entries(row)
    .filter(([k, x]) => !NOT_PARAMETERS.has(k) && x !== null && normal(String(x)) === v)
    .map(([k]) => k);
  const today = new Date(at * 1000).toISOString().slice(0, 10);
  const globals = [];
  if (v === today) globals.push('today');
  if (Math.abs(epochOf(v) - at) <= NOW_SLACK_SECONDS) globals.push('now');
  if (names.length + globals.length > 1 && globals.length > 0) {
    return { ambiguous: [...names, ...globals] };
  }
  if (globals.length === 1) return { variable: globals[0] };
  // Columns that hold the same value for this customer (in the seed every customer has one
  // billing account, whose id is the customer's): the first column of the table is taken, and
  // the others are named in the script. A customer for whom they differ takes another path.
  if (names.length > 0) return { variable: names[0], ties: names.slice(1) };
  return { constant: value };
}

function describe(p) {
  if ('variable' in p) return ':' + p.variable;
  if ('ambiguous' in p) return '?' + p.ambiguous.join('|');
  return p.constant === null ? 'NULL' : `'${p.constant}'`;
}

/** The pgbench text of a statement: `$n` replaced by the variables named for it. */
function scriptOf(stmt, names, constants) {
  return stmt.sql.replace(/\$(\d+)/g, (_, n) => {
    const p = names[Number(n) - 1];
    if (p && 'variable' in p) return ':' + p.variable;
    // pgbench cannot pass NULL with -D: write it into the statement.
    if (p.constant === null) return 'NULL';
    if (!constants.has(p.constant)) constants.set(p.constant, `k${constants.size + 1}`);
    return ':' + constants.get(p.constant);
  });
}

const PAGES = fs
  .readdirSync(captureDir)
  .filter((d) => fs.existsSync(path.join(captureDir, d, 'meta.json')))
  .sort();
if (PAGES.length === 0) {
  console.error(`no captured pages in ${captureDir}`);
  process.exit(1);
}

let failed = false;
for (const page of PAGES) {
  const dir = path.join(captureDir, page);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  const views = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => f.slice(0, -4))
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => {
      const row = JSON.parse(fs.readFileSync(path.join(dir, `${n}.json`), 'utf8'));
      const at = Number(fs.readFileSync(path.join(dir, `${n}.at`), 'utf8'));
      const stmts = statements(fs.readFileSync(path.join(dir, `${n}.log`), 'utf8'), meta.database).map((s) => ({
        ...s,
        names: s.params.map((v) => nameOf(v, row, at)),
      }));
      const ambiguous = stmts.some((s) => s.names.some((p) => 'ambiguous' in p));
      // The path: the statements with their parameters' names, in an order-free form
      // (the portal runs some queries concurrently, so their order in the log varies).
      const key = stmts
        .map((s) => s.sql + '\u0001' + s.names.map(describe).join(','))
        .sort()
        .join('\u0002');
      return { n, row, stmts, ambiguous, key };
    });

  const paths = new Map();
  for (const v of views.filter((v) => !v.ambiguous)) {
    if (!paths.has(v.key)) paths.set(v.key, []);
    paths.get(v.key).push(v);
  }
  const ranked = [...paths.values()].sort((a, b) => b.length - a.length);
  const ambiguousViews = views.filter((v) => v.ambiguous).length;
  if (ranked.length === 0 || ranked[0].length < 2) {
    console.error(
      `${page}: no path taken by two customers (${views.length} views, ${ambiguousViews} ambiguous); ` +
        'capture more customers',
    );
    failed = true;
    continue;
  }
  const chosen = ranked[0];
  // The statements in the order they usually come: the portal runs some queries concurrently,
  // so the log's order varies from view to view; sorting by the mean position keeps the script
  // (and its diffs) stable from one capture to the next.
  const occurrenceKeys = (view) => {
    const seen = new Map();
    return view.stmts.map((s) => {
      const k = s.sql + '\u0001' + s.names.map(describe).join(',');
      seen.set(k, (seen.get(k) || 0) + 1);
      return `${k}\u0001${seen.get(k)}`;
    });
  };
  const positions = new Map();
  for (const view of chosen) {
    occurrenceKeys(view).forEach((k, i) => positions.set(k, (positions.get(k) || 0) + i));
  }
  const first = chosen[0];
  const order = occurrenceKeys(first).map((k, i) => ({ stmt: first.stmts[i], at: positions.get(k) }));
  order.sort((a, b) => a.at - b.at);
  const sample = { ...first, stmts: order.map((o) => o.stmt) };

  const constants = new Map();
  const body = sample.stmts.map((s) => scriptOf(s, s.names, constants) + ';');
  // Columns that were equal wherever the first of them was used: named once in the header.
  const ties = new Map();
  for (const p of sample.stmts.flatMap((s) => s.names)) {
    for (const t of p.ties || []) {
      if (!ties.has(p.variable)) ties.set(p.variable, new Set());
      ties.get(p.variable).add(t);
    }
  }
  for (const line of body) {
    // pgbench reads `:name` as a variable anywhere in a statement (casts `::` excepted).
    const stray = line.replace(/::/g, '').match(/:[A-Za-z_]\w*/g) || [];
    const known = new Set([...Object.keys(sample.row), 'today', 'now', ...constants.values()]);
    for (const s of stray) {
      if (!known.has(s.slice(1))) {
        console.error(`${page}: the statement uses ${s}, which pgbench would take for a variable`);
        failed = true;
      }
    }
  }

  // How another path differs: statements it runs more or fewer times, or with other names.
  const tally = (stmts) => {
    const m = new Map();
    for (const s of stmts) {
      const sql = s.sql.replace(/\s+/g, ' ');
      const k = (sql.length > 90 ? sql.slice(0, 90) + '…' : sql) + '  -- ' + s.names.map(describe).join(', ');
      m.set(k, (m.get(k) || 0) + 1);
    }
    return m;
  };
  const mine = tally(sample.stmts);
  const others = ranked.slice(1).map((group) => {
    const theirs = tally(group[0].stmts);
    const lines = [];
    for (const k of new Set([...mine.keys(), ...theirs.keys()])) {
      const d = (theirs.get(k) || 0) - (mine.get(k) || 0);
      if (d !== 0) lines.push(`--     ${d > 0 ? '+' : ''}${d} × ${k}`);
    }
    return [
      `--   ${group.length} view(s), e.g. customer ${group[0].row.cid}, ` +
        `${group[0].stmts.length} statements:`,
      ...lines,
    ].join('\n');
  });

  const table = meta.table;
  const rowsVar = table === 'bench.invoices' ? 'n_invoices' : 'n_customers';
  const header = [
    `-- ${meta.method || 'GET'} ${meta.path}: the SQL the portal issues for one view of the page, for`,
    `-- pgbench. Written by \`bash bench/run --capture-sql\` (bench/capture.mjs) from the statement`,
    `-- log of ${views.length} views by different customers; do not edit by hand.`,
    '--',
    `-- ${chosen.length} of ${views.length} views took exactly these statements; each parameter is named by`,
    `-- what it was: a column of ${table}, :today, :now, or a constant :kN.` +
      (ambiguousViews ? ` ${ambiguousViews} view(s) with a value two columns share were left out.` : ''),
    ...(others.length ? ['-- The other paths:', ...others] : ['-- Every view took this path.']),
    ...[...ties].map(
      ([name, same]) =>
        `-- :${name} also stands for ${[...same].join(', ')}: the same value in these views, so a ` +
        'parameter could be either.',
    ),
    '--',
    '-- Each transaction picks one of the signed-in customers at random (the `\\gset` line; bench/run',
    '-- subtracts its latency), then runs the statements one after another: the portal runs some',
    '-- of them concurrently on several connections, which changes latency, not the work. Not here:',
    "-- the session layer's `UPDATE sessions SET last_seen_at`, at most once a minute per session.",
    `-- bench/run passes -D ${rowsVar}=<rows of ${table}> -D today=<YYYY-MM-DD> -D now=<timestamp>`,
    '-- and these constants:',
    ...[...constants.entries()].map(
      ([value, name]) => `-- -D ${name}=${value}`,
    ),
  ];
  const script = [
    ...header,
    '',
    `\\set i random(1, :${rowsVar})`,
    `SELECT * FROM ${table} WHERE i = :i \\gset`,
    ...body,
    '',
  ].join('\n');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${page}.sql`), script);
  console.log(
    `${page}: ${sample.stmts.length} statements, taken by ${chosen.length} of ${views.length} views` +
      (ranked.length > 1 ? `, ${ranked.length - 1} other path(s)` : ''),
  );
}
process.exit(failed ? 1 : 0);
