// Drives the Athena stand-in with the official AWS SDK for JavaScript v3 (@aws-sdk/client-athena, from
// tests/OneOff.Aws.Tests/npm): the SDK's deserialisers parse every reply, and throw on a shape they do not expect.
// stdin: {"athena", "standin", "region", "database", "workgroup", "runId", "sizes": [n, ...]} (the tables exist)
// stdout: one JSON object with what each call returned, for the C# test to check.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../npm/package.json', import.meta.url));
const athena = require('@aws-sdk/client-athena');

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const client = new athena.AthenaClient({
  endpoint: job.athena, region: job.region, maxAttempts: 1, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const post = async (url, body) => {
  const r = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
};
const wait = async (id) => {
  const seen = [];
  for (let i = 0; i < 3000; i++) {
    const { QueryExecution: q } = await client.send(new athena.GetQueryExecutionCommand({ QueryExecutionId: id }));
    if (seen[seen.length - 1] !== q.Status.State) seen.push(q.Status.State);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(q.Status.State)) return { seen, q };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`query ${id} did not finish: ${seen}`);
};

const out = {};
const { WorkGroup: wg } = await client.send(new athena.GetWorkGroupCommand({ WorkGroup: job.workgroup }));
out.workgroup = { name: wg.Name, output: wg.Configuration.ResultConfiguration.OutputLocation, created: wg.CreationTime instanceof Date };

const params = [`'${job.runId}'`];
const sql = `SELECT class, COUNT(*) AS points FROM ${job.database}.train WHERE run_id = ? GROUP BY class ORDER BY class`;
const start = (extra = {}) => client.send(new athena.StartQueryExecutionCommand({
  QueryString: sql, ExecutionParameters: params, WorkGroup: job.workgroup, QueryExecutionContext: { Database: job.database },
  ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } }, ...extra,
}));
const first = await wait((await start()).QueryExecutionId);
out.states = first.seen;
out.first = {
  scanned: first.q.Statistics.DataScannedInBytes, reused: first.q.Statistics.ResultReuseInformation.ReusedPreviousResult,
  submitted: first.q.Status.SubmissionDateTime instanceof Date, output: first.q.ResultConfiguration.OutputLocation,
};
const results = await client.send(new athena.GetQueryResultsCommand({ QueryExecutionId: first.q.QueryExecutionId, MaxResults: 1000 }));
out.rows = results.ResultSet.Rows.map((r) => r.Data.map((d) => d.VarCharValue ?? null));
out.columns = results.ResultSet.ResultSetMetadata.ColumnInfo.map((c) => [c.Name, c.Type]);
const second = await wait((await start()).QueryExecutionId);
out.second = {
  scanned: second.q.Statistics.DataScannedInBytes, reused: second.q.Statistics.ResultReuseInformation.ReusedPreviousResult,
  output: second.q.ResultConfiguration.OutputLocation,
};

const bad = await wait((await client.send(new athena.StartQueryExecutionCommand({
  QueryString: sql, ExecutionParameters: [...params, '3'], WorkGroup: job.workgroup, QueryExecutionContext: { Database: job.database },
}))).QueryExecutionId);
out.failed = { state: bad.q.Status.State, error: bad.q.Status.AthenaError };

await post(`${job.standin}/_faults`, { slowRun: 5 });
const slow = (await start({ ResultReuseConfiguration: undefined })).QueryExecutionId;
await client.send(new athena.StopQueryExecutionCommand({ QueryExecutionId: slow }));
out.stopped = (await wait(slow)).q.Status.State;
out.listed = (await client.send(new athena.ListQueryExecutionsCommand({ WorkGroup: job.workgroup, MaxResults: 50 }))).QueryExecutionIds.includes(slow);

out.errors = {};
await post(`${job.standin}/_faults`, { throttle: { count: 1, operations: ['StartQueryExecution'] } });
for (const [name, command] of [
  ['throttled', new athena.StartQueryExecutionCommand({ QueryString: sql, WorkGroup: job.workgroup })],
  ['maxResults', new athena.GetQueryResultsCommand({ QueryExecutionId: first.q.QueryExecutionId, MaxResults: 1001 })],
  ['unknownWorkGroup', new athena.GetWorkGroupCommand({ WorkGroup: 'no-such-workgroup' })],
  ['noOutput', new athena.StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'primary' })],
]) {
  try {
    await client.send(command);
    out.errors[name] = null;
  } catch (e) {
    out.errors[name] = { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, athenaErrorCode: e.AthenaErrorCode ?? null };
  }
}
process.stdout.write(JSON.stringify(out));
