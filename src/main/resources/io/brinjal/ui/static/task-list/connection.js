// <task-list>'s connection to the server: API requests, and the one live feed (WebSocket, or
// SSE where WebSockets do not get through). Loaded by TaskList.js (see there).
(() => {
  'use strict';

  // ---------------------------------------------------------------- HTTP

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  async function request(base, token, method, path, body, headers) {
    const init = { method, headers: { Accept: 'application/json', ...(headers || {}) } };
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

  Object.assign(window.BrinjalTaskList, { ApiError, request, LiveFeed });
})();
