// <task-list>'s New task form, drawn from GET /task_types. Loaded by TaskList.js, which puts these
// methods on the <task-list> element's class (see there).
(() => {
  'use strict';
  const { h, icon, text } = window.BrinjalTaskList;

  window.BrinjalTaskList.parts.push(class TaskForm {
    buildForm() {
      this.typeSelect = h('select', { name: 'task_type', onchange: () => this.renderFields() });
      this.typeDescription = h('p', { class: 'hint' });
      this.fields = h('div', { class: 'fields' });
      this.formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
      this.formOk = h('p', { class: 'form-ok', role: 'status', hidden: true });
      this.createButton = h('button', { class: 'btn primary create', type: 'submit' }, icon('plus'), 'Create task');
      // job options: sent as the Brinjal-* headers; empty means the default
      this.delayInput = h('input', { type: 'number', name: 'option-delay', min: '0', step: 'any', inputmode: 'decimal', placeholder: '0' });
      this.priorityInput = h('input', { type: 'number', name: 'option-priority', min: '-100', max: '100', step: '1', inputmode: 'numeric', placeholder: '0' });
      this.attemptsInput = h('input', { type: 'number', name: 'option-attempts', min: '1', max: '100', step: '1', inputmode: 'numeric', placeholder: 'type default' });
      const option = (label, input, hint) => h('label', { class: 'field' }, h('span', { class: 'label', text: label }), input,
        h('span', { class: 'hint', text: hint }));
      this.options = h('details', { class: 'job-options' }, h('summary', { text: 'Job options' }),
        h('div', { class: 'fields' },
          option('Delay (seconds)', this.delayInput, 'Scheduled until then, then queued'),
          option('Priority', this.priorityInput, '-100 to 100; higher starts first within the semaphore'),
          option('Max attempts', this.attemptsInput, '1 to 100; failed attempts are retried with backoff')));
      this.form = h('form', { class: 'new-task', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.submitForm(); } },
        h('label', { class: 'field' }, h('span', { class: 'label', text: 'Task type' }), this.typeSelect),
        this.typeDescription, this.fields, this.options, this.formError, this.formOk, this.createButton);
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

    /** The job options as headers; the server checks them (a bad one is a 422 naming the header). */
    optionHeaders() {
      const headers = {};
      const put = (input, header) => {
        const raw = input.value.trim();
        if (raw !== '') headers[header] = raw;
        else if (input.validity && input.validity.badInput) throw new Error(`${header} must be a number`);
      };
      put(this.delayInput, 'Brinjal-Delay');
      put(this.priorityInput, 'Brinjal-Priority');
      put(this.attemptsInput, 'Brinjal-Max-Attempts');
      return headers;
    }

    async submitForm() {
      const type = this.selectedType();
      if (!type) return;
      this.formError.hidden = true;
      this.formOk.hidden = true;
      let body;
      let headers;
      try {
        body = this.formBody();
        headers = this.optionHeaders();
      } catch (e) {
        this.formError.textContent = e.message;
        this.formError.hidden = false;
        return;
      }
      this.createButton.disabled = true;
      try {
        const reply = await this.request('POST', `/${encodeURIComponent(type.route)}`, body, headers);
        this.formOk.textContent = `Created ${text(type.name)} ${text(reply && reply.task_id).slice(0, 8)}`;
        this.formOk.hidden = false;
      } catch (e) {
        this.formError.textContent = e.message;
        this.formError.hidden = false;
      } finally {
        this.createButton.disabled = false;
      }
    }
  });
})();
