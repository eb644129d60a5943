// Usage: node out/client.js BASE_URL API_KEY
// Calls the service through a client generated from its OpenAPI document. Compiled with `tsc --strict` against the
// generated types first, so a field, a parameter or a response the document gets wrong is a compile error here.
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

declare const process: { argv: string[] }; // all this script needs of Node's types

const [baseUrl, apiKey] = process.argv.slice(2);
const client = createClient<paths>({ baseUrl, headers: { 'User-Agent': 'exposureapi-generated-client' } });
const keyed = { 'X-Api-Key': apiKey ?? '' };

const check = await client.POST('/api/v1/check', { body: { phoneNumber: '+44 7700 900123', region: 'GB' } });
const batch = await client.POST('/api/v1/check/batch', {
  body: { phoneNumbers: ['+447700900123', '+447700900999', 'not a number'] },
  headers: keyed,
});
const breaches = await client.GET('/api/v1/breaches');
const hibp = await client.GET('/api/v3/breachedaccount/{account}', {
  params: { path: { account: '+447700900123' }, query: { truncateResponse: 'false' } },
  headers: { 'hibp-api-key': apiKey ?? '' },
});

// Typed reads: each of these names must exist, with this type, in the generated schema.
const exposed: boolean | undefined = check.data?.exposed;
const firstBreach: string | undefined = check.data?.breaches?.[0]?.name;
const batchExposed: Array<boolean | null | undefined> = (batch.data?.results ?? []).map((r) => r.exposed);
const batchErrors: Array<string | undefined> = (batch.data?.results ?? []).map((r) => r.error?.type);
const names: string[] = (breaches.data ?? []).map((b) => b.name);
const hibpNames: string[] = (hibp.data ?? []).map((b) => b.Name);
const hibpPwnCount: number | undefined = hibp.data?.[0]?.PwnCount;

console.log(JSON.stringify({
  statuses: [check.response.status, batch.response.status, breaches.response.status, hibp.response.status],
  exposed, firstBreach, batchExposed, batchErrors, names, hibpNames, hibpPwnCount,
}));
