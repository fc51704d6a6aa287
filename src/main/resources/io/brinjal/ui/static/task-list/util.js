// <task-list>'s shared pieces: statuses, the element builder, icons, storage, time formats.
// Loaded by TaskList.js (see there), before the other parts.
(() => {
  'use strict';

  const STATUSES = {
    scheduled: 'SCHEDULED', queued: 'QUEUED', running: 'RUNNING', cancelling: 'CANCELLING',
    done: 'DONE', failed: 'FAILED', cancelled: 'CANCELLED',
  };
  const ACTIVE = new Set(['scheduled', 'queued', 'running', 'cancelling']);
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

  Object.assign(window.BrinjalTaskList, {
    STATUSES, ACTIVE, FILTERS, ICONS, h, icon, text, safeImageUrl, tokenKey, readStored, writeStored,
    parseTime, formatTime, formatDuration, progressOf, statusOf,
  });
})();
