// Show-password toggles and strength meters for every password field (ASVS 2.1.8, 2.1.12). A file rather than
// inline script: the pages' Content-Security-Policy allows no inline script. Listeners sit on the document, so the
// fields of static pages and of interactive ones (whose DOM Blazor replaces) are served alike.
(() => {
  'use strict';

  const tokenName = '__RequestVerificationToken';
  const timers = new WeakMap();
  let ticket = 0;

  document.addEventListener('click', event => {
    const button = event.target instanceof Element ? event.target.closest('[data-reveal]') : null;
    const input = button && document.getElementById(button.getAttribute('data-reveal'));
    if (!input) {
      return;
    }

    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    button.classList.toggle('shown', show);
    const word = button.querySelector('.reveal-word');
    if (word) {
      word.textContent = show ? 'Hide' : 'Show';
    }
  });

  document.addEventListener('input', event => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.id) {
      return;
    }

    const meter = document.querySelector(`[data-strength-for="${CSS.escape(input.id)}"]`);
    if (!meter) {
      return;
    }

    clearTimeout(timers.get(meter));
    timers.set(meter, setTimeout(() => measure(input, meter), 250));
  });

  // A form sent (an Admin's add or reset clears its field) starts its meters afresh.
  document.addEventListener('submit', event => {
    if (event.target instanceof HTMLFormElement) {
      event.target.querySelectorAll('[data-strength-for]').forEach(meter => show(meter, null));
    }
  });

  async function measure(input, meter) {
    const password = input.value;
    if (!password) {
      show(meter, null);
      return;
    }

    const token = (input.form && input.form.querySelector(`input[name="${tokenName}"]`)) || document.querySelector(`input[name="${tokenName}"]`);
    const body = new URLSearchParams({ password });
    const from = meter.getAttribute('data-strength-user-input');
    const userName = (from && document.getElementById(from)?.value) || meter.getAttribute('data-strength-user');
    if (userName) {
      body.append('userName', userName);
    }

    if (token) {
      body.append(tokenName, token.value);
    }

    const mine = ++ticket;
    meter.dataset.ticket = String(mine);
    try {
      const response = await fetch('account/password-strength', { method: 'POST', body, credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) {
        throw new Error(String(response.status));
      }

      const strength = await response.json();
      if (meter.dataset.ticket === String(mine) && input.value === password) {
        show(meter, strength);
      }
    } catch {
      if (meter.dataset.ticket === String(mine)) {
        show(meter, { score: -1, label: '', acceptable: true, message: 'The strength check is not available; the password is checked when you save it.', suggestions: [] });
      }
    }
  }

  function show(meter, strength) {
    const text = meter.querySelector('.strength-text');
    if (!strength) {
      delete meter.dataset.score;
      meter.removeAttribute('data-acceptable');
      if (text) {
        text.textContent = '';
      }
      return;
    }

    meter.dataset.score = String(strength.score);
    meter.setAttribute('data-acceptable', String(strength.acceptable));
    if (text) {
      const advice = strength.acceptable ? [] : strength.suggestions.filter(s => !strength.message.includes(s.replace(/\.$/, '').toLowerCase()));
      text.textContent = [strength.label ? `${strength.label}.` : '', strength.message, ...advice].filter(Boolean).join(' ');
    }
  }
})();
