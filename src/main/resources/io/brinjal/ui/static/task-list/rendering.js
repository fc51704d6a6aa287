// <task-list>'s rendering: the list of cards kept in step with the live feed, and the semaphores.
// Loaded by TaskList.js, which puts these methods on the <task-list> element's class (see there).
(() => {
  'use strict';
  const { STATUSES, ACTIVE, FILTERS, h, icon, text, safeImageUrl, formatTime, formatDuration,
    progressOf, statusOf } = window.BrinjalTaskList;

  window.BrinjalTaskList.parts.push(class Rendering {
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
      card.percent.textContent = indeterminate ? '…' : status === 'queued' || status === 'scheduled' ? '' : `${Math.max(0, progress)}%`;

      card.times.textContent = this.timesText(task, status);
      card.cancel.hidden = !(status === 'scheduled' || status === 'queued' || status === 'running');
      card.delete.hidden = ACTIVE.has(status);
    }

    /** Attempt n / max once a task may run more than once; its priority when not 0. */
    jobText(task) {
      const parts = [];
      if (Number.isInteger(task.max_attempts) && task.max_attempts > 1 && Number.isInteger(task.attempt) && task.attempt > 0) {
        parts.push(`attempt ${task.attempt} / ${task.max_attempts}`);
      }
      if (Number.isInteger(task.priority) && task.priority !== 0) parts.push(`priority ${task.priority > 0 ? '+' : ''}${task.priority}`);
      return parts;
    }

    timesText(task, status) {
      const parts = [];
      if (status === 'scheduled') {
        parts.push(`Runs at ${formatTime(task.run_at)}`);
        return [...parts, ...this.jobText(task)].join(' · ');
      }
      if (status === 'queued') {
        parts.push(`Queued ${formatTime(task.created_at)}`);
        if (Number.isInteger(task.queue_position)) parts.push(`#${task.queue_position} in line`);
        const eta = formatTime(task.estimated_start_at);
        if (eta) parts.push(`starts ~${eta}`);
        return [...parts, ...this.jobText(task)].join(' · ');
      }
      if (task.started_at) parts.push(`Started ${formatTime(task.started_at)}`);
      if (task.completed_at) {
        parts.push(`Completed ${formatTime(task.completed_at)}`);
        const took = formatDuration(task.started_at, task.completed_at);
        if (took) parts.push(`took ${took}`);
      }
      return [...parts, ...this.jobText(task)].join(' · ');
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

    /**
     * The server's own counts (permits held, abandoned threads included), fetched after changes;
     * each with a small form that changes its limit (PATCH /semaphores/{name}).
     */
    renderSemaphores() {
      if (!this.semaphoreList) return;
      // someone is typing a limit: only the numbers move, the form stays as it is
      if (this.semaphoreList.querySelector('input.limit-input:focus')) {
        for (const s of this.semaphores) {
          const row = [...this.semaphoreList.children].find((li) => li.dataset.semaphore === text(s.name));
          if (!row) continue;
          row.querySelector('.numbers').textContent = this.semaphoreNumbers(s);
          row.querySelector('.fill').style.width = this.semaphoreFill(s);
        }
        return;
      }
      const rows = this.semaphores.map((s) => {
        const fill = h('div', { class: 'fill' });
        fill.style.width = this.semaphoreFill(s);
        const input = h('input', { type: 'number', class: 'limit-input', min: '1', max: '10000', step: '1',
          value: text(s.limit), 'aria-label': `Limit of ${text(s.name)}` });
        const form = h('form', { class: 'limit-form', novalidate: true, title: 'Change the limit now (kept by the server)' },
          h('label', { text: 'Limit' }), input, h('button', { class: 'btn', type: 'submit', text: 'Set' }));
        form.addEventListener('submit', (event) => {
          event.preventDefault();
          this.changeLimit(s.name, input.value);
        });
        return h('li', { 'data-semaphore': text(s.name) },
          h('div', { class: 'line' },
            h('span', { class: 'name', text: s.name }),
            h('span', { class: 'numbers', text: this.semaphoreNumbers(s) })),
          h('div', { class: 'meter' }, fill),
          form);
      });
      if (rows.length === 0) rows.push(h('li', { class: 'muted', text: 'No semaphores reported' }));
      this.semaphoreList.replaceChildren(...rows);
    }

    semaphoreNumbers(s) {
      const limit = Number(s.limit) || 0;
      const running = Number(s.running) || 0;
      const abandoned = Number(s.abandoned) ? ` · ${s.abandoned} abandoned` : '';
      const configured = s.configured_limit !== undefined && Number(s.configured_limit) !== limit
        ? ` (configured ${s.configured_limit})` : '';
      const perKey = Number(s.per_key) ? ` · ${s.per_key} per key` : '';
      const busiest = Array.isArray(s.busiest_keys) && s.busiest_keys.length
        ? ` · busiest: ${s.busiest_keys.slice(0, 3).map((k) => `${text(k.key)} ${text(k.running)}`).join(', ')}` : '';
      return `${running} / ${limit} running · ${text(s.waiting)} waiting${abandoned}${configured}${perKey}${busiest}`;
    }

    semaphoreFill(s) {
      const limit = Number(s.limit) || 0;
      const running = Number(s.running) || 0;
      return `${limit ? Math.min(100, (running / limit) * 100) : 0}%`;
    }

    /** PATCH /semaphores/{name} with the token of this element; the answer is the new state. */
    async changeLimit(name, value) {
      const limit = Number(value);
      try {
        const state = await this.request('PATCH', `/semaphores/${encodeURIComponent(name)}`, JSON.stringify({ limit }));
        this.semaphores = this.semaphores.map((s) => (s.name === name && state ? state : s));
        this.semaphoreList.querySelector('input.limit-input:focus')?.blur();
        this.renderSemaphores();
      } catch (e) {
        this.showNotice(e.message);
      }
    }

    /** Semaphores have no stream: refresh when a task starts, ends or joins, at most twice a second. */
    semaphoresChanged() {
      if (!this.semaphoreList || this.semaphoreTimer) return;
      this.semaphoreTimer = setTimeout(() => {
        this.semaphoreTimer = null;
        this.loadSemaphores();
      }, 500);
    }
  });
})();
