// The citizens' page works without this script: the form posts and the server answers with the page. With it, the
// same form is sent with fetch and only the answer is swapped in, so the page does not reload; switching language
// with an answer on screen asks again in the new language. The number goes in the POST body only, never in a URL,
// history, storage or a cookie.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  let form;
  let phone;
  let submit;

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

  const send = () => fetch(form.action, {
    method: 'POST',
    body: new URLSearchParams(new FormData(form)),
    headers: { Accept: 'text/html' },
    credentials: 'omit',
    cache: 'no-store',
    referrerPolicy: 'no-referrer',
  }).then(async (response) => new DOMParser().parseFromString(await response.text(), 'text/html'));

  async function check(event) {
    event.preventDefault();
    const label = submit.textContent;
    submit.disabled = true;
    submit.textContent = form.dataset.checking;
    try {
      show(await send());
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

  // With an answer on screen, a language link asks again in that language and shows the whole page in it, keeping
  // what was typed; otherwise it is the plain link it is without script.
  async function switchLanguage(event) {
    const link = event.currentTarget;
    if (!phone.value.trim() || $('result').children.length === 0) return;
    event.preventDefault();
    form.elements.lang.value = link.hreflang;
    try {
      const page = await send();
      const typed = phone.value;
      document.documentElement.lang = page.documentElement.lang;
      document.title = page.title;
      document.body.replaceWith(document.importNode(page.body, true));
      history.replaceState(null, '', link.href);
      start();
      phone.value = typed;
    } catch {
      window.location.assign(link.href);
    }
  }

  function start() {
    form = $('check');
    phone = $('phone');
    submit = $('submit');
    form.addEventListener('submit', check);
    document.querySelectorAll('a.lang').forEach((link) => link.addEventListener('click', switchLanguage));
  }

  start();
})();
