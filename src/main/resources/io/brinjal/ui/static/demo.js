/*
 * The demo page's buttons (GET /test): each one creates example tasks through the API, with the
 * <task-list> element's own request() (its base URL and, if the server wants one, its token).
 */
(() => {
  'use strict';

  const actions = {
    cpu: ['POST', '/example_cpu_task', { name: 'CPU task' }],
    // failure_probability is per step: 0.001 over 100 steps fails about one run in ten
    'cpu-failing': ['POST', '/example_cpu_task', { name: 'CPU task (10% failure)', failure_probability: 0.001 }],
    io: ['POST', '/example_io_task', {}],
    recurring: ['POST', `/recurring/ExampleCPUTask?cron_expression=${encodeURIComponent('* * * * *')}`,
      { name: 'Recurring CPU task', sleep_time: 0.05 }],
  };

  async function run(list, kind, status) {
    const [method, path, body] = actions[kind];
    status.dataset.state = 'pending';
    status.textContent = 'Sending…';
    try {
      const reply = await list.request(method, path, JSON.stringify(body));
      status.dataset.state = 'ok';
      status.textContent = reply && reply.recurring_id
        ? `Scheduled ${reply.recurring_id} (every minute)`
        : `Created task ${reply ? reply.task_id : ''}`;
    } catch (e) {
      status.dataset.state = 'error';
      status.textContent = e.status ? `Refused (${e.status}): ${e.message}` : e.message;
    }
  }

  document.addEventListener('DOMContentLoaded', async () => {
    await customElements.whenDefined('task-list');
    const list = document.querySelector('task-list');
    const status = document.querySelector('.demo-status');
    for (const button of document.querySelectorAll('[data-demo]')) {
      button.addEventListener('click', () => run(list, button.dataset.demo, status));
    }
  });
})();
