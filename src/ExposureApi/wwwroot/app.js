// The citizens' page works without this script: the form posts and the server answers with the page. With it, the
// same form is sent with fetch and only the answer is swapped in, so the page does not reload; country names are
// shown in the page's language. The number goes in the POST body only, never in a URL, history, storage or a cookie.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const form = $('check');
  const phone = $('phone');
  const region = $('region');
  const submit = $('submit');
  const lang = document.documentElement.lang;

  // "IN (+91)" becomes "India (+91)" or "भारत (+91)", sorted as the language sorts.
  function nameRegions() {
    if (typeof Intl.DisplayNames !== 'function') return;
    const names = new Intl.DisplayNames([lang, 'en'], { type: 'region' });
    const options = [...region.options].map((option) => {
      const code = option.value;
      option.textContent = option.textContent.replace(code, names.of(code) || code);
      return option;
    });
    options.sort((a, b) => a.textContent.localeCompare(b.textContent, lang));
    const selected = region.value;
    region.replaceChildren(...options);
    region.value = selected;
  }

  // Takes the answer, and the field's error state, from a page the server rendered.
  function show(page) {
    const error = $('phone-error');
    const answered = page.getElementById('phone-error');
    error.textContent = answered.textContent;
    error.hidden = answered.hidden;
    if (answered.hidden) phone.removeAttribute('aria-invalid'); else phone.setAttribute('aria-invalid', 'true');
    $('result').replaceChildren(...[...page.getElementById('result').childNodes].map((node) => document.importNode(node, true)));
    if (!answered.hidden) phone.focus(); else $('result').focus();
  }

  async function check(event) {
    event.preventDefault();
    const label = submit.textContent;
    submit.disabled = true;
    submit.textContent = form.dataset.checking;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: 'text/html' },
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
      show(new DOMParser().parseFromString(await response.text(), 'text/html'));
    } catch {
      const notice = document.createElement('div');
      notice.className = 'notice exposed';
      const heading = document.createElement('h2');
      heading.textContent = form.dataset.unreachable;
      notice.append(heading);
      $('result').replaceChildren(notice);
    } finally {
      submit.disabled = false;
      submit.textContent = label;
    }
  }

  nameRegions();
  form.addEventListener('submit', check);
})();
