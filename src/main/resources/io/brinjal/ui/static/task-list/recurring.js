// <task-list>'s Recurring tab: the schedules, enable/disable and delete. Loaded by TaskList.js,
// which puts these methods on the <task-list> element's class (see there).
(() => {
  'use strict';
  const { h, icon, text, formatTime } = window.BrinjalTaskList;

  window.BrinjalTaskList.parts.push(class Recurring {
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
  });
})();
