// Usage: node client.mjs BASE_URL API_KEY ACCOUNT
// Prints one JSON object with what the hibp library returned for each call, or the error it threw.
import { breachedAccount, breaches, breach, dataClasses, latestBreach } from 'hibp';

const [baseUrl, apiKey, account] = process.argv.slice(2);
const options = { baseUrl, apiKey, userAgent: 'exposureapi-tests' };
const attempt = async (call) => {
  try {
    return { ok: await call() };
  } catch (error) {
    return { error: error.message };
  }
};

const results = {
  truncated: await attempt(() => breachedAccount(account, options)),
  full: await attempt(() => breachedAccount(account, { ...options, truncate: false })),
  notFound: await attempt(() => breachedAccount('+447700900999', options)),
  badKey: await attempt(() => breachedAccount(account, { ...options, apiKey: 'exk_wrong' })),
  breaches: await attempt(() => breaches({ baseUrl })),
  breach: await attempt(() => breach('CoWIN2023', { baseUrl })),
  dataClasses: await attempt(() => dataClasses({ baseUrl })),
  latestBreach: await attempt(() => latestBreach({ baseUrl })),
};
console.log(JSON.stringify(results));
