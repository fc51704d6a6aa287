// Starts Swagger UI on this server's openapi.json. A script file, not inline code: the page runs
// under a Content-Security-Policy without 'unsafe-inline' scripts.
(() => {
  'use strict';

  // the API's base URL and the key the dashboard (TaskList.js) keeps this tab's token under,
  // so a token typed there is used here, and the other way round
  const base = new URL('.', window.location.href).href.replace(/\/+$/, '');
  const tokenKey = `brinjal-token ${base}`;

  function readToken() {
    try {
      return window.sessionStorage.getItem(tokenKey) || '';
    } catch (e) {
      return ''; // storage blocked
    }
  }

  function writeToken(value) {
    try {
      window.sessionStorage.setItem(tokenKey, value);
    } catch (e) {
      // storage blocked: the token lasts until the page reloads
    }
  }

  let token = readToken();
  const form = document.querySelector('form.token');
  const note = form.querySelector('.token-note');

  function askForToken(message) {
    note.textContent = message;
    form.hidden = false;
    form.elements.token.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = form.elements.token.value.trim();
    if (!typed) return;
    token = typed;
    writeToken(token);
    form.hidden = true;
    start();
  });

  let ui = null;
  async function start() {
    // the document is behind the token when the server has one: ask before Swagger UI fails on it
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const probe = await fetch('openapi.json', { headers, cache: 'no-store' });
    if (probe.status === 401) {
      askForToken(token ? 'The server refused this token.' : '');
      return;
    }
    ui = window.SwaggerUIBundle({
      url: 'openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      // the document's fetch and every "Try it out" request carry the token, unless one was
      // entered in Swagger UI's own "Authorize" dialog
      requestInterceptor: (request) => {
        if (token && !request.headers.Authorization) request.headers.Authorization = `Bearer ${token}`;
        return request;
      },
      onComplete: () => {
        if (token && ui) ui.preauthorizeApiKey('bearerAuth', token);
      },
    });
  }

  start().catch((e) => askForToken(`Could not load openapi.json: ${e.message}`));
})();
