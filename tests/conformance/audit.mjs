// Runs every graphql-http server audit against a live Prism and prints the results as JSON.
//
//   PRISM_AUDIT_URL=http://127.0.0.1:8000/graphql PRISM_AUDIT_TOKEN=<jwt> node audit.mjs
//
// Each request carries the token, so the audits reach the signed-in schema rather than stopping
// at UNAUTHENTICATED. Exits 0 whatever the results: test_graphql_http_audit.py judges them.
import { serverAudits } from 'graphql-http';

const url = process.env.PRISM_AUDIT_URL;
const token = process.env.PRISM_AUDIT_TOKEN;
if (!url || !token) {
  console.error('PRISM_AUDIT_URL and PRISM_AUDIT_TOKEN must be set');
  process.exit(2);
}

function fetchWithToken(input, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

// The audit may already have read the body; then only the status is reported.
async function describe(response) {
  let body = null;
  try {
    body = await response.text();
  } catch {
    body = null;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
  };
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetchWithToken })) {
  const result = await audit.fn();
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.response = await describe(result.response);
  }
  results.push(entry);
}
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
