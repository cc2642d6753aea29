// Device detail: desired vs reported with the delta, metric history sparklines, the vocoder's output around its
// latest heal, heal timeline and operator actions. Its own event stream (?device=) brings this device's telemetry.
import { api, eventsUrl, ApiError } from './api.js';
import { stateOf } from './fleet.js';
import { el, clear } from './dom.js';
import { confirmAction } from './confirm.js';
import { MetricHistory, drawSparks, format } from './sparks.js';
import { drawWaveforms } from './waveforms.js';

export function renderDevice(view, fleet, id, role) {
  clear(view);
  const history = new MetricHistory();
  const title = el('h2', { id: 'device-title' }, id);
  const badge = el('span', { class: 'badge', id: 'device-state' });
  const status = el('p', { class: 'status', id: 'action-result', role: 'status' });
  const delta = el('div', { id: 'delta-box' }, el('p', { class: 'muted' }, 'Loading…'));
  const sparks = el('div', { class: 'sparks', id: 'sparks' }, el('p', { class: 'muted' }, 'Loading…'));
  const waves = el('div', { id: 'waveforms' }, el('p', { class: 'muted' }, 'Loading…'));
  const heals = el('div', { id: 'heal-box' });
  const raw = el('div', { class: 'raw' });
  const facts = el('div', { id: 'status-box' });
  const bar = el('div', { class: 'actions', id: 'actions' });
  const body = el('div', { id: 'device-body' },
      el('section', { class: 'panel' }, el('h3', {}, 'Desired vs reported'), delta),
      el('section', { class: 'panel' }, el('h3', {}, 'Status'), facts),
      el('section', { class: 'panel' }, el('h3', {}, 'Health (recent telemetry windows)'), sparks),
      el('section', { class: 'panel', id: 'output-panel' }, el('h3', {}, 'Model output around the latest heal'), waves),
      el('section', { class: 'panel' }, el('h3', {}, 'Heal timeline'), heals),
      el('section', { class: 'panel' }, el('h3', {}, 'Raw twin'), el('details', {}, el('summary', {}, 'desired / reported JSON'), raw)));
  view.append(el('p', {}, el('a', { href: '#/' }, '← Fleet')), el('div', { class: 'device-head' }, title, badge), bar, status, body);

  let stopped = false;
  let twin = null;
  let timer = 0;
  let found = false;

  // The device's own reads (history, excerpts, its event stream) and the actions start only once it is known to exist:
  // an unknown id is one 404 and a plain "no such device" page.
  async function load() {
    try {
      const detail = await api(`/api/v1/devices/${encodeURIComponent(id)}`);
      if (stopped) return;
      twin = detail.twin;
      if (!found) {
        found = true;
        actions();
        listen();
      }
      show(detail);
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiError && error.status === 404 && !found) {
        unknown(error.message);
        return;
      }
      delta.replaceChildren(el('p', { class: 'error' }, error.message));
    }
    if (!stopped) timer = setTimeout(load, 3000);
  }

  function unknown(message) {
    stopped = true;
    badge.className = 'badge unknown';
    badge.textContent = 'unknown';
    badge.dataset.state = 'unknown';
    body.replaceChildren(el('section', { class: 'panel', id: 'no-device' }, el('h3', {}, 'No such device'),
      el('p', {}, `No device “${id}” is registered with this gateway. `, el('span', { class: 'muted' }, message)),
      el('p', {}, el('a', { href: '#/' }, 'Back to the fleet'))));
  }

  async function loadMetrics() {
    try {
      const result = await api(`/api/v1/devices/${encodeURIComponent(id)}/metrics`);
      if (stopped) return;
      history.reset(result.points, result.capacity);
      drawSparks(sparks, history);
    } catch (error) {
      if (!stopped) sparks.replaceChildren(el('p', { class: 'error' }, error.message));
    }
  }

  async function loadWaveforms() {
    try {
      const result = await api(`/api/v1/devices/${encodeURIComponent(id)}/waveforms`);
      if (!stopped) drawWaveforms(waves, result);
    } catch (error) {
      if (!stopped) waves.replaceChildren(el('p', { class: 'error' }, error.message));
    }
  }

  function show(detail) {
    const d = detail.device;
    const state = stateOf(d);
    badge.className = `badge ${state}`;
    badge.textContent = state;
    badge.dataset.state = state;
    delta.replaceChildren(deltaTable(detail));
    facts.replaceChildren(statusTable(detail));
    for (const button of bar.querySelectorAll('button')) button.disabled = !allowed(button.dataset.action);
    heals.replaceChildren(timeline(detail.heals ?? []));
    raw.replaceChildren(el('pre', {}, JSON.stringify(detail.twin?.desired ?? null, null, 2)), el('pre', {}, JSON.stringify(detail.twin?.reported ?? null, null, 2)));
  }

  // This device's telemetry and heal excerpts; each (re)connection re-reads both, so nothing missed while away is lost.
  // EventSource retries a dropped connection itself but gives up after a refused one (a restarting gateway): reopen.
  let stream = null;
  let reopen = 0;
  function listen() {
    if (stopped) return;
    stream = new EventSource(eventsUrl(id));
    stream.addEventListener('hello', () => { loadMetrics(); loadWaveforms(); });
    stream.addEventListener('metrics', (e) => {
      history.add(JSON.parse(e.data).point);
      drawSparks(sparks, history);
    });
    stream.addEventListener('waveforms', () => { loadWaveforms(); clearTimeout(timer); load(); });
    stream.onerror = () => {
      if (!stopped && stream.readyState === EventSource.CLOSED) reopen = setTimeout(listen, 2000);
    };
  }

  // Quarantine only what is not quarantined, release only what is; everything needs an operator token.
  const operator = role === 'operator';
  function allowed(action) {
    if (!operator) return false;
    if (action === 'quarantine') return !twin?.quarantined;
    if (action === 'release') return twin?.quarantined === true;
    return true;
  }

  function actions() {
    const add = (label, name, run, danger = false) => {
      const button = el('button', { type: 'button', 'data-action': name, class: danger ? 'danger' : '', disabled: !allowed(name), title: operator ? '' : 'needs an operator token' }, label);
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
  }

  const onDevice = (event) => { if (event.detail === id && !stopped) { clearTimeout(timer); load(); } };
  fleet.addEventListener('device', onDevice);
  load();
  return () => { stopped = true; clearTimeout(timer); clearTimeout(reopen); stream?.close(); fleet.removeEventListener('device', onDevice); };
}

function deltaTable({ device, twin }) {
  if (!twin) return el('p', { class: 'muted' }, 'The twin did not answer.');
  const delta = twin.delta ?? {};
  // Only desired state has a desired column; a version of 0 means "none set", never a value to compare.
  const desiredVersion = delta.pendingVersion || twin.desiredVersion || null;
  const wanted = twin.desired?.thresholds ?? {};
  const have = twin.reported?.thresholds ?? {};
  const rows = [
    ['Model version', delta.desiredModelVersion, delta.reportedModelVersion ?? device.modelVersion],
    ['Desired version', desiredVersion, desiredVersion == null ? (delta.reportedDesiredVersion || null) : delta.reportedDesiredVersion],
    ['KL max', wanted.klMax, have.klMax],
    ['Input shift max', wanted.inputShiftMax, have.inputShiftMax],
  ];
  const table = el('table', { class: 'delta', id: 'delta' }, el('tr', {}, el('th', {}, ''), el('th', {}, 'Desired'), el('th', {}, 'Reported')));
  for (const [name, want, have] of rows) {
    const differs = want != null && String(want) !== String(have ?? '');
    table.append(el('tr', { class: differs ? 'diff' : '' }, el('th', {}, name), el('td', {}, want ?? '—'), el('td', {}, have ?? '—')));
  }
  const note = delta.inSync ? el('p', { class: 'ok' }, 'In sync') : el('p', { class: 'warn' }, delta.cannotApplyReason ? `Device cannot apply: ${delta.cannotApplyReason}` : 'Not in sync');
  return el('div', {}, table, note);
}

// What the device is, not what it was asked to be: no desired column, and every live fact with its age.
function statusTable({ device, twin }) {
  const seen = twin?.lastSeen ?? device.lastSeen;
  const age = seen ? ageOf(seen) : null;
  const stale = twin?.online && age?.seconds > 120;
  const rows = [
    ['Health', twin?.metrics?.health ?? device.health ?? 'unknown'],
    ['Online', (twin?.online ? 'yes' : 'no') + (stale ? ' (stale: nothing heard for a while)' : '')],
    ['Last seen', age ? `${age.text} ago (${new Date(seen).toLocaleString()})` : 'never'],
    ['Temperature', twin?.metrics?.temperatureC != null ? `${format(twin.metrics.temperatureC)} °C` : 'no sensor'],
    ['Quarantined', twin?.quarantined ? `yes (${twin.quarantineReason ?? ''})` : 'no'],
  ];
  const table = el('table', { class: 'delta', id: 'device-status' });
  for (const [name, value] of rows) table.append(el('tr', { class: name === 'Online' && stale ? 'diff' : '', 'data-fact': name }, el('th', {}, name), el('td', {}, value)));
  return table;
}

export function ageOf(time) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(time).getTime()) / 1000));
  const text = seconds < 90 ? `${seconds} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
  return { seconds, text };
}

function timeline(heals) {
  if (!heals.length) return el('p', { class: 'muted', id: 'heals' }, 'No heals recorded.');
  const list = el('ol', { class: 'timeline', id: 'heals' });
  for (const h of heals) {
    const rungs = el('ul', { class: 'rungs' });
    for (const r of h.rungs ?? []) {
      rungs.append(el('li', { class: r.validation === 'pass' ? 'ok' : 'fail' }, `${r.rung}: ${r.validation}`, r.durationMs != null ? ` (${format(r.durationMs)} ms)` : '', r.detail ? ` — ${r.detail}` : ''));
    }
    // When the device healed (its clock) and when the gateway heard of it: a heal during an outage arrives late.
    const when = h.deviceTime
      ? el('span', { class: 'when' }, 'healed ', el('time', { 'data-healed': h.deviceTime }, new Date(h.deviceTime).toLocaleString()), el('span', { class: 'muted' }, ' (device clock) · received '), el('time', { 'data-received': h.time }, new Date(h.time).toLocaleString()))
      : el('span', { class: 'when' }, 'received ', el('time', { 'data-received': h.time }, new Date(h.time).toLocaleString()));
    list.append(el('li', { class: `heal ${h.outcome}` },
      el('div', {}, when, ' ', el('b', {}, h.diagnosis), ` via ${h.trigger} → `, el('span', { class: 'outcome' }, h.outcome), h.modelVersion ? ` · model ${h.modelVersion}` : ''),
      rungs));
  }
  return list;
}
