/*
 * <task-list base_url="/api/tasks"> — Brinjal's tasks as a drop-in web component.
 *
 * One script tag, no dependencies: cards with status, progress, heading, body and image, a
 * details dialog (error, traceback, parameters, results), cancel and delete, a "New task" form
 * drawn from GET /task_types, a Recurring tab and the semaphores.
 *
 * Live updates come over ONE connection per element: a WebSocket subscribed to the queue with
 * every task's changes ({"op":"subscribe","queue":true,"task_updates":true}); if WebSockets do
 * not get through (a proxy that refuses the upgrade), one Server-Sent Events stream carrying
 * the same events (GET /queue/stream?task_updates=true). After any disconnect it reconnects by
 * itself and starts from a fresh snapshot, so its list is whole again.
 *
 * Attributes: base_url (where the API is mounted; default: where this script came from),
 * transport ("auto" | "websocket" | "sse"), hide (any of "form semaphores recurring"),
 * theme ("light" | "dark" | "auto"). Host attributes data-connection and data-transport tell
 * the page how the element is connected. Events: "task-updated" (detail: the task JSON).
 *
 * Safety: every string a task supplies is rendered with textContent or a checked attribute,
 * never as HTML; image URLs must be http(s), relative, or data:image/.
 */
(() => {
  'use strict';

  if (window.BrinjalTaskList) return; // the script is on the page twice: the first one does it all

  // must be read while this (classic) script runs: afterwards currentScript is gone
  const SCRIPT_URL = document.currentScript && document.currentScript.src;
  const HERE = SCRIPT_URL || new URL('static/TaskList.js', document.baseURI).href;

  /*
   * The component is a few files beside this one, with no build step: task-list/util.js (shared
   * pieces), connection.js (API requests and the live feed), rendering.js (the cards and the
   * semaphores), dialogs.js (task details), form.js (New task), recurring.js (the Recurring
   * tab), and the stylesheet TaskList.css. This script loads them as classic scripts, in order
   * (they need no CORS, unlike modules, so a page on another origin can embed the element with
   * this one tag), then defines <task-list>. The parts share one namespace,
   * window.BrinjalTaskList; rendering, dialogs, form and recurring each add a class whose
   * methods join the element's.
   */
  const ns = window.BrinjalTaskList = { parts: [], sheet: null, cssUrl: new URL('TaskList.css', HERE).href };
  const PARTS = ['util', 'connection', 'rendering', 'dialogs', 'form', 'recurring'];

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = false; // run in the order inserted
      script.addEventListener('load', resolve);
      script.addEventListener('error', () => reject(new Error(`could not load ${src}`)));
      document.head.append(script);
    });
  }

  /** The stylesheet, constructed once for every element; null on another origin (see the constructor). */
  async function loadSheet(href) {
    if (new URL(href).origin !== window.location.origin) return null;
    const response = await fetch(href);
    if (!response.ok) throw new Error(`could not load ${href}: HTTP ${response.status}`);
    const sheet = new CSSStyleSheet(); // constructed: works under a strict style-src
    sheet.replaceSync(await response.text());
    return sheet;
  }

  function defineElement() {
    const { FILTERS, h, icon, tokenKey, readStored, writeStored, statusOf, request, LiveFeed } = window.BrinjalTaskList;

    class TaskList extends HTMLElement {
      static get observedAttributes() {
        return ['base_url', 'transport', 'token'];
      }

      constructor() {
        super();
        this.attachShadow({ mode: 'open' });
        if (ns.sheet) {
          this.shadowRoot.adoptedStyleSheets = [ns.sheet];
        } else { // a page on another origin: a <link> needs no CORS, fetch would
          this.shadowRoot.append(h('link', { rel: 'stylesheet', href: ns.cssUrl }));
        }
        this.tasks = new Map();      // task_id → latest task JSON
        this.cards = new Map();      // task_id → card view
        this.dirty = new Set();
        this.frameRequested = false;
        this.filter = 'all';
        this.semaphores = [];
        this.taskTypes = [];
        this.dialogTaskId = null;
        this.feed = null;
        this.generation = 0;
        this.built = false;
        this.recurringTimer = null;
        this.noticeTimer = null;
        this.semaphoreTimer = null;
      }

      get baseUrl() {
        const attr = this.getAttribute('base_url');
        let base;
        if (attr) {
          base = new URL(attr, document.baseURI).href;
        } else if (SCRIPT_URL && /\/static\/TaskList\.js(?:[?#].*)?$/.test(SCRIPT_URL)) {
          base = SCRIPT_URL.replace(/\/static\/TaskList\.js(?:[?#].*)?$/, '');
        } else {
          base = window.location.origin;
        }
        return base.replace(/\/+$/, '');
      }

      /** The token typed into this tab's prompt for this server, else the token attribute. */
      get token() {
        return readStored(tokenKey(this.baseUrl)) || this.getAttribute('token') || '';
      }

      /**
       * An API call with this element's token: resolves to the JSON answer, or rejects with an
       * error whose message is the server's detail and whose status is the HTTP status.
       */
      request(method, path, body, headers) {
        return request(this.baseUrl, this.token, method, path, body, headers);
      }

      hidden(part) {
        return (this.getAttribute('hide') || '').split(/\s+/).includes(part);
      }

      connectedCallback() {
        if (!this.built) this.build();
        this.start();
      }

      disconnectedCallback() {
        this.stop();
      }

      attributeChangedCallback(name, oldValue, newValue) {
        if (oldValue !== newValue && this.isConnected && this.built) {
          this.stop();
          this.start();
        }
      }

      async start() {
        const generation = ++this.generation;
        if (!(await this.checkAccess()) || generation !== this.generation) return;
        const mode = ['websocket', 'sse'].includes(this.getAttribute('transport'))
          ? this.getAttribute('transport') : 'auto';
        this.feed = new LiveFeed(this.baseUrl, this.token, mode, {
          state: (state, transport) => this.connectionState(state, transport),
          snapshot: (tasks) => this.onSnapshot(tasks),
          added: (task) => this.upsert(task),
          removed: (id) => this.remove(id),
          updated: (task) => this.onUpdate(task),
        });
        this.feed.start();
        if (!this.hidden('form')) this.loadTaskTypes();
        if (this.tab === 'recurring') this.showTab('recurring');
      }

      stop() {
        this.generation += 1;
        if (this.feed) this.feed.stop();
        this.feed = null;
        clearTimeout(this.recurringTimer);
      }

      // ------------------------------------------------------------ layout

      build() {
        this.built = true;
        const root = this.shadowRoot;
        this.statusPill = h('span', { class: 'conn', role: 'status', text: 'Connecting…' });
        this.deleteCompletedButton = h('button', {
          class: 'btn delete-completed', type: 'button', onclick: () => this.deleteCompleted(),
        }, icon('trash'), 'Delete completed');
        this.notice = h('div', { class: 'notice', role: 'alert', hidden: true });

        this.tabButtons = {
          tasks: h('button', { class: 'tab', type: 'button', role: 'tab', 'aria-selected': 'true',
            onclick: () => this.showTab('tasks') }, 'Tasks ', h('span', { class: 'count', text: '0' })),
          recurring: h('button', { class: 'tab', type: 'button', role: 'tab', 'aria-selected': 'false',
            onclick: () => this.showTab('recurring') }, 'Recurring'),
        };
        this.filterButtons = new Map();
        const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Show' });
        for (const [key, label] of FILTERS) {
          const count = h('span', { class: 'count', text: '0' });
          const button = h('button', {
            class: 'chip', type: 'button', 'data-filter': key, 'aria-pressed': String(key === this.filter),
            onclick: () => this.setFilter(key),
          }, label + ' ', count);
          this.filterButtons.set(key, { button, count });
          filters.append(button);
        }
        this.list = h('div', { class: 'list' });
        this.empty = h('div', { class: 'empty' },
          h('strong', { text: 'No tasks yet' }),
          h('span', { text: 'Tasks appear here as soon as they are created.' }));
        this.tasksView = h('section', { class: 'view', role: 'tabpanel' }, filters, this.empty, this.list);
        this.recurringView = h('section', { class: 'view', role: 'tabpanel', hidden: true });

        const side = h('aside', { class: 'side' });
        if (!this.hidden('form')) side.append(this.buildForm());
        if (!this.hidden('semaphores')) {
          this.semaphoreList = h('ul', { class: 'semaphores' });
          side.append(h('section', { class: 'panel' }, h('h2', { text: 'Semaphores' }), this.semaphoreList));
        }

        const tabs = h('nav', { class: 'tabs', role: 'tablist' }, this.tabButtons.tasks);
        if (!this.hidden('recurring')) tabs.append(this.tabButtons.recurring);
        root.append(
          h('header', { class: 'top' },
            tabs,
            h('div', { class: 'tools' }, this.statusPill, this.deleteCompletedButton)),
          this.notice,
          h('div', { class: side.childElementCount ? 'layout' : 'layout single' },
            h('main', { class: 'main' }, this.buildAuthForm(), this.tasksView, this.recurringView),
            side.childElementCount ? side : null),
          this.buildDialog());
        this.tab = 'tasks';
        this.renderCounts();
      }

      showTab(name) {
        this.tab = name;
        for (const [key, button] of Object.entries(this.tabButtons)) {
          button.setAttribute('aria-selected', String(key === name));
        }
        this.tasksView.hidden = name !== 'tasks';
        this.recurringView.hidden = name !== 'recurring';
        clearTimeout(this.recurringTimer);
        if (name === 'recurring') this.loadRecurring();
      }

      setFilter(key) {
        this.filter = key;
        for (const [k, { button }] of this.filterButtons) button.setAttribute('aria-pressed', String(k === key));
        for (const [id, card] of this.cards) card.root.hidden = !this.matchesFilter(this.tasks.get(id));
        this.renderCounts();
      }

      matchesFilter(task) {
        const entry = FILTERS.find(([key]) => key === this.filter);
        return !entry || entry[2](statusOf(task));
      }

      connectionState(state, transport) {
        if (state === 'reconnecting' && this.dataset.connection !== 'reconnecting') this.recheckAccess();
        this.dataset.connection = state;
        this.dataset.transport = transport;
        const name = transport === 'sse' ? 'Server-Sent Events' : 'WebSocket';
        this.statusPill.dataset.state = state;
        this.statusPill.textContent = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
        this.statusPill.title = `${state === 'live' ? 'Connected' : 'Connecting'} over ${name}`;
      }

      /** True when the server answers; false (and the token prompt shown) when it wants a token. */
      async checkAccess() {
        try {
          const semaphores = await this.request('GET', '/semaphores');
          this.semaphores = Array.isArray(semaphores) ? semaphores : [];
          this.renderSemaphores();
        } catch (e) {
          if (e.status === 401) {
            this.askForToken(this.token ? 'The server refused this token.' : '');
            return false;
          }
          // unreachable for now: the live connection keeps trying
        }
        this.authForm.hidden = true;
        this.tasksView.hidden = this.tab !== 'tasks';
        return true;
      }

      /** A token that stopped working (rotated on the server) brings the prompt back. */
      async recheckAccess() {
        const generation = this.generation;
        try {
          await this.request('GET', '/semaphores');
        } catch (e) {
          if (e.status === 401 && generation === this.generation) {
            this.stop();
            this.askForToken('The server refused this token.');
          }
        }
      }

      askForToken(problem) {
        writeStored(tokenKey(this.baseUrl), null);
        this.connectionState('auth', this.feed ? this.feed.transport() : 'websocket');
        this.statusPill.textContent = 'Needs a token';
        this.authError.textContent = problem;
        this.authError.hidden = !problem;
        this.authForm.hidden = false;
        this.tasksView.hidden = true;
        this.recurringView.hidden = true;
        this.authInput.focus();
      }

      submitToken() {
        const token = this.authInput.value.trim();
        if (!token) return;
        this.authInput.value = '';
        writeStored(tokenKey(this.baseUrl), token); // this tab only: sessionStorage
        this.stop();
        this.start();
      }

      buildAuthForm() {
        this.authInput = h('input', { type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false',
          'aria-label': 'Access token' });
        this.authError = h('p', { class: 'form-error', role: 'alert', hidden: true });
        this.authForm = h('form', { class: 'panel auth', hidden: true, onsubmit: (e) => { e.preventDefault(); this.submitToken(); } },
          h('h2', { text: 'Access token' }),
          h('p', { class: 'hint', text: 'This server asks for a token. It is kept in this tab only.' }),
          this.authError,
          h('div', { class: 'auth-row' }, this.authInput,
            h('button', { class: 'btn primary', type: 'submit' }, 'Connect')));
        return this.authForm;
      }

      showNotice(message) {
        this.notice.textContent = message;
        this.notice.hidden = false;
        clearTimeout(this.noticeTimer);
        this.noticeTimer = setTimeout(() => { this.notice.hidden = true; }, 6000);
      }
    }

    for (const part of ns.parts) {
      for (const name of Object.getOwnPropertyNames(part.prototype)) {
        if (name !== 'constructor') {
          Object.defineProperty(TaskList.prototype, name, Object.getOwnPropertyDescriptor(part.prototype, name));
        }
      }
    }

    if (!customElements.get('task-list')) customElements.define('task-list', TaskList);
  }

  Promise.all([...PARTS.map((p) => loadScript(new URL(`task-list/${p}.js`, HERE).href)), loadSheet(ns.cssUrl)])
    .then((loaded) => {
      ns.sheet = loaded[loaded.length - 1];
      defineElement();
    })
    .catch((e) => console.error('<task-list> could not start:', e));
})();
