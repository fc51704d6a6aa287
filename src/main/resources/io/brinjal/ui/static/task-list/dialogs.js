// <task-list>'s details dialog: a task's error, traceback, parameters, output and results. Loaded by
// TaskList.js, which puts these methods on the <task-list> element's class (see there).
(() => {
  'use strict';
  const { STATUSES, h, icon, text, formatTime, formatDuration, statusOf } = window.BrinjalTaskList;

  window.BrinjalTaskList.parts.push(class Dialogs {
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
      d.output = h('pre', { class: 'json output', tabindex: '0' });
      d.outputSection = h('section', {}, h('h3', { text: 'Output' }), d.output);
      this.dialog = h('dialog', { class: 'details', 'aria-labelledby': 'dialog-title' },
        h('header', { class: 'dialog-head' },
          h('div', { class: 'line' }, d.title, d.badge),
          h('button', { class: 'btn icon-btn', type: 'button', title: 'Close', 'aria-label': 'Close',
            onclick: () => this.dialog.close() }, icon('close'))),
        h('div', { class: 'dialog-body' }, d.error, d.facts, d.paramsSection, d.outputSection, d.resultsSection));
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
      // a command task's results: {"result", "output": [lines]}; the lines read best as text
      const output = Array.isArray(task.results?.output) && task.results.output.every((l) => typeof l === 'string')
        ? task.results.output : null;
      d.output.textContent = output ? output.join('\n') : '';
      d.outputSection.hidden = !output || output.length === 0;
      const results = output ? { ...task.results, output: undefined } : task.results;
      d.results.textContent = JSON.stringify(results, null, 2);
      d.resultsSection.hidden = results === null || results === undefined || (output !== null && results.result == null);
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
  });
})();
