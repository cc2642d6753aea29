// Device detail: desired vs reported with the delta, rolling health sparklines, heal timeline and operator actions.
import { api } from './api.js';
import { stateOf } from './fleet.js';
import { el, svg, clear } from './dom.js';
import { confirmAction } from './confirm.js';

const HISTORY = 120;

export function renderDevice(view, fleet, id, role) {
  clear(view);
  const samples = { kl: [], latency: [] };
  const title = el('h2', { id: 'device-title' }, id);
  const badge = el('span', { class: 'badge', id: 'device-state' });
  const status = el('p', { class: 'status', id: 'action-result', role: 'status' });
  const body = el('div', { id: 'device-body' }, el('p', { class: 'muted' }, 'Loading…'));
  view.append(el('p', {}, el('a', { href: '#/' }, '← Fleet')), el('div', { class: 'device-head' }, title, badge), actions(), status, body);

  let stopped = false;
  let twin = null;
  let timer = 0;

  async function load() {
    try {
      const detail = await api(`/api/v1/devices/${encodeURIComponent(id)}`);
      if (stopped) return;
      twin = detail.twin;
      const m = twin?.metrics;
      if (m?.kl != null) push(samples.kl, m.kl);
      if (m?.latencyP99Us != null) push(samples.latency, m.latencyP99Us);
      show(detail);
    } catch (error) {
      if (!stopped) body.replaceChildren(el('p', { class: 'error' }, error.message));
    } finally {
      if (!stopped) timer = setTimeout(load, 3000);
    }
  }

  function show(detail) {
    const d = detail.device;
    const state = stateOf(d);
    badge.className = `badge ${state}`;
    badge.textContent = state;
    badge.dataset.state = state;
    body.replaceChildren(
      el('section', { class: 'panel' }, el('h3', {}, 'Desired vs reported'), deltaTable(detail)),
      el('section', { class: 'panel' }, el('h3', {}, 'Health (since this page opened)'),
        el('div', { class: 'sparks' },
          spark('KL divergence', samples.kl, detail.twin?.metrics?.klThreshold),
          spark('Latency p99 (µs)', samples.latency, null),
          el('div', { class: 'spark muted' }, el('span', {}, 'Temperature'), el('small', {}, 'not reported by the API')))),
      el('section', { class: 'panel' }, el('h3', {}, 'Heal timeline'), timeline(detail.heals ?? [])),
      el('section', { class: 'panel' }, el('h3', {}, 'Raw twin'),
        el('details', {}, el('summary', {}, 'desired / reported JSON'),
          el('div', { class: 'raw' }, el('pre', {}, JSON.stringify(detail.twin?.desired ?? null, null, 2)), el('pre', {}, JSON.stringify(detail.twin?.reported ?? null, null, 2))))));
  }

  function actions() {
    const bar = el('div', { class: 'actions', id: 'actions' });
    const operator = role === 'operator';
    const add = (label, name, run, danger = false) => {
      const button = el('button', { type: 'button', 'data-action': name, class: danger ? 'danger' : '', disabled: !operator, title: operator ? '' : 'needs an operator token' }, label);
      button.onclick = async () => {
        const input = await confirmAction(`${label} — ${id}`, run.prompt, run.fields);
        if (!input) return;
        status.textContent = `${label}…`;
        status.className = 'status';
        try {
          const result = await run(input);
          status.textContent = `${label}: ${result}`;
          status.dataset.outcome = 'ok';
        } catch (error) {
          status.textContent = `${label} failed: ${error.message}`;
          status.dataset.outcome = 'error';
          status.className = 'status error';
        }
        load();
      };
      bar.append(button);
    };
    const command = (name) => Object.assign(async () => {
      const r = await api(`/api/v1/devices/${encodeURIComponent(id)}/commands`, { method: 'POST', body: { name } });
      return r.ok ? `ok ${r.result ? JSON.stringify(r.result) : ''}` : `device refused: ${r.error ?? 'no reason'}`;
    }, { prompt: `Send the ${name} command to the device?` });
    add('Restart model', 'restartModel', command('restartModel'));
    add('Validate', 'validate', command('validate'));
    add('Roll back', 'rollback', command('rollback'), true);
    add('Quarantine', 'quarantine', Object.assign(async ({ reason }) => {
      await api(`/api/v1/devices/${encodeURIComponent(id)}/quarantine`, { method: 'POST', body: { reason } });
      return 'quarantined';
    }, { prompt: 'Quarantine stops the gateway sending this device new models.', fields: [{ name: 'reason', label: 'Reason', required: true }] }), true);
    add('Release', 'release', Object.assign(async () => {
      await api(`/api/v1/devices/${encodeURIComponent(id)}/release`, { method: 'POST' });
      return 'released';
    }, { prompt: 'Release the device from quarantine?' }));
    add('Set desired model', 'setDesired', Object.assign(async ({ model, version }) => {
      const r = await api(`/api/v1/devices/${encodeURIComponent(id)}/desired`, {
        method: 'PUT', body: { expectedVersion: twin?.desiredVersion ?? 0, model: { id: model, version } },
      });
      return `desired version ${r.version}`;
    }, { prompt: 'The device will download, verify and validate the model.', fields: [{ name: 'model', label: 'Model id', required: true, value: 'vocoder' }, { name: 'version', label: 'Version', required: true }] }));
    return bar;
  }

  const onDevice = (event) => { if (event.detail === id) { clearTimeout(timer); load(); } };
  fleet.addEventListener('device', onDevice);
  load();
  return () => { stopped = true; clearTimeout(timer); fleet.removeEventListener('device', onDevice); };
}

function push(series, value) {
  series.push(value);
  if (series.length > HISTORY) series.shift();
}

function deltaTable({ device, twin }) {
  if (!twin) return el('p', { class: 'muted' }, 'The twin did not answer.');
  const delta = twin.delta ?? {};
  const rows = [
    ['Model version', delta.desiredModelVersion, delta.reportedModelVersion ?? device.modelVersion],
    ['Desired version', delta.pendingVersion ?? twin.desiredVersion, delta.reportedDesiredVersion],
    ['Health', 'healthy', twin.metrics?.health ?? device.health],
    ['Online', 'yes', twin.online ? 'yes' : 'no'],
    ['Quarantined', 'no', twin.quarantined ? `yes (${twin.quarantineReason ?? ''})` : 'no'],
  ];
  const table = el('table', { class: 'delta', id: 'delta' }, el('tr', {}, el('th', {}, ''), el('th', {}, 'Desired'), el('th', {}, 'Reported')));
  for (const [name, want, have] of rows) {
    const differs = want != null && String(want) !== String(have ?? '');
    table.append(el('tr', { class: differs ? 'diff' : '' }, el('th', {}, name), el('td', {}, want ?? '—'), el('td', {}, have ?? '—')));
  }
  const note = delta.inSync ? el('p', { class: 'ok' }, 'In sync') : el('p', { class: 'warn' }, delta.cannotApplyReason ? `Device cannot apply: ${delta.cannotApplyReason}` : 'Not in sync');
  return el('div', {}, table, note);
}

function spark(label, series, threshold) {
  const width = 240;
  const height = 48;
  const box = el('div', { class: 'spark' }, el('span', {}, label), el('b', {}, series.length ? format(series[series.length - 1]) : '—'));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label });
  if (series.length > 1 || threshold != null) {
    const max = Math.max(...series, threshold ?? 0) * 1.1 || 1;
    const min = Math.min(...series, 0);
    const y = (v) => height - ((v - min) / (max - min || 1)) * (height - 4) - 2;
    if (threshold != null) chart.append(svg('line', { x1: 0, x2: width, y1: y(threshold), y2: y(threshold), class: 'threshold' }));
    if (series.length > 1) {
      const step = width / (series.length - 1);
      chart.append(svg('polyline', { points: series.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' '), class: 'line' }));
    }
  }
  box.append(chart);
  return box;
}

function timeline(heals) {
  if (!heals.length) return el('p', { class: 'muted', id: 'heals' }, 'No heals recorded.');
  const list = el('ol', { class: 'timeline', id: 'heals' });
  for (const h of heals) {
    const rungs = el('ul', { class: 'rungs' });
    for (const r of h.rungs ?? []) {
      rungs.append(el('li', { class: r.validation === 'pass' ? 'ok' : 'fail' }, `${r.rung}: ${r.validation}`, r.durationMs != null ? ` (${format(r.durationMs)} ms)` : '', r.detail ? ` — ${r.detail}` : ''));
    }
    list.append(el('li', { class: `heal ${h.outcome}` },
      el('div', {}, el('time', {}, new Date(h.time).toLocaleString()), ' ', el('b', {}, h.diagnosis), ` via ${h.trigger} → `, el('span', { class: 'outcome' }, h.outcome), h.modelVersion ? ` · model ${h.modelVersion}` : ''),
      rungs));
  }
  return list;
}

function format(value) {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
