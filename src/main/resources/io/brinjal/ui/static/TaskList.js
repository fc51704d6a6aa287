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

  // must be read while this (classic) script runs: afterwards currentScript is gone
  const SCRIPT_URL = document.currentScript && document.currentScript.src;

  const STATUSES = {
    queued: 'QUEUED', running: 'RUNNING', cancelling: 'CANCELLING',
    done: 'DONE', failed: 'FAILED', cancelled: 'CANCELLED',
  };
  const ACTIVE = new Set(['queued', 'running', 'cancelling']);
  const FILTERS = [
    ['all', 'All', () => true],
    ['active', 'Active', (s) => ACTIVE.has(s)],
    ['done', 'Done', (s) => s === 'done'],
    ['failed', 'Failed', (s) => s === 'failed'],
    ['cancelled', 'Cancelled', (s) => s === 'cancelled'],
  ];
  const ICONS = {
    trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3',
    stop: 'M7 7h10v10H7z',
    info: 'M12 8h.01M11 12h1v5h1M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
    close: 'M6 6l12 12M18 6L6 18',
    copy: 'M9 9h10v12H9zM5 15V3h10',
    plus: 'M12 5v14M5 12h14',
  };

  // ---------------------------------------------------------------- DOM helpers (no HTML parsing)

  /** Builds an element: props are attributes, except text (textContent) and on* (listeners). */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'text') el.textContent = String(value);
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function icon(name) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'icon');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', ICONS[name]);
    svg.append(path);
    return svg;
  }

  function text(value) {
    return value === null || value === undefined ? '' : String(value);
  }

  /** An image URL we are willing to load: http(s) (also relative) or an inline data:image/. */
  function safeImageUrl(value) {
    if (typeof value !== 'string') return null;
    const v = value.trim();
    if (v === '' || v.length > 2_000_000) return null;
    if (/^data:image\/[a-z0-9.+-]+[;,]/i.test(v)) return v;
    try {
      const url = new URL(v, document.baseURI);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function tokenKey(base) {
    return `brinjal-token ${base}`;
  }

  function readStored(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (e) {
      return null; // storage blocked (sandboxed frame, privacy settings)
    }
  }

  function writeStored(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (e) {
      // storage blocked: the token lasts until the page reloads
    }
  }

  function parseTime(iso) {
    if (typeof iso !== 'string') return null;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  function formatTime(iso) {
    const d = parseTime(iso);
    if (!d) return '';
    const sameDay = d.toDateString() === new Date().toDateString();
    return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
  }

  function formatDuration(fromIso, toIso) {
    const from = parseTime(fromIso);
    const to = parseTime(toIso);
    if (!from || !to) return '';
    const ms = Math.max(0, to - from);
    if (ms < 1000) return `${ms} ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
    const s = Math.round(ms / 1000);
    if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
    return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  }

  function progressOf(task) {
    const p = Number(task.progress);
    if (!Number.isFinite(p)) return 0;
    return p < 0 ? -1 : Math.min(100, Math.round(p));
  }

  function statusOf(task) {
    return Object.prototype.hasOwnProperty.call(STATUSES, task.status) ? task.status : 'unknown';
  }

  // ---------------------------------------------------------------- HTTP

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  async function request(base, token, method, path, body) {
    const init = { method, headers: { Accept: 'application/json' } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = body;
    }
    let response;
    try {
      response = await fetch(base + path, init);
    } catch (e) {
      throw new ApiError(0, 'the server cannot be reached');
    }
    const raw = await response.text();
    let data = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const detail = data && typeof data.detail === 'string' ? data.detail : `HTTP ${response.status}`;
      throw new ApiError(response.status, detail);
    }
    return data;
  }

  // ---------------------------------------------------------------- the one live connection

  /**
   * Keeps one connection to the server and turns its frames into snapshot / added / removed /
   * updated calls. Reconnects with a growing delay; every (re)connect starts from a snapshot,
   * never from a resume point: after a server restart, old sequence numbers mean nothing.
   */
  class LiveFeed {
    constructor(base, token, mode, listener) {
      this.base = base;
      this.token = token;
      this.mode = mode;
      this.listener = listener;
      this.useSse = mode === 'sse';
      this.webSocketWorked = false;
      this.attempt = 0;
      this.stopped = false;
      this.timer = null;
      this.socket = null;
      this.source = null;
    }

    start() {
      this.stopped = false;
      this.connect();
    }

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      this.closeConnection();
    }

    closeConnection() {
      if (this.socket) {
        this.socket.onopen = this.socket.onmessage = this.socket.onclose = this.socket.onerror = null;
        this.socket.close();
        this.socket = null;
      }
      if (this.source) {
        this.source.onmessage = this.source.onerror = null;
        this.source.close();
        this.source = null;
      }
    }

    connect() {
      if (this.stopped) return;
      this.listener.state(this.attempt === 0 ? 'connecting' : 'reconnecting', this.transport());
      if (this.useSse) this.connectSse();
      else this.connectWebSocket();
    }

    transport() {
      return this.useSse ? 'sse' : 'websocket';
    }

    /** Browsers send no Authorization header on WebSocket or EventSource: the token rides along. */
    url(path) {
      const url = new URL(this.base + path);
      if (this.token) url.searchParams.set('access_token', this.token);
      return url;
    }

    connectWebSocket() {
      const url = this.url('/ws');
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      let opened = false;
      let socket;
      try {
        socket = new WebSocket(url.href);
      } catch (e) {
        this.lost(false);
        return;
      }
      this.socket = socket;
      socket.onopen = () => {
        opened = true;
        this.webSocketWorked = true;
        socket.send(JSON.stringify({ op: 'subscribe', queue: true, task_updates: true }));
      };
      socket.onmessage = (m) => this.frame(m.data);
      socket.onclose = () => this.lost(opened);
      socket.onerror = () => {}; // onclose follows
    }

    connectSse() {
      const url = this.url('/queue/stream');
      url.searchParams.set('task_updates', 'true');
      const source = new EventSource(url.href);
      this.source = source;
      source.onmessage = (m) => this.frame(m.data);
      // EventSource would reconnect with Last-Event-ID by itself; we want a fresh snapshot
      source.onerror = () => this.lost(true);
    }

    /** A WebSocket that never opened, on a page where none ever did: try SSE next (auto mode). */
    lost(hadOpened) {
      this.closeConnection();
      if (this.stopped) return;
      if (!hadOpened && !this.useSse && !this.webSocketWorked && this.mode === 'auto') {
        this.useSse = true;
        this.connect(); // at once: the server is there, only the upgrade failed
        return;
      }
      this.attempt += 1;
      const delay = Math.min(5000, 250 * 2 ** Math.min(this.attempt, 5)) * (0.75 + Math.random() / 2);
      this.listener.state('reconnecting', this.transport());
      this.timer = setTimeout(() => this.connect(), delay);
    }

    frame(data) {
      let event;
      try {
        event = JSON.parse(data);
      } catch (e) {
        return;
      }
      if (!event || typeof event !== 'object') return;
      switch (event.type) {
        case 'queue_updated':
          this.attempt = 0;
          this.listener.state('live', this.transport());
          this.listener.snapshot(Array.isArray(event.tasks) ? event.tasks : []);
          break;
        case 'task_added':
          if (event.task) this.listener.added(event.task);
          break;
        case 'task_removed':
          this.listener.removed(event.task_id);
          break;
        case 'task_updated':
          this.listener.updated(event);
          break;
        case 'error':
          console.warn('task-list: server refused a request:', event.detail);
          break;
        case undefined:
          if (typeof event.task_id === 'string') this.listener.updated(event); // SSE task event
          break;
        default:
          break; // acknowledgements and future event types
      }
    }
  }

  // ---------------------------------------------------------------- the element

  let sharedSheet = null;

  function styleSheet() {
    // a constructed sheet: works under a strict style-src, shared by every element on the page
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(CSS);
    }
    return sharedSheet;
  }

  class TaskList extends HTMLElement {
    static get observedAttributes() {
      return ['base_url', 'transport', 'token'];
    }

    constructor() {
      super();
      this.attachShadow({ mode: 'open' });
      this.shadowRoot.adoptedStyleSheets = [styleSheet()];
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
    request(method, path, body) {
      return request(this.baseUrl, this.token, method, path, body);
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

    // ------------------------------------------------------------ the task list

    onSnapshot(tasks) {
      const seen = new Set();
      for (const task of tasks) {
        if (!task || typeof task.task_id !== 'string') continue;
        seen.add(task.task_id);
        this.tasks.set(task.task_id, task);
        this.dirty.add(task.task_id);
      }
      for (const id of [...this.tasks.keys()]) if (!seen.has(id)) this.remove(id);
      // newest first: the snapshot is oldest first
      for (const task of tasks) {
        if (task && this.tasks.has(task.task_id)) this.list.prepend(this.cardFor(task.task_id).root);
      }
      this.scheduleRender();
      this.loadSemaphores();
    }

    upsert(task) {
      if (!task || typeof task.task_id !== 'string') return;
      const previous = this.tasks.get(task.task_id);
      const isNew = !previous;
      if (!previous || previous.status !== task.status) this.semaphoresChanged();
      this.tasks.set(task.task_id, task);
      if (isNew) this.list.prepend(this.cardFor(task.task_id).root);
      this.dirty.add(task.task_id);
      this.scheduleRender();
    }

    onUpdate(task) {
      // a late event for a task that is gone already (deleted, pruned) must not bring it back
      if (!task || !this.tasks.has(task.task_id)) return;
      this.upsert(task);
      this.dispatchEvent(new CustomEvent('task-updated', { detail: task }));
    }

    remove(id) {
      this.tasks.delete(id);
      this.dirty.delete(id);
      const card = this.cards.get(id);
      if (card) card.root.remove();
      this.cards.delete(id);
      if (this.dialogTaskId === id && this.dialog.open) this.dialog.close();
      this.scheduleRender();
    }

    scheduleRender() {
      if (this.frameRequested) return;
      this.frameRequested = true;
      // many events per frame become one paint per card
      requestAnimationFrame(() => {
        this.frameRequested = false;
        for (const id of this.dirty) {
          const task = this.tasks.get(id);
          if (task) this.renderCard(this.cardFor(id), task);
        }
        if (this.dialogTaskId && this.dirty.has(this.dialogTaskId) && this.dialog.open) {
          this.fillDialog(this.tasks.get(this.dialogTaskId));
        }
        this.dirty.clear();
        this.renderCounts();
      });
    }

    renderCounts() {
      const statuses = [...this.tasks.values()].map(statusOf);
      for (const [key, , test] of FILTERS) {
        this.filterButtons.get(key).count.textContent = String(statuses.filter(test).length);
      }
      this.tabButtons.tasks.querySelector('.count').textContent = String(statuses.length);
      const visible = [...this.tasks.values()].some((t) => this.matchesFilter(t));
      this.empty.hidden = visible;
      this.empty.firstChild.textContent = this.tasks.size === 0 ? 'No tasks yet' : 'Nothing to show';
      this.deleteCompletedButton.disabled = !statuses.some((s) => s === 'done' || s === 'failed' || s === 'cancelled');
    }

    cardFor(id) {
      let card = this.cards.get(id);
      if (card) return card;
      card = {};
      card.thumb = h('img', { class: 'thumb', alt: '', loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer', hidden: true });
      card.heading = h('h3', { class: 'heading' });
      card.badge = h('span', { class: 'badge' });
      card.type = h('span', { class: 'type' });
      card.body = h('p', { class: 'body' });
      card.fill = h('div', { class: 'fill' });
      card.bar = h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' }, card.fill);
      card.percent = h('span', { class: 'percent' });
      card.times = h('span', { class: 'times' });
      card.details = h('button', { class: 'btn icon-btn', type: 'button', title: 'Details', 'aria-label': 'Details',
        onclick: (e) => { e.stopPropagation(); this.openDialog(id); } }, icon('info'));
      card.cancel = h('button', { class: 'btn icon-btn', type: 'button', title: 'Cancel', 'aria-label': 'Cancel',
        onclick: (e) => { e.stopPropagation(); this.act('POST', `/${encodeURIComponent(id)}/cancel`); } }, icon('stop'));
      card.delete = h('button', { class: 'btn icon-btn danger', type: 'button', title: 'Delete', 'aria-label': 'Delete',
        onclick: (e) => { e.stopPropagation(); this.act('DELETE', `/${encodeURIComponent(id)}`); } }, icon('trash'));
      card.root = h('article', { class: 'card', 'data-task-id': id, onclick: () => { if (card.clickable) this.openDialog(id); },
        onkeydown: (e) => { if (card.clickable && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); this.openDialog(id); } } },
        card.thumb,
        h('div', { class: 'content' },
          h('div', { class: 'line' }, card.heading, card.badge),
          card.body,
          h('div', { class: 'progress' }, card.bar, card.percent),
          h('div', { class: 'meta' }, card.type, card.times)),
        h('div', { class: 'actions' }, card.details, card.cancel, card.delete));
      this.cards.set(id, card);
      return card;
    }

    renderCard(card, task) {
      const status = statusOf(task);
      const progress = status === 'done' ? 100 : progressOf(task);
      card.root.dataset.status = status;
      card.root.hidden = !this.matchesFilter(task);
      card.clickable = status === 'failed';
      if (card.clickable) card.root.setAttribute('tabindex', '0');
      else card.root.removeAttribute('tabindex');

      card.heading.textContent = text(task.heading) || text(task.task_type) || 'Task';
      card.heading.title = text(task.heading);
      card.badge.textContent = STATUSES[status] || text(task.status).toUpperCase() || '?';
      card.type.textContent = text(task.task_type);
      card.type.title = `Semaphore: ${text(task.semaphore_name)}`;
      card.body.textContent = text(task.body);
      card.body.hidden = card.body.textContent === '';

      const img = safeImageUrl(task.img);
      if (img) {
        if (card.thumb.getAttribute('src') !== img) card.thumb.setAttribute('src', img);
        card.thumb.hidden = false;
      } else {
        card.thumb.removeAttribute('src');
        card.thumb.hidden = true;
      }

      const indeterminate = progress < 0 && ACTIVE.has(status);
      card.bar.classList.toggle('indeterminate', indeterminate);
      card.fill.style.width = indeterminate ? '100%' : `${Math.max(0, progress)}%`;
      if (indeterminate) card.bar.removeAttribute('aria-valuenow');
      else card.bar.setAttribute('aria-valuenow', String(Math.max(0, progress)));
      card.percent.textContent = indeterminate ? '…' : status === 'queued' ? '' : `${Math.max(0, progress)}%`;

      card.times.textContent = this.timesText(task, status);
      card.cancel.hidden = !(status === 'queued' || status === 'running');
      card.delete.hidden = ACTIVE.has(status);
    }

    timesText(task, status) {
      const parts = [];
      if (status === 'queued') {
        parts.push(`Queued ${formatTime(task.created_at)}`);
        if (Number.isInteger(task.queue_position)) parts.push(`#${task.queue_position} in line`);
        const eta = formatTime(task.estimated_start_at);
        if (eta) parts.push(`starts ~${eta}`);
        return parts.join(' · ');
      }
      if (task.started_at) parts.push(`Started ${formatTime(task.started_at)}`);
      if (task.completed_at) {
        parts.push(`Completed ${formatTime(task.completed_at)}`);
        const took = formatDuration(task.started_at, task.completed_at);
        if (took) parts.push(`took ${took}`);
      }
      return parts.join(' · ');
    }

    async act(method, path) {
      try {
        await this.request(method, path);
      } catch (e) {
        this.showNotice(e.message);
      }
    }

    async deleteCompleted() {
      try {
        await this.request('DELETE', '/completed');
      } catch (e) {
        this.showNotice(e.message);
      }
    }

    // ------------------------------------------------------------ details dialog

    buildDialog() {
      const d = {};
      d.title = h('h2', { class: 'dialog-title', id: 'dialog-title' });
      d.badge = h('span', { class: 'badge' });
      d.facts = h('dl', { class: 'facts' });
      d.errorType = h('code', { class: 'error-type' });
      d.errorMessage = h('p', { class: 'error-message' });
      d.trace = h('pre', { class: 'trace', tabindex: '0' });
      d.copy = h('button', { class: 'btn copy', type: 'button', onclick: () => this.copyTrace() }, icon('copy'), 'Copy');
      d.error = h('section', { class: 'error' },
        h('h3', { text: 'Error' }), h('div', { class: 'error-line' }, d.errorType, d.errorMessage),
        h('div', { class: 'trace-head' }, h('h3', { text: 'Traceback' }), d.copy), d.trace);
      d.params = h('pre', { class: 'json params' });
      d.results = h('pre', { class: 'json results' });
      d.paramsSection = h('section', {}, h('h3', { text: 'Parameters' }), d.params);
      d.resultsSection = h('section', {}, h('h3', { text: 'Results' }), d.results);
      this.dialog = h('dialog', { class: 'details', 'aria-labelledby': 'dialog-title' },
        h('header', { class: 'dialog-head' },
          h('div', { class: 'line' }, d.title, d.badge),
          h('button', { class: 'btn icon-btn', type: 'button', title: 'Close', 'aria-label': 'Close',
            onclick: () => this.dialog.close() }, icon('close'))),
        h('div', { class: 'dialog-body' }, d.error, d.facts, d.paramsSection, d.resultsSection));
      this.dialog.addEventListener('click', (e) => { if (e.target === this.dialog) this.dialog.close(); });
      this.dialog.addEventListener('close', () => { this.dialogTaskId = null; });
      this.d = d;
      return this.dialog;
    }

    openDialog(id) {
      const task = this.tasks.get(id);
      if (!task) return;
      this.dialogTaskId = id;
      this.fillDialog(task);
      if (!this.dialog.open) this.dialog.showModal();
    }

    fillDialog(task) {
      const d = this.d;
      const status = statusOf(task);
      d.title.textContent = text(task.heading) || text(task.task_type) || 'Task';
      d.badge.textContent = STATUSES[status] || text(task.status).toUpperCase();
      d.badge.dataset.status = status;
      const hasError = task.error_message != null || task.error_type != null || task.error_traceback != null;
      d.error.hidden = !hasError;
      d.errorType.textContent = text(task.error_type) || 'Failure';
      d.errorMessage.textContent = text(task.error_message);
      d.trace.textContent = text(task.error_traceback) || '(no traceback: the task marked itself failed)';
      d.copy.hidden = !task.error_traceback;
      d.facts.replaceChildren();
      const facts = [
        ['Task id', task.task_id], ['Type', task.task_type], ['Semaphore', task.semaphore_name],
        ['Parent', task.parent_id], ['Created', formatTime(task.created_at)],
        ['Started', formatTime(task.started_at)], ['Completed', formatTime(task.completed_at)],
        ['Took', formatDuration(task.started_at, task.completed_at)], ['Body', task.body],
      ];
      for (const [label, value] of facts) {
        if (value === null || value === undefined || value === '') continue;
        d.facts.append(h('dt', { text: label }), h('dd', { text: value }));
      }
      d.params.textContent = JSON.stringify(task.params ?? {}, null, 2);
      d.paramsSection.hidden = !task.params || Object.keys(task.params).length === 0;
      d.results.textContent = JSON.stringify(task.results, null, 2);
      d.resultsSection.hidden = task.results === null || task.results === undefined;
    }

    async copyTrace() {
      const d = this.d;
      const value = [d.errorType.textContent + ': ' + d.errorMessage.textContent, d.trace.textContent].join('\n');
      try {
        await navigator.clipboard.writeText(value);
        this.flash(d.copy, 'Copied');
      } catch (e) {
        // no clipboard permission: select the traceback so Ctrl+C takes it
        const range = document.createRange();
        range.selectNodeContents(d.trace);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        this.flash(d.copy, 'Selected: press Ctrl+C');
      }
    }

    flash(button, label) {
      const original = button.lastChild.textContent;
      button.lastChild.textContent = label;
      setTimeout(() => { button.lastChild.textContent = original; }, 2000);
    }

    // ------------------------------------------------------------ semaphores

    async loadSemaphores() {
      if (!this.semaphoreList) return;
      try {
        const list = await this.request('GET', '/semaphores');
        this.semaphores = Array.isArray(list) ? list : [];
      } catch (e) {
        this.semaphores = [];
      }
      this.renderSemaphores();
    }

    /** The server's own counts (permits held, abandoned threads included), fetched after changes. */
    renderSemaphores() {
      if (!this.semaphoreList) return;
      const rows = this.semaphores.map((s) => {
        const limit = Number(s.limit) || 0;
        const running = Number(s.running) || 0;
        const fill = h('div', { class: 'fill' });
        fill.style.width = `${limit ? Math.min(100, (running / limit) * 100) : 0}%`;
        const abandoned = Number(s.abandoned) ? ` · ${s.abandoned} abandoned` : '';
        return h('li', { 'data-semaphore': text(s.name) },
          h('div', { class: 'line' },
            h('span', { class: 'name', text: s.name }),
            h('span', { class: 'numbers', text: `${running} / ${limit} running · ${text(s.waiting)} waiting${abandoned}` })),
          h('div', { class: 'meter' }, fill));
      });
      if (rows.length === 0) rows.push(h('li', { class: 'muted', text: 'No semaphores reported' }));
      this.semaphoreList.replaceChildren(...rows);
    }

    /** Semaphores have no stream: refresh when a task starts, ends or joins, at most twice a second. */
    semaphoresChanged() {
      if (!this.semaphoreList || this.semaphoreTimer) return;
      this.semaphoreTimer = setTimeout(() => {
        this.semaphoreTimer = null;
        this.loadSemaphores();
      }, 500);
    }

    // ------------------------------------------------------------ new task form

    buildForm() {
      this.typeSelect = h('select', { name: 'task_type', onchange: () => this.renderFields() });
      this.typeDescription = h('p', { class: 'hint' });
      this.fields = h('div', { class: 'fields' });
      this.formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
      this.formOk = h('p', { class: 'form-ok', role: 'status', hidden: true });
      this.createButton = h('button', { class: 'btn primary create', type: 'submit' }, icon('plus'), 'Create task');
      this.form = h('form', { class: 'new-task', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.submitForm(); } },
        h('label', { class: 'field' }, h('span', { class: 'label', text: 'Task type' }), this.typeSelect),
        this.typeDescription, this.fields, this.formError, this.formOk, this.createButton);
      return h('section', { class: 'panel' }, h('h2', { text: 'New task' }), this.form);
    }

    async loadTaskTypes() {
      try {
        const types = await this.request('GET', '/task_types');
        this.taskTypes = Array.isArray(types) ? types.filter((t) => t && typeof t.route === 'string') : [];
      } catch (e) {
        this.taskTypes = [];
        this.formError.textContent = `Task types could not be loaded: ${e.message}`;
        this.formError.hidden = false;
        return;
      }
      const previous = this.typeSelect.value;
      this.typeSelect.replaceChildren(...this.taskTypes.map((t) => h('option', { value: t.route, text: t.name })));
      if (this.taskTypes.some((t) => t.route === previous)) this.typeSelect.value = previous;
      this.formError.hidden = true;
      this.renderFields();
    }

    selectedType() {
      return this.taskTypes.find((t) => t.route === this.typeSelect.value);
    }

    renderFields() {
      const type = this.selectedType();
      this.typeDescription.textContent = type ? text(type.description) : '';
      this.typeDescription.hidden = !this.typeDescription.textContent;
      this.formError.hidden = true;
      this.formOk.hidden = true;
      const params = type && Array.isArray(type.params) ? type.params : [];
      this.fields.replaceChildren(...params.map((p) => this.field(p)));
    }

    field(param) {
      const name = text(param.name);
      const type = text(param.type);
      const def = param.default;
      let input;
      if (Array.isArray(param.enum) && param.enum.length > 0) {
        input = h('select', {}, ...param.enum.map((v) => h('option', { value: JSON.stringify(v), text: v })));
        input.value = JSON.stringify(def);
      } else if (type === 'boolean') {
        input = h('input', { type: 'checkbox' });
        input.checked = def === true;
      } else if (type === 'integer' || type === 'number') {
        input = h('input', { type: 'number', step: type === 'integer' ? '1' : 'any', inputmode: type === 'integer' ? 'numeric' : 'decimal' });
        input.value = def === null || def === undefined ? '' : String(def);
      } else if (type === 'array' || type === 'object') {
        input = h('textarea', { rows: '2', spellcheck: 'false' });
        input.value = def === null || def === undefined ? '' : JSON.stringify(def);
      } else {
        input = h('input', { type: 'text' });
        input.value = def === null || def === undefined ? '' : String(def);
      }
      input.setAttribute('name', name);
      input.dataset.type = type;
      input.dataset.enum = Array.isArray(param.enum) ? 'true' : 'false';
      input.dataset.hasDefault = def === null || def === undefined ? 'false' : 'true';
      const hint = param.description ? h('span', { class: 'hint', text: param.description }) : null;
      if (type === 'boolean') {
        return h('label', { class: 'field check' }, input, h('span', { class: 'label' }, h('code', { text: name })), hint);
      }
      return h('label', { class: 'field' },
        h('span', { class: 'label' }, h('code', { text: name }), h('span', { class: 'ptype', text: type })), input, hint);
    }

    /**
     * The form's values as JSON text of the parameters' own types. Integers keep every digit
     * (no trip through a double); an empty number or an empty string without a default is left
     * out, so the server's default applies.
     */
    formBody() {
      const entries = [];
      for (const input of this.fields.querySelectorAll('[name]')) {
        const name = input.getAttribute('name');
        const type = input.dataset.type;
        let json;
        if (input.dataset.enum === 'true') {
          json = input.value;
        } else if (type === 'boolean') {
          json = input.checked ? 'true' : 'false';
        } else if (type === 'integer' || type === 'number') {
          const raw = input.value.trim();
          if (raw === '') {
            if (input.validity && input.validity.badInput) throw new Error(`parameter '${name}' must be a number`);
            continue;
          }
          if (/^[-+]?\d+$/.test(raw)) json = BigInt(raw).toString();
          else if (Number.isFinite(Number(raw))) json = JSON.stringify(Number(raw));
          else throw new Error(`parameter '${name}' must be a number`);
        } else if (type === 'array' || type === 'object') {
          const raw = input.value.trim();
          if (raw === '') continue;
          try {
            json = JSON.stringify(JSON.parse(raw));
          } catch (e) {
            throw new Error(`parameter '${name}' must be JSON (${type})`);
          }
        } else {
          if (input.value === '' && input.dataset.hasDefault === 'false') continue;
          json = JSON.stringify(input.value);
        }
        entries.push(`${JSON.stringify(name)}:${json}`);
      }
      return `{${entries.join(',')}}`;
    }

    async submitForm() {
      const type = this.selectedType();
      if (!type) return;
      this.formError.hidden = true;
      this.formOk.hidden = true;
      let body;
      try {
        body = this.formBody();
      } catch (e) {
        this.formError.textContent = e.message;
        this.formError.hidden = false;
        return;
      }
      this.createButton.disabled = true;
      try {
        const reply = await this.request('POST', `/${encodeURIComponent(type.route)}`, body);
        this.formOk.textContent = `Created ${text(type.name)} ${text(reply && reply.task_id).slice(0, 8)}`;
        this.formOk.hidden = false;
      } catch (e) {
        this.formError.textContent = e.message;
        this.formError.hidden = false;
      } finally {
        this.createButton.disabled = false;
      }
    }

    // ------------------------------------------------------------ recurring schedules

    async loadRecurring() {
      clearTimeout(this.recurringTimer);
      let schedules;
      try {
        schedules = await this.request('GET', '/recurring');
      } catch (e) {
        if (e.status === 404 || e.status === 405 || e.status === 501) {
          this.recurringView.replaceChildren(h('div', { class: 'empty' },
            h('strong', { text: 'Recurring schedules are not available on this server' }),
            h('span', { text: `GET /recurring answered ${e.status}: ${e.message}` })));
          return; // nothing to poll for
        }
        this.recurringView.replaceChildren(h('div', { class: 'empty' },
          h('strong', { text: 'Recurring schedules could not be loaded' }), h('span', { text: e.message })));
        schedules = null;
      }
      if (schedules) this.renderRecurring(Array.isArray(schedules) ? schedules : []);
      // schedules have no live stream: refresh while the tab is open
      if (this.tab === 'recurring' && this.isConnected) {
        this.recurringTimer = setTimeout(() => this.loadRecurring(), 5000);
      }
    }

    renderRecurring(schedules) {
      if (schedules.length === 0) {
        this.recurringView.replaceChildren(h('div', { class: 'empty' },
          h('strong', { text: 'No recurring schedules' }),
          h('span', { text: 'Create one with POST /recurring/{TaskType}?cron_expression=…' })));
        return;
      }
      const head = h('tr', {}, ...['Task', 'Schedule', 'Next run', 'Last run', 'Runs', 'Failures', '', '']
        .map((label) => h('th', { scope: 'col', text: label })));
      const rows = schedules.map((s) => {
        const id = text(s.recurring_id);
        const enabled = s.enabled === true;
        const toggle = h('button', {
          class: enabled ? 'btn toggle on' : 'btn toggle', type: 'button', 'aria-pressed': String(enabled),
          title: enabled ? 'Disable this schedule' : 'Enable this schedule',
          onclick: () => this.changeRecurring('PATCH', `/recurring/${encodeURIComponent(id)}/${enabled ? 'disable' : 'enable'}`),
        }, enabled ? 'Enabled' : 'Disabled');
        const remove = h('button', {
          class: 'btn icon-btn danger', type: 'button', title: 'Delete this schedule', 'aria-label': 'Delete this schedule',
          onclick: () => this.changeRecurring('DELETE', `/recurring/${encodeURIComponent(id)}`),
        }, icon('trash'));
        const runs = `${text(s.total_runs ?? 0)}${s.active_runs ? ` (${s.active_runs} active)` : ''}`;
        const failures = `${text(s.total_failures ?? 0)}${s.consecutive_failures ? ` (${s.consecutive_failures} in a row)` : ''}`;
        const note = text(s.disabled_reason) || text(s.last_error);
        return h('tr', { 'data-recurring-id': id },
          h('td', {}, h('div', { class: 'strong', text: s.task_type }),
            s.params && Object.keys(s.params).length ? h('code', { class: 'sub', text: JSON.stringify(s.params) }) : null),
          h('td', {}, h('code', { text: s.cron_expression }), s.tz ? h('div', { class: 'sub', text: s.tz }) : null),
          h('td', { text: enabled ? formatTime(s.next_run) : '—' }),
          h('td', { text: formatTime(s.last_run) || '—' }),
          h('td', { class: 'num', text: runs }),
          h('td', { class: 'num', title: text(s.last_error), text: failures }),
          h('td', {}, toggle, note ? h('div', { class: 'sub', text: note }) : null),
          h('td', {}, remove));
      });
      this.recurringView.replaceChildren(h('div', { class: 'table-wrap' },
        h('table', { class: 'recurring' }, h('thead', {}, head), h('tbody', {}, ...rows))));
    }

    async changeRecurring(method, path) {
      try {
        await this.request(method, path);
      } catch (e) {
        this.showNotice(e.message);
      }
      this.loadRecurring();
    }
  }

  // ---------------------------------------------------------------- styles

  const CSS = `
:host {
  --tl-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --tl-mono: ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --tl-bg: #ffffff;
  --tl-surface: #f8fafc;
  --tl-border: #e4e7ec;
  --tl-text: #101828;
  --tl-muted: #667085;
  --tl-track: #eef0f4;
  --tl-accent: #4f46e5;
  --tl-accent-text: #ffffff;
  --tl-radius: 12px;
  --tl-queued: #b54708;   --tl-queued-bg: #fef0c7;
  --tl-running: #1d4ed8;  --tl-running-bg: #dbeafe;
  --tl-done: #067647;     --tl-done-bg: #dcfae6;
  --tl-failed: #c01048;   --tl-failed-bg: #ffe4e8;
  --tl-cancelled: #475467; --tl-cancelled-bg: #eaecf0;
  display: block;
  container-type: inline-size;
  font: 14px/1.45 var(--tl-font);
  color: var(--tl-text);
}
:host([theme="dark"]) { color-scheme: dark; }
:host([theme="dark"]) {
  --tl-bg: #161b26; --tl-surface: #0c111d; --tl-border: #2b3445; --tl-text: #f0f2f5; --tl-muted: #98a2b3;
  --tl-track: #253042; --tl-accent: #7a73ff;
  --tl-queued: #fdb022; --tl-queued-bg: #3d2a06; --tl-running: #84adff; --tl-running-bg: #172554;
  --tl-done: #47cd89; --tl-done-bg: #053321; --tl-failed: #fd6f8e; --tl-failed-bg: #4c0519;
  --tl-cancelled: #cecfd2; --tl-cancelled-bg: #333741;
}
@media (prefers-color-scheme: dark) {
  :host([theme="auto"]) {
    color-scheme: dark;
    --tl-bg: #161b26; --tl-surface: #0c111d; --tl-border: #2b3445; --tl-text: #f0f2f5; --tl-muted: #98a2b3;
    --tl-track: #253042; --tl-accent: #7a73ff;
    --tl-queued: #fdb022; --tl-queued-bg: #3d2a06; --tl-running: #84adff; --tl-running-bg: #172554;
    --tl-done: #47cd89; --tl-done-bg: #053321; --tl-failed: #fd6f8e; --tl-failed-bg: #4c0519;
    --tl-cancelled: #cecfd2; --tl-cancelled-bg: #333741;
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
h2, h3, p { margin: 0; }
code { font-family: var(--tl-mono); font-size: 0.92em; }

.top { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap;
  border-bottom: 1px solid var(--tl-border); margin-bottom: 16px; }
.tabs { display: flex; gap: 4px; }
.tab { appearance: none; border: 0; background: none; font: inherit; font-weight: 600; color: var(--tl-muted);
  padding: 10px 12px; border-bottom: 2px solid transparent; margin-bottom: -1px; cursor: pointer; }
.tab[aria-selected="true"] { color: var(--tl-text); border-bottom-color: var(--tl-accent); }
.tab .count { font-weight: 500; font-size: 12px; background: var(--tl-track); color: var(--tl-muted);
  border-radius: 999px; padding: 1px 7px; margin-left: 2px; }
.tools { display: flex; align-items: center; gap: 10px; padding-bottom: 8px; }
.conn { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; font-weight: 500; color: var(--tl-muted); }
.conn::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--tl-queued); }
.conn[data-state="live"]::before { background: #12b76a; box-shadow: 0 0 0 3px rgba(18, 183, 106, 0.18); }

.notice { margin: 0 0 12px; padding: 10px 12px; border-radius: 10px; background: var(--tl-failed-bg);
  color: var(--tl-failed); font-weight: 500; }

.layout { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 20px; align-items: start; }
.layout.single { grid-template-columns: minmax(0, 1fr); }
@container (max-width: 760px) { .layout { grid-template-columns: minmax(0, 1fr); } }

.filters { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 12px; }
.chip { appearance: none; font: inherit; font-size: 13px; font-weight: 500; color: var(--tl-muted);
  background: var(--tl-bg); border: 1px solid var(--tl-border); border-radius: 999px; padding: 3px 10px; cursor: pointer; }
.chip .count { color: var(--tl-muted); font-variant-numeric: tabular-nums; opacity: 0.8; }
.chip[aria-pressed="true"] { color: var(--tl-accent); border-color: var(--tl-accent);
  background: color-mix(in srgb, var(--tl-accent) 8%, var(--tl-bg)); }

.list { display: flex; flex-direction: column; gap: 10px; }
.empty { display: flex; flex-direction: column; align-items: center; gap: 4px; padding: 40px 16px; text-align: center;
  color: var(--tl-muted); border: 1px dashed var(--tl-border); border-radius: var(--tl-radius); }
.empty strong { color: var(--tl-text); font-weight: 600; }

.card { --tone: var(--tl-cancelled); --tone-bg: var(--tl-cancelled-bg);
  display: grid; grid-template-columns: auto minmax(0, 1fr) auto; gap: 14px; align-items: start;
  background: var(--tl-bg); border: 1px solid var(--tl-border); border-radius: var(--tl-radius);
  padding: 14px 14px 12px 18px; position: relative; overflow: hidden;
  box-shadow: 0 1px 2px rgba(16, 24, 40, 0.05); transition: border-color 0.2s, box-shadow 0.2s; }
.card::before { content: ""; position: absolute; inset: 0 auto 0 0; width: 4px; background: var(--tone); }
.card[data-status="queued"] { --tone: var(--tl-queued); --tone-bg: var(--tl-queued-bg); }
.card[data-status="running"] { --tone: var(--tl-running); --tone-bg: var(--tl-running-bg); }
.card[data-status="done"] { --tone: var(--tl-done); --tone-bg: var(--tl-done-bg); }
.card[data-status="failed"] { --tone: var(--tl-failed); --tone-bg: var(--tl-failed-bg); cursor: pointer; }
.card[data-status="failed"]:hover { box-shadow: 0 4px 12px rgba(16, 24, 40, 0.08); border-color: var(--tl-failed); }
.card:focus-visible { outline: 2px solid var(--tl-accent); outline-offset: 2px; }
.thumb { width: 64px; height: 64px; border-radius: 8px; object-fit: cover; background: var(--tl-track); }
.card > .thumb[hidden] + .content { grid-column: 1 / 3; }
.content { min-width: 0; display: flex; flex-direction: column; gap: 6px; }
.line { display: flex; align-items: center; gap: 10px; min-width: 0; }
.heading { font-size: 15px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
.badge { flex: none; font-size: 11px; font-weight: 700; letter-spacing: 0.04em; padding: 2px 8px; border-radius: 999px;
  color: var(--tone, var(--tl-cancelled)); background: var(--tone-bg, var(--tl-cancelled-bg)); }
.badge[data-status="queued"] { --tone: var(--tl-queued); --tone-bg: var(--tl-queued-bg); }
.badge[data-status="running"] { --tone: var(--tl-running); --tone-bg: var(--tl-running-bg); }
.badge[data-status="done"] { --tone: var(--tl-done); --tone-bg: var(--tl-done-bg); }
.badge[data-status="failed"] { --tone: var(--tl-failed); --tone-bg: var(--tl-failed-bg); }
.body { color: var(--tl-muted); font-size: 13px; overflow-wrap: anywhere; white-space: pre-line;
  display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.progress { display: flex; align-items: center; gap: 10px; }
.bar { flex: 1; height: 8px; border-radius: 999px; background: var(--tl-track); overflow: hidden; }
.fill { height: 100%; width: 0; border-radius: inherit; background: var(--tone, var(--tl-accent)); transition: width 0.3s ease; }
.bar.indeterminate .fill { transition: none; opacity: 0.85;
  background-image: repeating-linear-gradient(-45deg, rgba(255, 255, 255, 0.35) 0 8px, transparent 8px 16px);
  background-size: 22.6px 22.6px; animation: stripes 0.8s linear infinite; }
@keyframes stripes { to { background-position: 22.6px 0; } }
@media (prefers-reduced-motion: reduce) { .bar.indeterminate .fill { animation: none; } }
.percent { width: 40px; text-align: right; font-size: 12px; font-weight: 600; color: var(--tl-muted); font-variant-numeric: tabular-nums; }
.meta { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; font-size: 12px; color: var(--tl-muted); }
.type { font-family: var(--tl-mono); font-size: 11.5px; background: var(--tl-surface); border: 1px solid var(--tl-border);
  border-radius: 6px; padding: 0 6px; }
.actions { display: flex; gap: 4px; }

.btn { appearance: none; display: inline-flex; align-items: center; justify-content: center; gap: 6px; font: inherit;
  font-size: 13px; font-weight: 500; color: var(--tl-text); background: var(--tl-bg); border: 1px solid var(--tl-border);
  border-radius: 8px; padding: 6px 11px; cursor: pointer; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); }
.btn:hover:not(:disabled) { background: var(--tl-surface); }
.btn:disabled { opacity: 0.5; cursor: default; }
.btn:focus-visible, .tab:focus-visible, .chip:focus-visible { outline: 2px solid var(--tl-accent); outline-offset: 1px; }
.btn.primary { background: var(--tl-accent); border-color: var(--tl-accent); color: var(--tl-accent-text); }
.btn.primary:hover:not(:disabled) { background: color-mix(in srgb, var(--tl-accent) 88%, black); }
.icon-btn { width: 30px; height: 30px; padding: 0; color: var(--tl-muted); }
.icon-btn.danger:hover { color: var(--tl-failed); }
.icon { width: 16px; height: 16px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }

.side { display: flex; flex-direction: column; gap: 16px; }
.auth { display: flex; flex-direction: column; gap: 10px; max-width: 480px; }
.auth h2 { margin-bottom: 0; }
.auth-row { display: flex; gap: 8px; }
.auth-row input { flex: 1; }
.panel { background: var(--tl-bg); border: 1px solid var(--tl-border); border-radius: var(--tl-radius); padding: 16px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, 0.05); }
.panel h2 { font-size: 12px; font-weight: 700; letter-spacing: 0.06em; text-transform: uppercase; color: var(--tl-muted); margin-bottom: 12px; }
.new-task, .fields { display: flex; flex-direction: column; gap: 12px; }
.field { display: flex; flex-direction: column; gap: 4px; }
.field .label { display: flex; align-items: baseline; justify-content: space-between; font-size: 13px; font-weight: 500; }
.field .ptype { font-size: 11px; color: var(--tl-muted); }
.field.check { flex-direction: row; flex-wrap: wrap; align-items: center; gap: 8px; }
.field.check .hint { flex-basis: 100%; }
.hint { font-size: 12px; color: var(--tl-muted); }
input[type="text"], input[type="password"], input[type="number"], select, textarea { font: inherit; font-size: 13px; color: var(--tl-text);
  background: var(--tl-bg); border: 1px solid var(--tl-border); border-radius: 8px; padding: 7px 10px; width: 100%; }
textarea { font-family: var(--tl-mono); resize: vertical; }
input:focus, select:focus, textarea:focus { outline: none; border-color: var(--tl-accent);
  box-shadow: 0 0 0 3px color-mix(in srgb, var(--tl-accent) 20%, transparent); }
input[type="checkbox"] { width: 16px; height: 16px; accent-color: var(--tl-accent); margin: 0; }
.form-error { font-size: 13px; color: var(--tl-failed); background: var(--tl-failed-bg); border-radius: 8px; padding: 8px 10px; }
.form-ok { font-size: 13px; color: var(--tl-done); background: var(--tl-done-bg); border-radius: 8px; padding: 8px 10px; }
.create { align-self: flex-start; }

.semaphores { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 12px; }
.semaphores .line { justify-content: space-between; font-size: 13px; }
.semaphores .name { font-family: var(--tl-mono); font-weight: 600; }
.semaphores .numbers { color: var(--tl-muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.meter { height: 6px; border-radius: 999px; background: var(--tl-track); overflow: hidden; margin-top: 6px; }
.meter .fill { background: var(--tl-running); }
.muted { color: var(--tl-muted); }

.table-wrap { overflow-x: auto; border: 1px solid var(--tl-border); border-radius: var(--tl-radius); background: var(--tl-bg); }
table.recurring { width: 100%; border-collapse: collapse; font-size: 13px; }
.recurring th { text-align: left; font-size: 12px; font-weight: 600; color: var(--tl-muted); background: var(--tl-surface);
  padding: 8px 12px; border-bottom: 1px solid var(--tl-border); white-space: nowrap; }
.recurring td { padding: 10px 12px; border-bottom: 1px solid var(--tl-border); white-space: nowrap; }
.recurring tr:last-child td { border-bottom: 0; }
.recurring td { vertical-align: top; }
.recurring .num { font-variant-numeric: tabular-nums; }
.recurring .strong { font-weight: 600; }
.recurring .sub { display: block; margin-top: 3px; font-size: 12px; color: var(--tl-muted); white-space: normal;
  max-width: 260px; overflow-wrap: anywhere; }
.toggle { min-width: 84px; }
.toggle.on { color: var(--tl-done); border-color: color-mix(in srgb, var(--tl-done) 40%, var(--tl-border)); background: var(--tl-done-bg); }

dialog.details { width: min(760px, 94vw); max-height: 88vh; padding: 0; border: 1px solid var(--tl-border); border-radius: 16px;
  color: var(--tl-text); background: var(--tl-bg); box-shadow: 0 24px 48px -12px rgba(16, 24, 40, 0.25); }
dialog.details::backdrop { background: rgba(16, 24, 40, 0.45); backdrop-filter: blur(2px); }
.dialog-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 16px 20px;
  border-bottom: 1px solid var(--tl-border); position: sticky; top: 0; background: var(--tl-bg); }
.dialog-title { font-size: 17px; font-weight: 650; overflow-wrap: anywhere; }
.dialog-body { padding: 16px 20px 20px; display: flex; flex-direction: column; gap: 18px; }
.dialog-body h3 { font-size: 12px; font-weight: 700; letter-spacing: 0.06em; text-transform: uppercase; color: var(--tl-muted); margin-bottom: 8px; }
.error-line { display: flex; flex-direction: column; gap: 4px; padding: 12px; border-radius: 10px; background: var(--tl-failed-bg); }
.error-type { color: var(--tl-failed); font-weight: 700; }
.error-message { overflow-wrap: anywhere; white-space: pre-wrap; }
.trace-head { display: flex; align-items: center; justify-content: space-between; margin-top: 14px; }
.trace-head h3 { margin: 0; }
.trace, .json { margin: 8px 0 0; font: 12px/1.5 var(--tl-mono); border-radius: 10px; padding: 12px 14px; overflow: auto; }
.trace { max-height: 45vh; white-space: pre; background: #0f172a; color: #e2e8f0; color-scheme: dark; }
.json { background: var(--tl-surface); border: 1px solid var(--tl-border); max-height: 30vh; white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 6px 16px; margin: 0; font-size: 13px; }
.facts dt { color: var(--tl-muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
`;

  if (!customElements.get('task-list')) customElements.define('task-list', TaskList);
})();
