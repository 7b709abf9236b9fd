// The SQL gate's parser: dt-sql-parser's Trino grammar for the query catalog, its Hive grammar for the Athena DDL.
// stdin:  {"statements":[{"dialect":"trino"|"hive","sql":"…"}]}
// stdout: [{"errors":["line:column message", …],"tables":["grid", …]}] — one per statement, in order.
import { register } from 'node:module';

register('./resolve-hook.mjs', import.meta.url);
const { TrinoSQL, HiveSQL } = await import('dt-sql-parser');

const parsers = { trino: new TrinoSQL(), hive: new HiveSQL() };
let input = '';
for await (const chunk of process.stdin) {
  input += chunk;
}

// ANTLR's own console listener prints every syntax error to stderr as well: keep stdout for the JSON.
console.error = () => {};
const job = JSON.parse(input);
const results = job.statements.map(({ dialect, sql }) => {
  const parser = parsers[dialect];
  if (!parser) {
    return { errors: [`unknown dialect ${dialect}`], tables: [] };
  }
  const errors = parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
  const tables = (parser.getAllEntities(sql) ?? [])
    .filter((e) => e.entityContextType === 'table')
    .map((e) => e.text);
  return { errors, tables };
});
process.stdout.write(JSON.stringify(results));
