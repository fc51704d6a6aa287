/* The demo page's buttons (GET /test): each one creates example tasks through the API. */
(() => {
  'use strict';
  // the API is mounted where this script's static/ folder is: works under any prefix
  const base = document.currentScript.src.replace(/\/static\/demo\.js(?:[?#].*)?$/, '');

  const actions = {
    cpu: ['POST', '/example_cpu_task', { name: 'CPU task' }],
    // failure_probability is per step; 0.001 over 100 steps fails about one run in ten
    'cpu-failing': ['POST', '/example_cpu_task', { name: 'CPU task (10% failure)', failure_probability: 0.001 }],
    io: ['POST', '/example_io_task', {}],
    recurring: ['POST', '/recurring/ExampleCPUTask?cron_expression=' + encodeURIComponent('* * * * *'),
      { name: 'Recurring CPU task', sleep_time: 0.05 }],
  };

  async function run(kind, status) {
    const [method, path, body] = actions[kind];
    status.dataset.state = 'pending';
    status.textContent = 'Sending…';
    try {
      const response = await fetch(base + path, {
        method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const reply = await response.json().catch(() => null);
      if (!response.ok) {
        status.dataset.state = 'error';
        status.textContent = `Refused (${response.status}): ${reply && reply.detail ? reply.detail : response.statusText}`;
      } else {
        status.dataset.state = 'ok';
        status.textContent = reply && reply.recurring_id
          ? `Scheduled ${reply.recurring_id} (every minute)`
          : `Created task ${reply ? reply.task_id : ''}`;
      }
    } catch (e) {
      status.dataset.state = 'error';
      status.textContent = 'The server cannot be reached';
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const status = document.querySelector('.demo-status');
    for (const button of document.querySelectorAll('[data-demo]')) {
      button.addEventListener('click', () => run(button.dataset.demo, status));
    }
  });
})();
