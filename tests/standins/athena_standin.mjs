#!/usr/bin/env node
// The Athena stand-in: a real process speaking Amazon Athena's AWS JSON 1.1 protocol on loopback.
//
// moto's Athena returns canned results, never pages, never fails a query and writes an unescaped CSV (measured, issue
// 12), so this process models the part of Athena OneOff relies on, with S3 on moto (another process, reached with the
// AWS SDK for JavaScript). It runs the SQL on DuckDB (npm @duckdb/node-api; this machine's Python has no DuckDB).
// See tests/standins/README.md, "The Athena stand-in"; in short:
//
// * Operations: StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution, ListQueryExecutions,
//   GetWorkGroup, CreateWorkGroup. SigV4 is not checked, but an Authorization header is required.
// * The catalog comes from the DDL the control plane sends (CREATE DATABASE, CREATE EXTERNAL TABLE ... STORED AS
//   PARQUET ... TBLPROPERTIES, DROP TABLE, ALTER TABLE ... SET TBLPROPERTIES); SHOW TBLPROPERTIES, DESCRIBE, SHOW
//   TABLES and SHOW DATABASES read it. It is kept in memory and in {work}/athena-catalog.json.
// * A SELECT has its ExecutionParameters bound to its `?`, injected projection enforced, its tables resolved through
//   the catalog and the storage.location.template, the run's Parquet objects fetched from S3 into a temp folder and
//   read with read_parquet(..., hive_partitioning = true), and the SQL run on DuckDB.
// * QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED on configurable delays; the result CSV and its .metadata at the
//   output location; GetQueryResults paged; result reuse; the workgroup's bytes-scanned cutoff.
// * Test-only endpoints: POST/GET/DELETE /_faults, GET/DELETE /_calls, GET /_catalog, POST /_clock, GET /_health.
//
// Sources are named beside each modelled behaviour:
//   [model]  the Athena service model (botocore athena/2017-05-18/service-2.json and the JS SDK's types), as
//            summarised in shared/aws-protocols.md s1
//   [api]    the Athena API reference page of the operation (docs.aws.amazon.com/athena/latest/APIReference/...)
//   [ug]     the Athena User Guide page named (docs.aws.amazon.com/athena/latest/ug/...)
//   [meas]   a reply measured on a real account by someone else, with where it was reported
//   [inf]    an inference of mine, not confirmed by AWS: a real account may differ
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// The SDK's notice about Node versions after 2026 is not the stand-in's business: keep its log for its own lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The packages live in tests/standins/npm (test.sh runs `npm ci` in every tests/*/npm).
const require = createRequire(path.join(HERE, 'npm', 'package.json'));
let duckdb;
let s3sdk;
try {
  duckdb = require('@duckdb/node-api');
  s3sdk = require('@aws-sdk/client-s3');
} catch (e) {
  process.stderr.write(`athena_standin: its npm packages are missing (${e.message.split('\n')[0]}); run: (cd ${path.join(HERE, 'npm')} && npm ci)\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const env = (name, fallback) => (process.env[name] !== undefined && process.env[name] !== '' ? process.env[name] : fallback);
  const o = {
    port: 0, portFile: null, host: '127.0.0.1', s3Endpoint: env('AWS_ENDPOINT_URL_S3', null), region: env('AWS_REGION', 'us-east-1'),
    work: null, bucket: 'oneoff-standin', prefix: 'oneoff', workgroup: 'oneoff-standin', outputLocation: null, database: null,
    bytesScannedCutoff: null, queueDelay: Number(env('ATHENA_STANDIN_QUEUE_DELAY', 0.05)),
    runDelay: Number(env('ATHENA_STANDIN_RUN_DELAY', 0.05)), cutoffState: 'CANCELLED',
  };
  const flags = {
    '--port': (v) => { o.port = Number(v); }, '--port-file': (v) => { o.portFile = v; }, '--host': (v) => { o.host = v; },
    '--s3-endpoint': (v) => { o.s3Endpoint = v; }, '--region': (v) => { o.region = v; }, '--work': (v) => { o.work = v; },
    '--bucket': (v) => { o.bucket = v; }, '--prefix': (v) => { o.prefix = v.replace(/^\/+|\/+$/g, ''); },
    '--workgroup': (v) => { o.workgroup = v; }, '--database': (v) => { o.database = v.toLowerCase(); }, '--output-location': (v) => { o.outputLocation = v; },
    '--bytes-scanned-cutoff': (v) => { o.bytesScannedCutoff = Number(v); },
    '--queue-delay': (v) => { o.queueDelay = Number(v); }, '--run-delay': (v) => { o.runDelay = Number(v); },
    '--cutoff-state': (v) => { o.cutoffState = v; },
  };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    if (name === '--help' || name === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    const set = flags[name];
    if (!set) fail(`unknown argument ${name}; see --help`);
    const value = inline !== undefined ? inline : argv[++i];
    if (value === undefined) fail(`${name} needs a value; see --help`);
    set(value);
  }
  if (!o.s3Endpoint) fail('--s3-endpoint (or AWS_ENDPOINT_URL_S3) is required: the S3 (moto) the runs and results live in');
  for (const [name, v] of [['--queue-delay', o.queueDelay], ['--run-delay', o.runDelay], ['--port', o.port]]) {
    if (!Number.isFinite(v) || v < 0) fail(`${name} must be a number >= 0, not ${v}`);
  }
  if (o.bytesScannedCutoff !== null && !(Number.isInteger(o.bytesScannedCutoff) && o.bytesScannedCutoff > 0)) {
    fail('--bytes-scanned-cutoff must be a whole number of bytes > 0');
  }
  if (!['CANCELLED', 'FAILED'].includes(o.cutoffState)) fail('--cutoff-state must be CANCELLED or FAILED');
  o.outputLocation = o.outputLocation || `s3://${o.bucket}/${o.prefix ? o.prefix + '/' : ''}athena-results/`;
  if (!o.outputLocation.endsWith('/')) o.outputLocation += '/';
  o.work = o.work || fs.mkdtempSync(path.join(os.tmpdir(), 'athena-standin-'));
  fs.mkdirSync(o.work, { recursive: true });
  return o;
}

const USAGE = `node athena_standin.mjs --s3-endpoint URL [--port 0] [--port-file F] [--work DIR] [--region R]
       [--bucket B] [--prefix P] [--workgroup NAME] [--database DB] [--output-location s3://...] [--bytes-scanned-cutoff BYTES]
       [--queue-delay S] [--run-delay S] [--cutoff-state CANCELLED|FAILED]
The workgroup NAME (default oneoff-standin) is created at start with its result location enforced
(default s3://B/P/athena-results/) and the optional per-query bytes-scanned cutoff; "primary" exists too.
--database DB creates that (empty) database at start, as a deployed stack's Glue database would be there.
`;

function fail(message) {
  process.stderr.write(`athena_standin: ${message}\n`);
  process.exit(2);
}

function log(message) {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------------------------------------------------------
// Errors and small helpers

class ApiError extends Error {
  constructor(type, message, status = 400, extra = {}) {
    super(message);
    this.type = type;
    this.status = status;
    this.extra = extra;
  }
}

// [model] InvalidRequestException {AthenaErrorCode, Message}; AthenaErrorCode INVALID_INPUT for bad arguments [inf].
const invalidRequest = (message, code = 'INVALID_INPUT') => new ApiError('InvalidRequestException', message, 400, { AthenaErrorCode: code });

// A query's failure: what GetQueryExecution reports in Status.StateChangeReason and Status.AthenaError.
class QueryFailure extends Error {
  constructor(message, category = 2, type = 1000, retryable = false, state = 'FAILED') {
    super(message);
    this.category = category;
    this.errorType = type;
    this.retryable = retryable;
    this.state = state;
  }
}

// [ug] "Athena error catalog" (error-reference.html): ErrorCategory 1 SYSTEM, 2 USER, 3 OTHER; ErrorType 100
// "Internal service error", 1000 "User error", 1003 "DDL task failed". 1006 for "Incorrect number of parameters"
// is [meas] aws/aws-sdk-js-v3#3837 ({"ErrorCategory":2,"ErrorMessage":"Incorrect number of parameters: expected 1
// but found 0","ErrorType":1006,"Retryable":false}). Which ErrorType Athena gives the other user errors is [inf].
const userError = (message, type = 1000) => new QueryFailure(message, 2, type, false);
const ddlError = (message) => new QueryFailure(message, 2, 1003, false);

const nowMs = () => Date.now() + state.clockOffsetMs;
const epoch = (ms) => (ms == null ? undefined : ms / 1000); // [model] timestamps are epoch seconds, fractional
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function s3Parts(uri) {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri || '');
  if (!m) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: m[1], key: m[2] };
}

// ---------------------------------------------------------------------------------------------------------------
// State

const state = {
  workgroups: new Map(),
  databases: new Map(), // name -> Map(table name -> table)
  executions: new Map(),
  order: [],
  tokens: new Map(), // ClientRequestToken -> {id, fingerprint}
  faults: { throttle: [], queryFailure: [], slowQueue: [], slowRun: [] },
  calls: {},
  clockOffsetMs: 0,
};

const CATALOG_FILE = path.join(opts.work, 'athena-catalog.json');

function saveCatalog() {
  const databases = {};
  for (const [name, tables] of state.databases) databases[name] = Object.fromEntries(tables);
  const workgroups = Object.fromEntries(state.workgroups);
  fs.writeFileSync(CATALOG_FILE + '.tmp', JSON.stringify({ databases, workgroups }, null, 1));
  fs.renameSync(CATALOG_FILE + '.tmp', CATALOG_FILE);
}

function loadCatalog() {
  if (!fs.existsSync(CATALOG_FILE)) return;
  const saved = JSON.parse(fs.readFileSync(CATALOG_FILE, 'utf8'));
  for (const [name, tables] of Object.entries(saved.databases || {})) state.databases.set(name, new Map(Object.entries(tables)));
  for (const [name, wg] of Object.entries(saved.workgroups || {})) state.workgroups.set(name, wg);
  log(`catalog restored from ${CATALOG_FILE}: ${state.databases.size} database(s)`);
}

function addWorkGroup(name, configuration, description = '') {
  state.workgroups.set(name, {
    Name: name, State: 'ENABLED', Description: description, CreationTime: nowMs(),
    Configuration: {
      ResultConfiguration: configuration.ResultConfiguration || {},
      EnforceWorkGroupConfiguration: configuration.EnforceWorkGroupConfiguration ?? true, // [api] CreateWorkGroup: default true
      PublishCloudWatchMetricsEnabled: configuration.PublishCloudWatchMetricsEnabled ?? false,
      ...(configuration.BytesScannedCutoffPerQuery ? { BytesScannedCutoffPerQuery: configuration.BytesScannedCutoffPerQuery } : {}),
      RequesterPaysEnabled: configuration.RequesterPaysEnabled ?? false,
      // [model] EngineVersion {SelectedEngineVersion, EffectiveEngineVersion}; engine v3 (ARCHITECTURE "Deploying").
      EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
    },
  });
}

loadCatalog();
// [ug] "How workgroups work": every account has a "primary" workgroup, which cannot be deleted; it has no result
// location until one is set.
if (!state.workgroups.has('primary')) addWorkGroup('primary', { EnforceWorkGroupConfiguration: false });
// The deployment's workgroup, as deploy/'s template makes it: enforced result location and an optional cutoff.
addWorkGroup(opts.workgroup, {
  ResultConfiguration: { OutputLocation: opts.outputLocation }, EnforceWorkGroupConfiguration: true,
  BytesScannedCutoffPerQuery: opts.bytesScannedCutoff || undefined,
}, 'OneOff stand-in workgroup');
// What deploy/'s template provides beside the workgroup: the Glue database (the tables are the control plane's).
if (opts.database && !state.databases.has(opts.database)) state.databases.set(opts.database, new Map());
saveCatalog();

const instance = await duckdb.DuckDBInstance.create(':memory:');
const s3 = new s3sdk.S3Client({
  endpoint: opts.s3Endpoint, region: opts.region, forcePathStyle: true,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'testing', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'testing' },
});

// ---------------------------------------------------------------------------------------------------------------
// SQL tokens (Trino/Hive lexical rules enough for the catalog SQL and the engine's DDL)

const KEYWORDS_AFTER_TABLE = new Set(['where', 'group', 'order', 'limit', 'having', 'union', 'intersect', 'except', 'join', 'inner',
  'left', 'right', 'full', 'cross', 'on', 'using', 'offset', 'fetch', 'window', 'natural']);

function tokenize(sql) {
  const tokens = [];
  let i = 0;
  const push = (type, end) => { tokens.push({ type, text: sql.slice(i, end), start: i, end }); i = end; };
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      let j = i; while (j < sql.length && /\s/.test(sql[j])) j++; push('ws', j);
    } else if (c === '-' && sql[i + 1] === '-') {
      let j = sql.indexOf('\n', i); if (j < 0) j = sql.length; push('ws', j);
    } else if (c === '/' && sql[i + 1] === '*') {
      let j = sql.indexOf('*/', i + 2); j = j < 0 ? sql.length : j + 2; push('ws', j);
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw userError(`line 1:${i + 1}: mismatched input '${c}'. Unterminated ${c === "'" ? 'string literal' : 'quoted identifier'}`, 1006);
        if (sql[j] === c) { if (sql[j + 1] === c) { j += 2; continue; } j++; break; }
        j++;
      }
      push(c === "'" ? 'str' : 'qident', j);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] || ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(sql.slice(i)); push('num', i + m[0].length);
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i)); push('ident', i + m[0].length);
    } else if (c === '?') {
      push('param', i + 1);
    } else {
      const two = sql.slice(i, i + 2);
      push('op', ['<=', '>=', '<>', '!=', '||', '=>'].includes(two) ? i + 2 : i + 1);
    }
  }
  return tokens;
}

const solid = (tokens) => tokens.filter((t) => t.type !== 'ws');
const kw = (t, word) => t && t.type === 'ident' && t.text.toLowerCase() === word;
const unquote = (t) => (t.type === 'qident' ? t.text.slice(1, -1).replaceAll(t.text[0] + t.text[0], t.text[0]) : t.text);
const stringValue = (t) => t.text.slice(1, -1).replaceAll("''", "'");
const isName = (t) => t && (t.type === 'ident' || t.type === 'qident');

// A cursor over the solid tokens of one statement, for the DDL.
class Cursor {
  constructor(tokens) { this.t = tokens; this.i = 0; }
  peek(k = 0) { return this.t[this.i + k]; }
  next() { return this.t[this.i++]; }
  done() { return this.i >= this.t.length || (this.i === this.t.length - 1 && this.t[this.i].text === ';'); }
  accept(...words) {
    for (let k = 0; k < words.length; k++) if (!kw(this.peek(k), words[k])) return false;
    this.i += words.length; return true;
  }
  expect(...words) {
    if (!this.accept(...words)) throw ddlError(`FAILED: ParseException line 1:${(this.peek()?.start ?? 0) + 1} mismatched input '${this.peek()?.text ?? '<EOF>'}' expecting ${words.join(' ').toUpperCase()}`);
  }
  op(text) { if (this.peek()?.text === text) { this.i++; return true; } return false; }
  expectOp(text) { if (!this.op(text)) throw ddlError(`FAILED: ParseException line 1:${(this.peek()?.start ?? 0) + 1} missing '${text}' at '${this.peek()?.text ?? '<EOF>'}'`); }
  name() {
    const t = this.next();
    if (!isName(t)) throw ddlError(`FAILED: ParseException line 1:${(t?.start ?? 0) + 1} cannot recognize input near '${t?.text ?? '<EOF>'}'`);
    return unquote(t).toLowerCase(); // Athena lower-cases database, table and column names [ug "Names for tables, databases, and columns"]
  }
  qualified(defaultDb) {
    const first = this.name();
    if (this.op('.')) return { db: first, table: this.name() };
    return { db: defaultDb, table: first };
  }
  string() {
    const t = this.next();
    if (!t || t.type !== 'str') throw ddlError(`FAILED: ParseException line 1:${(t?.start ?? 0) + 1} mismatched input '${t?.text ?? '<EOF>'}' expecting StringLiteral`);
    return stringValue(t);
  }
  // A column type up to the next ',' or ')' at depth 0: decimal(10,2), array<string>, struct<a:int,b:string>.
  type() {
    let depth = 0; const parts = [];
    while (!this.done()) {
      const t = this.peek();
      if (depth === 0 && (t.text === ',' || t.text === ')' || kw(t, 'comment'))) break;
      if (t.text === '(' || t.text === '<') depth++;
      if (t.text === ')' || t.text === '>') depth--;
      parts.push(t.text); this.i++;
    }
    if (!parts.length) throw ddlError(`FAILED: ParseException line 1:${(this.peek()?.start ?? 0) + 1} missing column type`);
    return parts.join('').toLowerCase();
  }
  columns() {
    const cols = [];
    this.expectOp('(');
    do {
      const name = this.name(); const type = this.type();
      if (this.accept('comment')) this.string();
      cols.push({ name, type });
    } while (this.op(','));
    this.expectOp(')');
    return cols;
  }
  properties() {
    const props = {};
    this.expectOp('(');
    do { const k = this.string(); this.expectOp('='); props[k] = this.string(); } while (this.op(','));
    this.expectOp(')');
    return props;
  }
}

// Hive column types -> DuckDB types (Athena UG "Data types in Amazon Athena").
function duckType(hive) {
  const t = hive.toLowerCase();
  const simple = { string: 'VARCHAR', varchar: 'VARCHAR', char: 'VARCHAR', int: 'INTEGER', integer: 'INTEGER', bigint: 'BIGINT',
    smallint: 'SMALLINT', tinyint: 'TINYINT', double: 'DOUBLE', float: 'FLOAT', real: 'FLOAT', boolean: 'BOOLEAN', date: 'DATE',
    timestamp: 'TIMESTAMP', binary: 'BLOB' };
  const base = t.replace(/\(.*$/, '');
  if (base === 'decimal') return t.toUpperCase();
  if (simple[base]) return simple[base];
  throw ddlError(`FAILED: the Athena stand-in does not model the column type '${hive}' (string, int, bigint, smallint, tinyint, double, float, boolean, date, timestamp, decimal)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Statements

function classify(tokens) {
  const first = tokens[0]?.text.toLowerCase();
  // [model] StatementType DDL | DML | UTILITY; [ug] "Working with query results": SHOW/DESCRIBE are UTILITY.
  if (['create', 'drop', 'alter', 'msck'].includes(first)) {
    if (first === 'create' && kw(tokens[1], 'table') && tokens.some((t) => kw(t, 'as'))) return 'DML'; // CTAS
    return 'DDL';
  }
  if (['show', 'describe', 'desc', 'explain'].includes(first)) return 'UTILITY';
  return 'DML';
}

function substatement(tokens, type) {
  const words = tokens.slice(0, 3).map((t) => t.text.toUpperCase());
  if (type === 'DML') return words[0] === 'WITH' ? 'SELECT' : words[0];
  if (words[1] === 'EXTERNAL') return `${words[0]}_TABLE`;
  return `${words[0]}_${words[1]}`;
}

function table(db, name) {
  return state.databases.get(db)?.get(name);
}

function requireDatabase(db) {
  // Hive's message for a missing database [inf: the text Athena relays from its Hive DDL engine].
  if (!state.databases.has(db)) throw ddlError(`FAILED: SemanticException [Error 10072]: Database does not exist: ${db}`);
}

function runDdl(tokens, context) {
  const c = new Cursor(tokens);
  const defaultDb = (context.Database || 'default').toLowerCase();
  if (c.accept('create', 'database') || c.accept('create', 'schema')) {
    const ifNot = c.accept('if', 'not', 'exists');
    const name = c.name();
    if (state.databases.has(name)) {
      if (!ifNot) throw ddlError(`FAILED: AlreadyExistsException: Database ${name} already exists`); // [inf]
    } else {
      state.databases.set(name, new Map());
      saveCatalog();
    }
    return [];
  }
  if (c.accept('create', 'external', 'table')) {
    const ifNot = c.accept('if', 'not', 'exists');
    const { db, table: name } = c.qualified(defaultDb);
    const t = { database: db, name, columns: c.columns(), partitions: [], location: null, format: null, properties: {}, created: nowMs() };
    for (;;) {
      if (c.accept('comment')) c.string();
      else if (c.accept('partitioned', 'by')) t.partitions = c.columns();
      else if (c.accept('row', 'format')) { while (!c.done() && !kw(c.peek(), 'stored') && !kw(c.peek(), 'location')) c.next(); }
      else if (c.accept('stored', 'as')) t.format = c.name();
      else if (c.accept('location')) t.location = c.string();
      else if (c.accept('tblproperties')) t.properties = c.properties();
      else break;
    }
    if (!c.done()) throw ddlError(`FAILED: ParseException line 1:${c.peek().start + 1} extraneous input '${c.peek().text}'`);
    requireDatabase(db);
    for (const col of [...t.columns, ...t.partitions]) col.duck = duckType(col.type);
    if (t.format !== 'parquet') throw ddlError(`FAILED: the Athena stand-in reads only STORED AS PARQUET tables, not ${t.format || 'a table without STORED AS'}`);
    if (!t.location) throw ddlError('FAILED: SemanticException [Error 10043]: LOCATION is required for an external table'); // [inf]
    const clash = t.partitions.find((p) => t.columns.some((col) => col.name === p.name));
    // Hive: "Column repeated in partitioning columns" (a partition column may not also be a data column) [inf: text].
    if (clash) throw ddlError(`FAILED: SemanticException [Error 10035]: Column repeated in partitioning columns: ${clash.name}`);
    checkProjection(t);
    if (table(db, name)) {
      if (!ifNot) throw ddlError(`FAILED: AlreadyExistsException: Table ${db}.${name} already exists`); // [inf]
      return [];
    }
    state.databases.get(db).set(name, t);
    saveCatalog();
    return [];
  }
  if (c.accept('create', 'table')) {
    // [ug] "CREATE TABLE": a Hive table must be EXTERNAL (Iceberg tables aside) [inf: the message].
    throw ddlError('FAILED: Athena requires CREATE EXTERNAL TABLE for a Hive table (non-external tables are only for Iceberg)');
  }
  if (c.accept('drop', 'table')) {
    const ifExists = c.accept('if', 'exists');
    const { db, table: name } = c.qualified(defaultDb);
    if (!table(db, name)) {
      if (!ifExists) throw ddlError(`FAILED: SemanticException [Error 10001]: Table not found ${db}.${name}`); // [inf]
      return [];
    }
    // [ug] "DROP TABLE": for an external table the data in S3 stays; only the metadata goes.
    state.databases.get(db).delete(name);
    saveCatalog();
    return [];
  }
  if (c.accept('drop', 'database') || c.accept('drop', 'schema')) {
    const ifExists = c.accept('if', 'exists');
    const name = c.name();
    const cascade = c.accept('cascade');
    if (!state.databases.has(name)) {
      if (!ifExists) throw ddlError(`FAILED: SemanticException [Error 10072]: Database does not exist: ${name}`);
      return [];
    }
    if (state.databases.get(name).size && !cascade) {
      throw ddlError(`FAILED: InvalidOperationException(message:Database ${name} is not empty. One or more tables exist.)`); // [inf]
    }
    state.databases.delete(name);
    saveCatalog();
    return [];
  }
  if (c.accept('alter', 'table')) {
    const { db, table: name } = c.qualified(defaultDb);
    const t = table(db, name);
    if (!t) throw ddlError(`FAILED: SemanticException [Error 10001]: Table not found ${db}.${name}`);
    c.expect('set', 'tblproperties');
    const props = c.properties();
    const updated = { ...t, properties: { ...t.properties, ...props } };
    checkProjection(updated);
    state.databases.get(db).set(name, updated);
    saveCatalog();
    return [];
  }
  throw ddlError(`FAILED: the Athena stand-in does not model this DDL statement: ${tokens.slice(0, 4).map((t) => t.text).join(' ')} ...`);
}

// [ug] "Supported types for partition projection" / "Setting up partition projection": every partition column of a
// table with projection.enabled needs projection.<col>.type; a missing one fails ("HIVE_METASTORE_ERROR ... missing
// projection configuration", shared/aws-protocols.md s2.4). The template needs a ${col} per partition column.
function checkProjection(t) {
  if (t.properties['projection.enabled'] !== 'true') return;
  for (const p of t.partitions) {
    const type = t.properties[`projection.${p.name}.type`];
    if (!['injected', 'enum', 'integer'].includes(type)) {
      throw ddlError(`FAILED: the Athena stand-in models projection types injected, enum and integer; column ${p.name} has ${type ? `'${type}'` : 'none'} (on Athena a query would fail with HIVE_METASTORE_ERROR: missing projection configuration)`);
    }
  }
  const template = t.properties['storage.location.template'];
  if (template) {
    for (const p of t.partitions) {
      if (!template.includes(`\${${p.name}}`)) throw ddlError(`FAILED: storage.location.template must contain \${${p.name}} for the partition column ${p.name}`);
    }
  }
}

function runUtility(tokens, context) {
  const c = new Cursor(tokens);
  const defaultDb = (context.Database || 'default').toLowerCase();
  // [meas] uber/athenadriver UndocumentedAthena.md: DESCRIBE/SHOW results are one tab-joined field per row, no header.
  if (c.accept('show', 'tblproperties')) {
    const { db, table: name } = c.qualified(defaultDb);
    const t = requireTable(db, name);
    if (c.op('(')) {
      const key = c.string();
      c.expectOp(')');
      // [ug] "SHOW TBLPROPERTIES": "If included, only the value of the property named property_name is listed."
      // A property the table lacks: Hive's line "Table db.t does not have property: k" [inf: Athena relays Hive's].
      const value = Object.hasOwn(t.properties, key) ? t.properties[key] : `Table ${db}.${name} does not have property: ${key}`;
      return { columns: [{ name: 'prpt_value', duck: 'VARCHAR' }], rows: [[value]] };
    }
    return { columns: [{ name: 'prpt_name', duck: 'VARCHAR' }], rows: Object.entries(t.properties).map(([k, v]) => [`${k}\t${v}`]) };
  }
  if (c.accept('describe') || c.accept('desc')) {
    c.accept('formatted'); c.accept('extended');
    const { db, table: name } = c.qualified(defaultDb);
    const t = requireTable(db, name);
    // Hive's DESCRIBE layout: col_name, data_type, comment; then the partition information block [inf: spacing].
    const rows = t.columns.concat(t.partitions).map((col) => [`${col.name.padEnd(20)}\t${col.type.padEnd(20)}\t`]);
    if (t.partitions.length) {
      rows.push([''], ['# Partition Information'], [`${'# col_name'.padEnd(20)}\t${'data_type'.padEnd(20)}\tcomment`], ['']);
      for (const p of t.partitions) rows.push([`${p.name.padEnd(20)}\t${p.type.padEnd(20)}\t`]);
    }
    return { columns: [{ name: 'col_name', duck: 'VARCHAR' }], rows };
  }
  if (c.accept('show', 'tables')) {
    const db = c.accept('in') || c.accept('from') ? c.name() : defaultDb;
    requireDatabase(db);
    return { columns: [{ name: 'tab_name', duck: 'VARCHAR' }], rows: [...state.databases.get(db).keys()].sort().map((n) => [n]) };
  }
  if (c.accept('show', 'databases') || c.accept('show', 'schemas')) {
    return { columns: [{ name: 'database_name', duck: 'VARCHAR' }], rows: [...state.databases.keys()].sort().map((n) => [n]) };
  }
  throw userError(`the Athena stand-in does not model this statement: ${tokens.slice(0, 3).map((t) => t.text).join(' ')} ...`);
}

function requireTable(db, name) {
  const t = table(db, name);
  // Trino's analysis error for an unknown table [inf: Athena engine v3 relays Trino's TABLE_NOT_FOUND text].
  if (!t) throw userError(`TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.${db}.${name}' does not exist`);
  return t;
}

// ---------------------------------------------------------------------------------------------------------------
// SELECT: parameters, table references, injected projection, fetching the objects, DuckDB

// An ExecutionParameters value is SQL literal text ([ug] "Querying with parameterized queries": a string is
// "'abc'", a number "42"), bound in order to the `?` of the statement. The stand-in accepts literals only: numbers,
// quoted strings, true/false/null, and typed literals such as DATE '2024-01-01' [inf: Athena accepts constant
// expressions too].
const LITERAL = /^\s*(?:-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|'(?:[^']|'')*'|true|false|null|(?:date|timestamp|decimal|varchar|char|real|double|bigint|integer|smallint|tinyint)\s+'(?:[^']|'')*')\s*$/i;

function bindParameters(allTokens, parameters) {
  const params = allTokens.filter((t) => t.type === 'param');
  if (params.length !== parameters.length) {
    // [meas] aws/aws-sdk-js-v3#3837: the query FAILS (ErrorCategory 2, ErrorType 1006, not retryable) with
    // "Incorrect number of parameters: expected 1 but found 0"; andreossido/laravel-odbc#2 shows the reason's
    // prefix: "SYNTAX_ERROR: line 1:1: Incorrect number of parameters: expected 1 but found 0".
    throw new QueryFailure(`SYNTAX_ERROR: line 1:1: Incorrect number of parameters: expected ${params.length} but found ${parameters.length}`, 2, 1006, false);
  }
  params.forEach((t, n) => {
    const value = parameters[n];
    if (!LITERAL.test(value)) {
      throw userError(`INVALID_PARAMETER_USAGE: line 1:1: execution parameter ${n + 1} (${JSON.stringify(value)}) is not a SQL literal: pass a string quoted ('abc'), a number bare (42) [the stand-in's wording]`, 1006);
    }
    t.bound = value.trim();
  });
}

// Every FROM/JOIN reference to a named table, with the WHERE clause of its SELECT block.
function tableReferences(tokens) {
  const refs = [];
  const depthAt = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(') { depthAt.push(depth); depth++; continue; }
    if (t.text === ')') { depth--; depthAt.push(depth); continue; }
    depthAt.push(depth);
  }
  for (let i = 0; i < tokens.length; i++) {
    if (!(kw(tokens[i], 'from') || kw(tokens[i], 'join')) || !isName(tokens[i + 1])) continue;
    const start = i + 1;
    let end = start + 1;
    const parts = [unquote(tokens[start]).toLowerCase()];
    while (tokens[end]?.text === '.' && isName(tokens[end + 1])) { parts.push(unquote(tokens[end + 1]).toLowerCase()); end += 2; }
    if (tokens[end]?.text === '(') continue; // a table function such as read_parquet(...): not a table
    const d = depthAt[i];
    // The WHERE of this block: the next WHERE at the same depth before the block ends.
    let where = null;
    for (let j = end; j < tokens.length; j++) {
      if (depthAt[j] < d || (depthAt[j] === d && ['union', 'intersect', 'except'].some((w) => kw(tokens[j], w)))) break;
      if (depthAt[j] === d && kw(tokens[j], 'where')) {
        let k = j + 1;
        while (k < tokens.length && depthAt[k] >= d && !(depthAt[k] === d && ['group', 'order', 'limit', 'having', 'union', 'intersect', 'except', 'offset', 'fetch', 'window'].some((w) => kw(tokens[k], w)))) {
          if (depthAt[k] === d && tokens[k].text === ';') break;
          k++;
        }
        where = tokens.slice(j + 1, k);
        break;
      }
    }
    const catalogParts = parts.length === 3 ? parts.slice(1) : parts; // awsdatacatalog.db.t
    refs.push({ start, end, name: catalogParts, where: where || [] });
  }
  return refs;
}

// The conjuncts of a WHERE clause (split at top-level AND; BETWEEN x AND y kept whole). A clause with a top-level OR is
// one conjunct: AND binds tighter than OR, so `a AND b OR c` constrains nothing by itself.
function conjuncts(clause) {
  let level = 0;
  for (const t of clause) {
    if (t.text === '(') level++;
    if (t.text === ')') level--;
    if (level === 0 && kw(t, 'or')) return [clause];
  }
  const out = [];
  let cur = [];
  let depth = 0;
  let between = false;
  for (const t of clause) {
    if (t.text === '(') depth++;
    if (t.text === ')') depth--;
    if (depth === 0 && kw(t, 'between')) between = true;
    if (depth === 0 && kw(t, 'and')) {
      if (between) { between = false; cur.push(t); continue; }
      out.push(cur); cur = []; continue;
    }
    cur.push(t);
  }
  if (cur.length) out.push(cur);
  // (a AND b) as a whole conjunct: unwrap and split again.
  return out.flatMap((c) => (c.length > 2 && c[0].text === '(' && c[c.length - 1].text === ')' && balanced(c.slice(1, -1)) ? conjuncts(c.slice(1, -1)) : [c]));
}

function balanced(tokens) {
  let d = 0;
  for (const t of tokens) { if (t.text === '(') d++; if (t.text === ')') d--; if (d < 0) return false; }
  return d === 0;
}

// The value of a literal token run (after binding), or undefined when it is not one static literal.
function literalValue(tokens) {
  const text = tokens.map((t) => t.bound ?? t.text).join(' ').trim();
  if (!LITERAL.test(text) || /^null$/i.test(text)) return undefined;
  const m = /'((?:[^']|'')*)'\s*$/.exec(text);
  return m ? m[1].replaceAll("''", "'") : text.replace(/\s+/g, '');
}

const mentions = (tokens, column) => tokens.some((t, i) => isName(t) && unquote(t).toLowerCase() === column && tokens[i + 1]?.text !== '(');

// The static values a WHERE clause gives a column: {values: array, or null when it gives none; other: true when the
// column is also constrained by something that is not a static equality (which the injected-projection rule refuses)}.
function staticValues(where, column) {
  let values = null;
  let other = false;
  for (const conj of conjuncts(where)) {
    if (!mentions(conj, column)) continue;
    const colLen = conj[1]?.text === '.' ? 3 : 1; // t.run_id
    const isCol = isName(conj[colLen - 1]) && unquote(conj[colLen - 1]).toLowerCase() === column;
    let found;
    if (isCol && conj[colLen]?.text === '=') found = [literalValue(conj.slice(colLen + 1))];
    else if (isCol && kw(conj[colLen], 'in') && conj[colLen + 1]?.text === '(' && conj[conj.length - 1].text === ')') {
      const inner = conj.slice(colLen + 2, -1);
      const items = [];
      let cur = [];
      for (const t of inner) { if (t.text === ',') { items.push(cur); cur = []; } else cur.push(t); }
      items.push(cur);
      found = items.map(literalValue);
    } else if (conj[conj.length - 1] && isName(conj[conj.length - 1]) && unquote(conj[conj.length - 1]).toLowerCase() === column && conj[conj.length - 2]?.text === '=') {
      found = [literalValue(conj.slice(0, conj[conj.length - 3]?.text === '.' ? -4 : -2))];
    }
    if (!found || found.some((v) => v === undefined)) {
      other = true;
      continue;
    }
    found = [...new Set(found)]; // IN (3, 3) is one partition
    values = values === null ? found : values.filter((v) => found.includes(v));
  }
  return { values, other };
}

function projectionValues(t, where) {
  // [ug] "Use dynamic ID partitioning" (partition-projection-dynamic-id-partitioning.html): "queries on the table must
  // include at least one static equality value ... for each injected column", else they fail with (shared/aws-protocols.md
  // s2.4) "CONSTRAINT_VIOLATION: For the injected projected partition column <col>, the WHERE clause must contain only
  // static equality conditions, and at least one such condition must be present."
  const combos = [{}];
  for (const p of t.partitions) {
    const type = t.properties['projection.enabled'] === 'true' ? t.properties[`projection.${p.name}.type`] : null;
    let values;
    if (type === 'injected') {
      const given = staticValues(where, p.name);
      values = given.other ? null : given.values;
      if (!values) {
        throw userError(`CONSTRAINT_VIOLATION: For the injected projected partition column ${p.name}, the WHERE clause must contain only static equality conditions, and at least one such condition must be present.`);
      }
    } else if (type === 'enum') {
      // [ug] "Supported types for partition projection": enum values from projection.<col>.values.
      const all = (t.properties[`projection.${p.name}.values`] || '').split(',').map((s) => s.trim()).filter(Boolean);
      const given = safeStatic(where, p.name);
      values = given ? all.filter((v) => given.includes(v)) : all;
    } else if (type === 'integer') {
      // [ug] same page: projection.<col>.range 'min,max' inclusive, optional .interval.
      const [lo, hi] = (t.properties[`projection.${p.name}.range`] || '').split(',').map(Number);
      const step = Number(t.properties[`projection.${p.name}.interval`] || 1);
      const given = safeStatic(where, p.name);
      values = [];
      for (let v = lo; v <= hi && values.length < 100000; v += step) if (!given || given.includes(String(v))) values.push(String(v));
    } else {
      // No projection and no metastore partitions (the stand-in has no ADD PARTITION / MSCK): nothing to read.
      values = [];
    }
    const next = [];
    for (const combo of combos) for (const v of values) next.push({ ...combo, [p.name]: v });
    combos.splice(0, combos.length, ...next);
  }
  return combos;
}

const safeStatic = (where, column) => staticValues(where, column).values;

// [ug] "Table location in Amazon S3": Athena reads every object under the location, and "ignores files whose names
// begin with an underscore (_) or a dot (.)" (Spark's _SUCCESS markers). Only the folder itself, not subfolders [inf].
async function listObjects(location) {
  const { bucket, key } = s3Parts(location);
  const prefix = key && !key.endsWith('/') ? key + '/' : key;
  const out = [];
  let token;
  do {
    const page = await s3.send(new s3sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
    for (const o of page.Contents || []) {
      const base = o.Key.slice(prefix.length);
      if (!base || base.startsWith('_') || base.startsWith('.') || base.endsWith('/')) continue;
      out.push({ bucket, key: o.Key, size: o.Size, base });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

function partitionLocation(t, combo) {
  const template = t.properties['storage.location.template'];
  if (template) return template.replace(/\$\{([^}]+)\}/g, (_, name) => combo[name.toLowerCase()] ?? '');
  // Hive's default layout under LOCATION: col=value/ per partition column.
  const base = t.location.endsWith('/') ? t.location : t.location + '/';
  return base + t.partitions.map((p) => `${p.name}=${combo[p.name]}/`).join('');
}

const SAFE_VALUE = /^[A-Za-z0-9._=-]+$/;

// Copies the objects a reference reads into dir/run_id=…/n_hidden=…/ and makes the view over them. Returns bytes read.
async function materialise(conn, exec, ref, t, viewName, dir) {
  const combos = t.partitions.length ? projectionValues(t, ref.where) : [{}];
  const files = [];
  let bytes = 0;
  for (const combo of combos) {
    if (Object.values(combo).some((v) => !SAFE_VALUE.test(v))) continue; // no object can be under such a path here [inf]
    const folder = path.join(dir, ...t.partitions.map((p) => `${p.name}=${combo[p.name]}`));
    for (const o of await listObjects(partitionLocation(t, combo))) {
      if (exec.cancelled) return bytes;
      fs.mkdirSync(folder, { recursive: true });
      const target = path.join(folder, o.base.replace(/[^A-Za-z0-9._-]/g, '_'));
      const body = await s3.send(new s3sdk.GetObjectCommand({ Bucket: o.bucket, Key: o.key }));
      fs.writeFileSync(target, Buffer.from(await body.Body.transformToByteArray()));
      files.push(target);
      // Statistics.DataScannedInBytes: the stand-in counts whole objects; Athena counts the (compressed) bytes of the
      // columns and row groups it reads, so it reports less [inf].
      bytes += o.size;
    }
  }
  const quote = (s) => `'${s.replaceAll("'", "''")}'`;
  const ident = (s) => `"${s.replaceAll('"', '""')}"`;
  let present = new Set();
  if (files.length) {
    const hiveTypes = t.partitions.map((p) => `${quote(p.name)}: ${p.duck}`).join(', ');
    const source = `read_parquet([${files.map(quote).join(', ')}], union_by_name = true${t.partitions.length ? `, hive_partitioning = true, hive_types = {${hiveTypes}}` : ''})`;
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    present = new Set(described.getRowsJS().map((r) => String(r[0]).toLowerCase()));
    // Athena reads Parquet columns by name; a declared column missing from a file is NULL ([ug] "Schema updates and
    // data formats": Parquet is read by name by default). The view has exactly the declared columns.
    const select = t.columns.concat(t.partitions).map((col) => (present.has(col.name)
      ? `CAST(${ident(col.name)} AS ${col.duck}) AS ${ident(col.name)}`
      : `CAST(NULL AS ${col.duck}) AS ${ident(col.name)}`));
    await conn.run(`CREATE TEMP VIEW ${ident(viewName)} AS SELECT ${select.join(', ')} FROM ${source}`);
  } else {
    const select = t.columns.concat(t.partitions).map((col) => `CAST(NULL AS ${col.duck}) AS ${ident(col.name)}`);
    await conn.run(`CREATE TEMP VIEW ${ident(viewName)} AS SELECT ${select.join(', ')} WHERE false`);
  }
  return bytes;
}

async function runSelect(exec, allTokens) {
  bindParameters(allTokens, exec.parameters);
  const tokens = solid(allTokens);
  const refs = tableReferences(tokens);
  const ctes = new Set();
  // WITH name AS (...): names a CTE, not a table.
  for (let i = 0; i < tokens.length - 2; i++) if ((kw(tokens[i], 'with') || tokens[i].text === ',') && isName(tokens[i + 1]) && kw(tokens[i + 2], 'as') && tokens[i + 3]?.text === '(') ctes.add(unquote(tokens[i + 1]).toLowerCase());
  const defaultDb = (exec.context.Database || 'default').toLowerCase();
  const resolved = [];
  for (const ref of refs) {
    if (ref.name.length === 1 && ctes.has(ref.name[0])) continue;
    const [db, name] = ref.name.length === 1 ? [defaultDb, ref.name[0]] : ref.name;
    resolved.push({ ref, t: requireTable(db, name) });
  }
  const dir = fs.mkdtempSync(path.join(opts.work, `q-${exec.id.slice(0, 8)}-`));
  const conn = await instance.connect();
  try {
    let bytes = 0;
    const replaced = new Map();
    for (const [n, { ref, t }] of resolved.entries()) {
      const view = `__t${n}_${t.name}`;
      bytes += await materialise(conn, exec, ref, t, view, path.join(dir, `${n}`));
      replaced.set(tokens[ref.start], { view, last: tokens[ref.end - 1] });
      if (exec.cancelled) return null;
    }
    exec.bytes = bytes;
    const cutoff = exec.workgroup.Configuration.BytesScannedCutoffPerQuery;
    if (cutoff && bytes > cutoff) {
      // [ug] "Configure per-query and per-workgroup data usage controls": "If any query that runs in the workgroup
      // exceeds the limit, it is canceled." The state (CANCELLED; --cutoff-state FAILED models the other reading) and
      // the reason's text are [inf].
      throw new QueryFailure(`Query cancelled: the bytes scanned (${bytes}) exceeded the workgroup's data usage limit of ${cutoff} bytes per query (BytesScannedCutoffPerQuery)`, 2, 1000, false, opts.cutoffState);
    }
    // The SQL as DuckDB runs it: parameters bound as literals, each table reference replaced by its view.
    let sql = '';
    let skipUntil = null;
    for (const t of allTokens) {
      if (skipUntil) { if (t === skipUntil) skipUntil = null; continue; }
      const r = replaced.get(t);
      if (r) { sql += `"${r.view}"`; if (r.last !== t) skipUntil = r.last; continue; }
      sql += t.bound ?? t.text;
    }
    sql = sql.replace(/;\s*$/, '');
    let reader;
    try {
      reader = await conn.runAndReadAll(sql);
    } catch (e) {
      // DuckDB's own message; on Athena a Trino error name would lead it (SYNTAX_ERROR, COLUMN_NOT_FOUND, ...) [inf].
      throw userError(`SYNTAX_ERROR: ${String(e.message).split('\n')[0]} [DuckDB, in the Athena stand-in]`, 1006);
    }
    const columns = reader.columnNames().map((name, i) => ({ name, duck: reader.columnTypes()[i].toString() }));
    const rows = reader.getRows().map((row) => row.map((v, i) => formatValue(v, columns[i].duck)));
    return { columns, rows };
  } finally {
    conn.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// How Athena writes a value as text (GetQueryResults VarCharValue and the CSV): a double as Java's Double.toString
// ("2.0", "0.125", "1.0E-4"), the way Trino's client renders it [inf: widely observed, not measured here].
function javaDouble(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

function formatValue(v, duck) {
  if (v === null || v === undefined) return null;
  if (duck === 'DOUBLE' || duck === 'FLOAT') return javaDouble(Number(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

// [model] ColumnInfo {CatalogName, SchemaName, TableName, Name, Label, Type, Precision, Scale, Nullable,
// CaseSensitive}; Athena's type names are Trino's (varchar, integer, bigint, double, ...); the precisions (varchar
// 2147483647, integer 10) are the constructed example of shared/aws-protocols.md s1.2, the others Trino's [inf].
function columnInfo(col) {
  const d = col.duck.toUpperCase();
  const [type, precision, scale] = (() => {
    if (d === 'VARCHAR') return ['varchar', 2147483647, 0];
    if (d === 'INTEGER') return ['integer', 10, 0];
    if (d === 'BIGINT' || d === 'HUGEINT' || d === 'UBIGINT') return ['bigint', 19, 0];
    if (d === 'SMALLINT') return ['smallint', 5, 0];
    if (d === 'TINYINT') return ['tinyint', 3, 0];
    if (d === 'DOUBLE') return ['double', 17, 0];
    if (d === 'FLOAT') return ['float', 17, 0];
    if (d === 'BOOLEAN') return ['boolean', 0, 0];
    if (d === 'DATE') return ['date', 0, 0];
    if (d.startsWith('TIMESTAMP')) return ['timestamp', 3, 0];
    const m = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(d);
    if (m) return ['decimal', Number(m[1]), Number(m[2])];
    return ['varchar', 2147483647, 0];
  })();
  return {
    CatalogName: 'hive', SchemaName: '', TableName: '', Name: col.name, Label: col.name, Type: type,
    Precision: precision, Scale: scale, Nullable: 'UNKNOWN', CaseSensitive: type === 'varchar',
  };
}

// [ug] "Working with query results": the result of a SELECT is <id>.csv with a header row; DDL and UTILITY results are
// <id>.txt. Every value double-quoted, quotes doubled (RFC 4180), NULL as an empty unquoted field [inf: widely
// observed of Athena's CSV, not measured here]; lines end with \n.
function toCsv(result) {
  const cell = (v) => (v === null ? '' : `"${String(v).replaceAll('"', '""')}"`);
  const lines = [result.columns.map((c) => cell(c.name)).join(',')];
  for (const row of result.rows) lines.push(row.map(cell).join(','));
  return lines.join('\n') + '\n';
}

async function putResults(exec, result) {
  const { bucket, key } = s3Parts(exec.output);
  const body = exec.statementType === 'DML' ? toCsv(result) : result.rows.map((r) => r.join('\t')).join('\n') + (result.rows.length ? '\n' : '');
  await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: exec.statementType === 'DML' ? 'text/csv' : 'text/plain' }));
  // [ug] same page: a <id>.csv.metadata beside the CSV, a binary file Athena's own GetQueryResults reads. The stand-in
  // writes its column metadata as JSON there: clients must not parse it (they cannot parse the real one either).
  if (exec.statementType === 'DML') {
    await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key + '.metadata', Body: JSON.stringify({ ColumnInfo: result.columns.map(columnInfo) }), ContentType: 'application/octet-stream' }));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Executions

function takeFault(list, exec) {
  const i = list.findIndex((f) => !f.match || exec.query.includes(f.match));
  if (i < 0) return null;
  const f = list[i];
  f.count = (f.count ?? 1) - 1;
  if (f.count <= 0) list.splice(i, 1);
  return f;
}

function finish(exec, stateName, reason, error) {
  if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(exec.state)) return;
  exec.state = stateName;
  exec.completed = nowMs();
  exec.reason = reason;
  exec.error = error;
  log(`${exec.id} ${stateName}${reason ? `: ${reason}` : ''}`);
}

async function execute(exec) {
  const queueExtra = takeFault(state.faults.slowQueue, exec);
  await sleep(1000 * (opts.queueDelay + (queueExtra?.seconds ?? 0)));
  if (exec.state !== 'QUEUED') return;
  exec.state = 'RUNNING';
  exec.started = nowMs();
  const runExtra = takeFault(state.faults.slowRun, exec);
  const minimum = sleep(1000 * (opts.runDelay + (runExtra?.seconds ?? 0)));
  try {
    const injected = takeFault(state.faults.queryFailure, exec);
    if (injected) {
      await minimum;
      throw new QueryFailure(injected.message ?? 'GENERIC_INTERNAL_ERROR: an error the test armed', injected.errorCategory ?? 1, injected.errorType ?? 100, injected.retryable ?? true);
    }
    let result;
    if (exec.reusedFrom) {
      result = exec.reusedFrom.result;
    } else if (exec.statementType === 'DDL') {
      runDdl(exec.solid, exec.context);
      result = { columns: [], rows: [] };
    } else if (exec.statementType === 'UTILITY') {
      result = runUtility(exec.solid, exec.context);
    } else {
      result = await runSelect(exec, exec.tokens);
    }
    await minimum;
    if (exec.state !== 'RUNNING' || result === null) return;
    exec.engineMs = nowMs() - exec.started;
    if (!exec.reusedFrom) await putResults(exec, result);
    exec.result = result;
    finish(exec, 'SUCCEEDED');
  } catch (e) {
    await minimum;
    if (e instanceof QueryFailure) {
      finish(exec, e.state, e.message, { ErrorCategory: e.category, ErrorType: e.errorType, Retryable: e.retryable, ErrorMessage: e.message });
    } else {
      log(`${exec.id} internal error: ${e.stack || e}`);
      finish(exec, 'FAILED', `GENERIC_INTERNAL_ERROR: ${e.message}`, { ErrorCategory: 1, ErrorType: 100, Retryable: true, ErrorMessage: `GENERIC_INTERNAL_ERROR: ${e.message}` });
    }
  } finally {
    exec.engineMs = exec.engineMs ?? (exec.started ? nowMs() - exec.started : 0);
  }
}

function describe(exec) {
  const status = { State: exec.state, SubmissionDateTime: epoch(exec.submitted) };
  if (exec.reason) status.StateChangeReason = exec.reason;
  if (exec.completed) status.CompletionDateTime = epoch(exec.completed);
  if (exec.error) status.AthenaError = exec.error;
  const end = exec.completed ?? nowMs();
  const queueMs = (exec.started ?? end) - exec.submitted;
  const engineMs = exec.started ? (exec.completed ? exec.engineMs ?? end - exec.started : end - exec.started) : 0;
  const q = {
    QueryExecutionId: exec.id, Query: exec.query, StatementType: exec.statementType, SubstatementType: exec.substatementType,
    ResultConfiguration: { OutputLocation: exec.output },
    QueryExecutionContext: exec.context,
    Status: status,
    // [model] QueryExecutionStatistics; the figures are the stand-in's own clock.
    Statistics: {
      EngineExecutionTimeInMillis: engineMs, DataScannedInBytes: exec.bytes ?? 0, TotalExecutionTimeInMillis: end - exec.submitted,
      QueryQueueTimeInMillis: queueMs, ServicePreProcessingTimeInMillis: 0, QueryPlanningTimeInMillis: 0, ServiceProcessingTimeInMillis: 0,
      ResultReuseInformation: { ReusedPreviousResult: Boolean(exec.reusedFrom) },
    },
    WorkGroup: exec.workgroup.Name,
    EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
  };
  if (exec.reuse) q.ResultReuseConfiguration = exec.reuse;
  // [model] QueryExecution.ExecutionParameters: "The list of parameters is not returned in the response" (JS SDK
  // model text, shared/aws-protocols.md s1.2): the stand-in leaves it out.
  return q;
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

function workgroupNamed(name) {
  const wg = state.workgroups.get(name || 'primary');
  // [inf] the message text; the error shape is [model] InvalidRequestException.
  if (!wg) throw invalidRequest(`WorkGroup ${name} is not found.`);
  return wg;
}

function startQueryExecution(body) {
  const query = body.QueryString;
  // [model] QueryString required, length 1–262144 ([ug] "Service Quotas": 262144 bytes).
  if (typeof query !== 'string' || !query.length) throw invalidRequest("1 validation error detected: Value null at 'queryString' failed to satisfy constraint: Member must not be null");
  if (Buffer.byteLength(query) > 262144) throw invalidRequest("1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length less than or equal to 262144");
  const parameters = body.ExecutionParameters ?? [];
  if (!Array.isArray(parameters) || (body.ExecutionParameters && !parameters.length) || parameters.some((p) => typeof p !== 'string' || p.length < 1 || p.length > 1024)) {
    // [model] ExecutionParameters: list min 1, each string 1–1024.
    throw invalidRequest("1 validation error detected: Value at 'executionParameters' failed to satisfy constraint: Member must have length between 1 and 1024 (a list of at least one)");
  }
  const wg = workgroupNamed(body.WorkGroup);
  // [ug] "How workgroups work": a disabled workgroup refuses queries.
  if (wg.State !== 'ENABLED') throw invalidRequest(`WorkGroup ${wg.Name} is disabled.`);
  const enforced = wg.Configuration.EnforceWorkGroupConfiguration;
  const requested = body.ResultConfiguration?.OutputLocation;
  // [ug] "How workgroups work": "When you enforce workgroup-wide settings, all queries that run in this workgroup use
  // workgroup settings ... even if their client-side settings may differ".
  let location = enforced ? wg.Configuration.ResultConfiguration?.OutputLocation : requested || wg.Configuration.ResultConfiguration?.OutputLocation;
  if (!location) {
    // [meas] the message a query with no result location gets (widely reported; e.g. PyAthena and awswrangler issues).
    throw invalidRequest('No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.');
  }
  if (!location.endsWith('/')) location += '/';
  const token = body.ClientRequestToken;
  const fingerprint = JSON.stringify([query, parameters, body.WorkGroup, body.QueryExecutionContext, body.ResultConfiguration, body.ResultReuseConfiguration]);
  if (token) {
    // [model] ClientRequestToken is an idempotency token: the same token returns the same execution; with other
    // parameters it fails [3rd] ("Idempotent parameters do not match", awswrangler).
    const seen = state.tokens.get(token);
    if (seen) {
      if (seen.fingerprint !== fingerprint) throw invalidRequest('Idempotent parameters do not match');
      return { QueryExecutionId: seen.id };
    }
  }
  const allTokens = tokenize(query);
  const solidTokens = solid(allTokens);
  const statementType = classify(solidTokens);
  const id = randomUUID();
  const context = body.QueryExecutionContext ? { ...body.QueryExecutionContext } : {};
  const exec = {
    id, query, parameters, workgroup: wg, context, statementType, substatementType: substatement(solidTokens, statementType),
    tokens: allTokens, solid: solidTokens, submitted: nowMs(), state: 'QUEUED', bytes: 0,
    output: location + id + (statementType === 'DML' ? '.csv' : '.txt'),
    reuse: body.ResultReuseConfiguration,
  };
  // [ug] "Reuse query results" (reusing-query-results.html): opt-in per query, max age up to 10080 minutes (default
  // 60); a result is reused only for the same query string, database/catalog, workgroup and result configuration;
  // "If you override the result configuration for a query, the feature is disabled" — the stand-in reads that as: a
  // ResultConfiguration sent to a workgroup that enforces its own (which overrides it) turns reuse off for the query.
  // Whether ExecutionParameters take part is not documented [inf: they do here]. The reused query gets a new id, 0
  // bytes scanned, ReusedPreviousResult true and the earlier result's OutputLocation [inf].
  const byAge = body.ResultReuseConfiguration?.ResultReuseByAgeConfiguration;
  exec.reuseKey = JSON.stringify([query, parameters, wg.Name, context.Database ?? null, context.Catalog ?? null, location]);
  const overridden = enforced && body.ResultConfiguration !== undefined;
  if (byAge?.Enabled && statementType === 'DML' && !overridden) {
    const maxAge = (byAge.MaxAgeInMinutes ?? 60) * 60000;
    const earlier = [...state.order].reverse().map((i) => state.executions.get(i))
      .find((e) => e.reuseKey === exec.reuseKey && e.state === 'SUCCEEDED' && !e.reusedFrom && nowMs() - e.completed <= maxAge);
    if (earlier) {
      exec.reusedFrom = earlier;
      exec.output = earlier.output;
    }
  }
  state.executions.set(id, exec);
  state.order.push(id);
  if (token) state.tokens.set(token, { id, fingerprint });
  log(`${id} QUEUED ${statementType}${exec.reusedFrom ? ` (reuses ${exec.reusedFrom.id})` : ''}: ${query.replace(/\s+/g, ' ').slice(0, 120)}`);
  execute(exec).catch((e) => log(`${id} executor: ${e.stack || e}`));
  return { QueryExecutionId: id };
}

function executionOf(body) {
  const id = body.QueryExecutionId;
  if (!id) throw invalidRequest("1 validation error detected: Value null at 'queryExecutionId' failed to satisfy constraint: Member must not be null");
  const exec = state.executions.get(id);
  // [inf] the message text; the shape is [model] InvalidRequestException.
  if (!exec) throw invalidRequest(`QUERY_NOT_FOUND: Query ${id} was not found`, 'INVALID_INPUT');
  return exec;
}

function encodeToken(id, offset) {
  return Buffer.from(JSON.stringify({ q: id, o: offset })).toString('base64');
}

function getQueryResults(body) {
  const exec = executionOf(body);
  const max = body.MaxResults ?? 1000;
  // [model] MaxResults: 1–1000; above it Athena refuses the call (InvalidRequestException per the brief; the
  // validation text is the AWS validation layer's usual one [inf]).
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw invalidRequest(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 1000'}`);
  }
  if (exec.state !== 'SUCCEEDED') {
    // [inf] texts; a query not yet finished, or failed, has no results to read.
    if (['QUEUED', 'RUNNING'].includes(exec.state)) throw invalidRequest(`Query has not yet finished. Current state: ${exec.state}`);
    throw invalidRequest(`Query did not finish successfully. Final query state: ${exec.state}${exec.reason ? `\n${exec.reason}` : ''}`);
  }
  const result = exec.result;
  // [meas] uber/athenadriver UndocumentedAthena.md and PyAthena (shared/aws-protocols.md s1.2): for a SELECT the first
  // row of the first page holds the column names; DDL and UTILITY results have none. The header counts toward
  // MaxResults: page 1 has at most 999 data rows ([meas] ghdna/athena-express#1 "It returns max 999 rows only").
  const all = exec.statementType === 'DML' ? [result.columns.map((c) => c.name), ...result.rows] : result.rows;
  let offset = 0;
  if (body.NextToken) {
    try {
      const t = JSON.parse(Buffer.from(body.NextToken, 'base64').toString('utf8'));
      if (t.q !== exec.id || !Number.isInteger(t.o)) throw new Error('other query');
      offset = t.o;
    } catch {
      throw invalidRequest('The NextToken is not valid for this query.'); // [inf] text
    }
  }
  const page = all.slice(offset, offset + max);
  const reply = {
    UpdateCount: 0,
    ResultSet: {
      // [inf, common SDK knowledge] a NULL is a Datum without VarCharValue.
      Rows: page.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
      ResultSetMetadata: { ColumnInfo: result.columns.map(columnInfo) },
    },
  };
  if (offset + max < all.length) reply.NextToken = encodeToken(exec.id, offset + max);
  return reply;
}

function stopQueryExecution(body) {
  const exec = executionOf(body);
  // [api] StopQueryExecution: stops a query; the stand-in cancels an unfinished one and leaves a finished one as it was.
  if (exec.state === 'QUEUED' || exec.state === 'RUNNING') {
    exec.cancelled = true;
    finish(exec, 'CANCELLED', 'Query was cancelled by user'); // [inf] text
  }
  return {};
}

function listQueryExecutions(body) {
  const wg = workgroupNamed(body.WorkGroup);
  const max = body.MaxResults ?? 50;
  // [model] ListQueryExecutions MaxResults 0–50, newest first [inf: order].
  if (!Number.isInteger(max) || max < 0 || max > 50) throw invalidRequest(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50`);
  const ids = [...state.order].reverse().filter((id) => state.executions.get(id).workgroup.Name === wg.Name);
  const offset = body.NextToken ? Number(Buffer.from(body.NextToken, 'base64').toString('utf8')) || 0 : 0;
  const reply = { QueryExecutionIds: ids.slice(offset, offset + max) };
  if (offset + max < ids.length) reply.NextToken = Buffer.from(String(offset + max)).toString('base64');
  return reply;
}

function getWorkGroup(body) {
  if (!body.WorkGroup) throw invalidRequest("1 validation error detected: Value null at 'workGroup' failed to satisfy constraint: Member must not be null");
  const wg = workgroupNamed(body.WorkGroup);
  return { WorkGroup: { ...wg, CreationTime: epoch(wg.CreationTime) } };
}

function createWorkGroup(body) {
  if (!body.Name || !/^[a-zA-Z0-9._-]{1,128}$/.test(body.Name)) throw invalidRequest("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9._-]{1,128}");
  if (state.workgroups.has(body.Name)) throw invalidRequest('WorkGroup is already created'); // [inf] text
  const cutoff = body.Configuration?.BytesScannedCutoffPerQuery;
  // [model] BytesScannedCutoffPerQuery min 10000000 (10 MB). The stand-in takes any cutoff >= 1 so a test can reach it
  // with a small run [the stand-in's choice].
  if (cutoff !== undefined && !(Number.isInteger(cutoff) && cutoff >= 1)) throw invalidRequest("1 validation error detected: Value at 'bytesScannedCutoffPerQuery' failed to satisfy constraint");
  addWorkGroup(body.Name, body.Configuration || {}, body.Description || '');
  saveCatalog();
  return {};
}

const OPERATIONS = {
  StartQueryExecution: startQueryExecution,
  GetQueryExecution: (body) => ({ QueryExecution: describe(executionOf(body)) }),
  GetQueryResults: getQueryResults,
  StopQueryExecution: stopQueryExecution,
  ListQueryExecutions: listQueryExecutions,
  GetWorkGroup: getWorkGroup,
  CreateWorkGroup: createWorkGroup,
};

// ---------------------------------------------------------------------------------------------------------------
// HTTP

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), ...headers });
  res.end(text);
}

function sendError(res, e) {
  // [model] + Smithy awsJson1_1: the error's shape name in __type, the text in message.
  send(res, e.status, { __type: e.type, message: e.message, ...e.extra });
}

function throttled(op) {
  const list = state.faults.throttle;
  const i = list.findIndex((f) => !f.operations || f.operations.includes(op));
  if (i < 0) return null;
  const f = list[i];
  f.count -= 1;
  if (f.count <= 0) list.splice(i, 1);
  // [model] TooManyRequestsException {Message, Reason}; Reason CONCURRENT_QUERY_LIMIT_EXCEEDED when the quota of
  // running + queued queries is full ([ug] "Service Quotas"); "Rate exceeded" for call rates [inf: text].
  return new ApiError('TooManyRequestsException', f.message ?? 'Rate exceeded', 400, f.reason ? { Reason: f.reason } : {});
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function handleTest(req, res, url) {
  const json = (status, body) => { const t = JSON.stringify(body); res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(t) }); res.end(t); };
  if (url.pathname === '/_health') return json(200, { ok: true, workgroup: opts.workgroup, outputLocation: opts.outputLocation });
  if (url.pathname === '/_faults') {
    if (req.method === 'DELETE') { for (const k of Object.keys(state.faults)) state.faults[k] = []; return json(200, state.faults); }
    if (req.method === 'POST') {
      let armed;
      try { armed = JSON.parse(await readBody(req)); } catch (e) { return json(400, { error: `not JSON: ${e.message}` }); }
      for (const [name, value] of Object.entries(armed)) {
        if (name === 'throttle') {
          const f = typeof value === 'number' ? { count: value } : { ...value, count: value.count ?? 1 };
          state.faults.throttle.push(f);
        } else if (name === 'queryFailure') {
          state.faults.queryFailure.push(value === true ? { count: 1 } : { count: 1, ...value });
        } else if (name === 'slowQueue' || name === 'slowRun') {
          state.faults[name].push(typeof value === 'number' ? { seconds: value, count: 1 } : { count: 1, ...value });
        } else {
          return json(400, { error: `unknown fault ${name}: throttle, queryFailure, slowQueue, slowRun` });
        }
      }
      return json(200, state.faults);
    }
    return json(200, state.faults);
  }
  if (url.pathname === '/_calls') {
    if (req.method === 'DELETE') state.calls = {};
    const queries = state.order.map((id) => state.executions.get(id)).map((e) => ({
      QueryExecutionId: e.id, Query: e.query, ExecutionParameters: e.parameters, WorkGroup: e.workgroup.Name, StatementType: e.statementType,
      State: e.state, Reused: Boolean(e.reusedFrom), DataScannedInBytes: e.bytes ?? 0,
    }));
    return json(200, { counts: state.calls, queries });
  }
  if (url.pathname === '/_catalog') {
    const databases = {};
    for (const [name, tables] of state.databases) databases[name] = Object.fromEntries([...tables].map(([n, t]) => [n, { ...t }]));
    return json(200, { databases, workgroups: Object.fromEntries(state.workgroups) });
  }
  if (url.pathname === '/_clock' && req.method === 'POST') {
    // Moves the stand-in's clock (result-reuse ages, timestamps) forward without waiting.
    const body = JSON.parse((await readBody(req)) || '{}');
    state.clockOffsetMs += Math.round((body.advanceMinutes ?? 0) * 60000);
    return json(200, { offsetMinutes: state.clockOffsetMs / 60000 });
  }
  return json(404, { error: 'unknown test endpoint' });
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname.startsWith('/_')) return await handleTest(req, res, url);
    const raw = await readBody(req);
    const target = req.headers['x-amz-target'] || '';
    const op = target.startsWith('AmazonAthena.') ? target.slice('AmazonAthena.'.length) : null;
    // [3rd] aoyagikouhei/athena-local notes: a missing or unknown X-Amz-Target gets UnknownOperationException 400.
    if (req.method !== 'POST' || !op || !OPERATIONS[op]) return sendError(res, new ApiError('UnknownOperationException', '', 400));
    state.calls[op] = (state.calls[op] ?? 0) + 1;
    // [api] Common Errors: a request without credentials gets MissingAuthenticationToken 403 (the EMR stand-in does the same).
    if (!req.headers.authorization) return sendError(res, new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403));
    const throttle = throttled(op);
    if (throttle) return sendError(res, throttle);
    let body;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return sendError(res, new ApiError('SerializationException', 'Start of structure or map found where not expected', 400)); // [inf]
    }
    send(res, 200, OPERATIONS[op](body));
  } catch (e) {
    if (e instanceof ApiError) return sendError(res, e);
    if (e instanceof QueryFailure) return sendError(res, invalidRequest(e.message));
    log(`internal error: ${e.stack || e}`);
    return sendError(res, new ApiError('InternalServerException', String(e.message || e), 500));
  }
});

server.listen(opts.port, opts.host, () => {
  const { port } = server.address();
  if (opts.portFile) {
    fs.writeFileSync(opts.portFile + '.tmp', String(port));
    fs.renameSync(opts.portFile + '.tmp', opts.portFile);
  }
  log(`Athena stand-in on http://${opts.host}:${port} (S3 ${opts.s3Endpoint}, workgroup ${opts.workgroup} -> ${opts.outputLocation}${opts.bytesScannedCutoff ? `, cutoff ${opts.bytesScannedCutoff} B` : ''})`);
});

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => {
    server.close();
    try { instance.closeSync(); } catch { /* closing anyway */ }
    process.exit(0);
  });
}
