// The citizens' page. No framework and no third-party code; the number is sent in a POST body only, and never put
// in the URL, history, storage or a cookie. Every string comes from /i18n/<lang>.json.
'use strict';

(() => {
  const languages = ['en', 'hi'];
  const state = { lang: 'en', strings: {}, regions: [], defaultRegion: 'IN' };
  const $ = (id) => document.getElementById(id);
  const form = $('check');
  const phone = $('phone');
  const region = $('region');
  const submit = $('submit');
  const error = $('phone-error');
  const result = $('result');

  const format = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ''));
  const t = (key, values = {}) => format(key.split('.').reduce((o, k) => (o ? o[k] : undefined), state.strings) ?? key, values);

  const element = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  };

  async function loadLanguage(lang) {
    const response = await fetch(`/i18n/${lang}.json`);
    state.strings = await response.json();
    state.lang = lang;
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach((node) => { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll('[data-i18n-aria]').forEach((node) => node.setAttribute('aria-label', t(node.dataset.i18nAria)));
    document.querySelectorAll('.lang').forEach((button) => button.setAttribute('aria-pressed', String(button.dataset.lang === lang)));
    renderRegions();
    if (state.last) state.last();
  }

  function renderRegions() {
    const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames([state.lang, 'en'], { type: 'region' }) : null;
    const selected = region.value || state.defaultRegion;
    const options = state.regions
      .map((r) => ({ ...r, name: (names && names.of(r.code)) || r.code }))
      .sort((a, b) => a.name.localeCompare(b.name, state.lang));
    region.replaceChildren(...options.map((r) => element('option', { value: r.code }, `${r.name} (+${r.callingCode})`)));
    region.value = selected;
  }

  function showFieldError(message) {
    error.textContent = message;
    error.hidden = false;
    phone.setAttribute('aria-invalid', 'true');
    phone.focus();
  }

  function clearFieldError() {
    error.textContent = '';
    error.hidden = true;
    phone.removeAttribute('aria-invalid');
  }

  function showNotice(kind, title, ...body) {
    result.replaceChildren(element('div', { class: `notice ${kind}` }, element('h2', {}, title), ...body));
  }

  // Descriptions are HTML from breach metadata; only their text is shown, so no markup from the store can run here.
  const textOf = (html) => new DOMParser().parseFromString(html, 'text/html').body.textContent.trim();

  function breachCard(breach) {
    const date = new Date(`${breach.breachDate}T00:00:00Z`).toLocaleDateString(state.lang === 'hi' ? 'hi-IN' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
    const advice = state.strings.advice || {};
    const steps = [...new Set(breach.dataClasses.map((c) => advice[c]).filter(Boolean))];
    if (steps.length === 0) steps.push(advice.default);
    return element('article', { class: 'card' },
      element('h3', {}, breach.title),
      element('p', { class: 'meta' }, `${t('breachDate', { date })} · ${t('records', { count: breach.pwnCount.toLocaleString(state.lang === 'hi' ? 'hi-IN' : 'en-IN') })}`),
      element('h4', {}, t('leaked')),
      element('ul', { class: 'badges' }, ...breach.dataClasses.map((c) => element('li', {}, c))),
      element('p', {}, textOf(breach.description)),
      element('h4', {}, t('nextSteps')),
      element('ul', { class: 'steps' }, ...steps.map((s) => element('li', {}, s))));
  }

  function render(answer) {
    if (answer.exposed) {
      showNotice('exposed', t('exposedTitle', { count: answer.breaches.length }), element('p', {}, t('exposedLead')), ...answer.breaches.map(breachCard));
    } else {
      showNotice('safe', t('safeTitle'), element('p', {}, t('safeText')));
    }
  }

  async function check(event) {
    event.preventDefault();
    clearFieldError();
    result.replaceChildren();
    state.last = null;
    submit.disabled = true;
    submit.textContent = t('checking');
    try {
      const response = await fetch('/api/v1/check', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ phoneNumber: phone.value, region: region.value }),
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
      if (response.ok) {
        const answer = await response.json();
        state.last = () => render(answer);
        state.last();
      } else if (response.status === 400) {
        const problem = await response.json().catch(() => ({}));
        const reason = problem.reason || 'other';
        state.last = () => showFieldError(t(`errors.${reason}`) === `errors.${reason}` ? t('errors.other') : t(`errors.${reason}`));
        state.last();
      } else if (response.status === 429) {
        const seconds = Number.parseInt(response.headers.get('Retry-After') || '60', 10);
        state.last = () => showNotice('exposed', t('rateLimited', { seconds }));
        state.last();
      } else {
        state.last = () => showNotice('exposed', t('serverError'));
        state.last();
      }
    } catch {
      state.last = () => showNotice('exposed', t('unreachable'));
      state.last();
    } finally {
      submit.disabled = false;
      submit.textContent = t('submit');
    }
  }

  async function start() {
    form.addEventListener('submit', check);
    document.querySelectorAll('.lang').forEach((button) => button.addEventListener('click', () => loadLanguage(button.dataset.lang)));
    try {
      const response = await fetch('/api/v1/regions');
      const regions = await response.json();
      state.regions = regions.regions;
      state.defaultRegion = regions.defaultRegion;
    } catch {
      state.regions = [{ code: 'IN', callingCode: 91 }];
    }
    const preferred = (navigator.languages || []).map((l) => l.slice(0, 2)).find((l) => languages.includes(l));
    await loadLanguage(preferred || 'en');
    region.value = state.defaultRegion;
  }

  start();
})();
