// Drives the official AWS SDK for JavaScript v3 for OneOff's conformance tests.
// stdin: {"endpoint","region","credentials":{accessKeyId,secretAccessKey[,sessionToken]},"signingDateMs",
//         "calls":[{"service":"athena"|"emr","operation":"StartQueryExecution","input":{…}}]}
// stdout: one JSON array, per call {"ok":true,"output":{…}} or {"ok":false,"error":{…}}; timestamps as {"$epochMs":n}.
// The calls run one after another, so the capture server can answer them in order.
import * as athena from '@aws-sdk/client-athena';
import * as emr from '@aws-sdk/client-emr';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));

// A frozen clock: the signer reads Date.now() (plus a clock offset the server never moves: it sends no Date).
Date.now = () => job.signingDateMs;

const TIMESTAMP_MEMBERS = new Set(['CreatedAfter', 'CreatedBefore']);
const revive = (value, key) => {
  if (TIMESTAMP_MEMBERS.has(key) && typeof value === 'number') return new Date(value * 1000);
  if (Array.isArray(value)) return value.map((v) => revive(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v, k)]));
  return value;
};

// Headers the .NET signer never signs (random ids, retry counters, user agents) are dropped before signing,
// so the two signatures can be compared byte for byte.
const dropUnsignable = (next) => async (args) => {
  for (const name of Object.keys(args.request.headers)) {
    if (['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent'].includes(name.toLowerCase())) delete args.request.headers[name];
  }
  return next(args);
};

const modules = { athena, emr };
const constructors = { athena: athena.AthenaClient, emr: emr.EMRClient };
const clients = {};
const clientFor = (service) => {
  if (!clients[service]) {
    const client = new constructors[service]({
      endpoint: job.endpoint, region: job.region, credentials: job.credentials, maxAttempts: 1,
    });
    client.middlewareStack.addRelativeTo(dropUnsignable, { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'oneoffDropUnsignable' });
    clients[service] = client;
  }
  return clients[service];
};

const plain = (value) => {
  if (value instanceof Date) return { $epochMs: value.getTime() };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k, v]) => k !== '$metadata' && v !== undefined).map(([k, v]) => [k, plain(v)]));
  }
  return value;
};

const SKIP = new Set(['$metadata', '$response', '$fault', '$retryable', 'message', 'name', 'stack', 'Message']);
const results = [];
for (const call of job.calls) {
  const Command = modules[call.service][`${call.operation}Command`];
  try {
    const output = await clientFor(call.service).send(new Command(revive(call.input)));
    results.push({ ok: true, output: plain(output) });
  } catch (e) {
    const fields = Object.fromEntries(Object.entries(e).filter(([k, v]) => !SKIP.has(k) && v !== undefined).map(([k, v]) => [k, plain(v)]));
    results.push({
      ok: false,
      error: {
        name: e.name, message: e.message, fault: e.$fault ?? null,
        httpStatusCode: e.$metadata?.httpStatusCode ?? null, requestId: e.$metadata?.requestId ?? null, fields,
      },
    });
  }
}
process.stdout.write(JSON.stringify(results));
