// Usage: node client.mjs BASE_URL API_KEY ACCOUNT
// Calls every function the hibp library offers against BASE_URL and prints one JSON object with what each returned,
// or the error it threw.
import * as hibp from 'hibp';

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
  truncated: await attempt(() => hibp.breachedAccount(account, options)),
  full: await attempt(() => hibp.breachedAccount(account, { ...options, truncate: false })),
  withoutPlus: await attempt(() => hibp.breachedAccount(account.replace('+', ''), options)),
  notFound: await attempt(() => hibp.breachedAccount('+447700900999', options)),
  badKey: await attempt(() => hibp.breachedAccount(account, { ...options, apiKey: 'exk_wrong' })),
  noKey: await attempt(() => hibp.breachedAccount(account, { ...options, apiKey: undefined })),
  notANumber: await attempt(() => hibp.breachedAccount('someone@example.com', options)),
  search: await attempt(() => hibp.search(account, options)),
  breaches: await attempt(() => hibp.breaches({ baseUrl })),
  breachesForDomain: await attempt(() => hibp.breaches({ baseUrl, domain: 'cowin2023.example' })),
  breach: await attempt(() => hibp.breach('CoWIN2023', { baseUrl })),
  unknownBreach: await attempt(() => hibp.breach('NoSuchBreach', { baseUrl })),
  dataClasses: await attempt(() => hibp.dataClasses({ baseUrl })),
  latestBreach: await attempt(() => hibp.latestBreach({ baseUrl })),
  // What this API does not offer must fail loudly, never read as "no data".
  breachedDomain: await attempt(() => hibp.breachedDomain('example.com', options)),
  pasteAccount: await attempt(() => hibp.pasteAccount('someone@example.com', options)),
  subscribedDomains: await attempt(() => hibp.subscribedDomains(options)),
  subscriptionStatus: await attempt(() => hibp.subscriptionStatus(options)),
  stealerLogsByEmail: await attempt(() => hibp.stealerLogsByEmail('someone@example.com', options)),
  stealerLogsByWebsiteDomain: await attempt(() => hibp.stealerLogsByWebsiteDomain('example.com', options)),
  stealerLogsByEmailDomain: await attempt(() => hibp.stealerLogsByEmailDomain('example.com', options)),
  pwnedPasswordRange: await attempt(() => hibp.pwnedPasswordRange('5BAA6', { baseUrl })),
  pwnedPassword: await attempt(() => hibp.pwnedPassword('password', { baseUrl })),
};
console.log(JSON.stringify(results));
