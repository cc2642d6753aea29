// Models and rollouts: every registered version with its lineage (parent chain and children) and card metrics;
// every rollout with a progress bar per wave and its gate's decision. Rollouts change live ("rollout" events).
import { api } from './api.js';
import { el, clear } from './dom.js';
import { format } from './sparks.js';

export function renderModels(view, fleet) {
  clear(view);
  const models = el('section', { class: 'panel', id: 'models' }, el('h2', {}, 'Models'), el('p', { class: 'muted' }, 'Loading…'));
  const rollouts = el('section', { class: 'panel', id: 'rollouts' }, el('h2', {}, 'Rollouts'), el('p', { class: 'muted' }, 'Loading…'));
  view.append(models, rollouts);
  let stopped = false;
  let items = [];

  (async () => {
    try {
      const { items: versions } = await api('/api/v1/models');
      if (!stopped) models.replaceChildren(el('h2', {}, 'Models'), modelTable(versions));
    } catch (error) {
      if (!stopped) models.replaceChildren(el('h2', {}, 'Models'), el('p', { class: 'error' }, error.message));
    }
  })();

  // The list is read once per (re)connection ("resync" after the stream's hello); rollout events that arrive while it
  // loads are replayed on top, and an event never replaces a newer view of the same rollout.
  let pending = null;
  async function loadRollouts() {
    if (pending) return;
    pending = [];
    try {
      const loaded = (await api('/api/v1/rollouts')).items ?? [];
      if (stopped) return;
      items = loaded;
      for (const changed of pending) apply(changed);
      drawRollouts();
    } catch (error) {
      if (!stopped) rollouts.replaceChildren(el('h2', {}, 'Rollouts'), el('p', { class: 'error' }, error.message));
    } finally {
      pending = null;
    }
  }

  function drawRollouts() {
    rollouts.replaceChildren(el('h2', {}, 'Rollouts'),
      items.length ? el('div', { class: 'rollout-list' }, ...items.map(rollout)) : el('p', { class: 'muted', id: 'no-rollouts' }, 'No rollouts.'));
  }

  function apply(changed) {
    const at = items.findIndex((r) => r.id === changed.id);
    if (at < 0) items.unshift(changed);
    else if (Date.parse(changed.updated) >= Date.parse(items[at].updated)) items[at] = changed;
  }

  const onRollout = (event) => {
    pending?.push(event.detail);
    apply(event.detail);
    drawRollouts();
  };
  fleet.addEventListener('rollout', onRollout);
  fleet.addEventListener('resync', loadRollouts);
  loadRollouts();
  return () => {
    stopped = true;
    fleet.removeEventListener('rollout', onRollout);
    fleet.removeEventListener('resync', loadRollouts);
  };
}

function modelTable(items) {
  if (!items.length) return el('p', { class: 'muted' }, 'No models registered (push one with `fleet models push`).');
  const byKey = new Map(items.map((m) => [`${m.id}@${m.version}`, m]));
  const children = new Map();
  for (const m of items) {
    if (!m.parentVersion) continue;
    const key = `${m.id}@${m.parentVersion}`;
    children.set(key, [...(children.get(key) ?? []), m.version]);
  }
  const table = el('table', { class: 'models' }, el('tr', {}, ...['Model', 'Version', 'Lineage', 'Derived', 'Metrics', 'Registered', 'SHA-256', 'Signed'].map((h) => el('th', {}, h))));
  for (const m of items) {
    const key = `${m.id}@${m.version}`;
    table.append(el('tr', { 'data-model': key },
      el('td', {}, m.id),
      el('td', {}, el('b', {}, m.version)),
      el('td', { class: 'lineage' }, lineage(m, byKey)),
      el('td', { class: 'children' }, (children.get(key) ?? []).map((v) => `→ ${v}`).join(' ') || '—'),
      el('td', { class: 'metrics' }, ...metrics(m)),
      el('td', {}, new Date(m.created).toLocaleString()),
      el('td', { class: 'mono' }, m.sha256.slice(0, 12)),
      el('td', {}, m.signature ? 'yes' : 'no')));
  }
  return table;
}

function lineage(model, byKey) {
  const chain = [];
  const seen = new Set();
  for (let m = model; m?.parentVersion && !seen.has(m.parentVersion); m = byKey.get(`${model.id}@${m.parentVersion}`)) {
    seen.add(m.parentVersion);
    chain.push(m.parentVersion);
  }
  return chain.length ? `← ${chain.join(' ← ')}` : 'root';
}

// The registry's metrics (e.g. a distillation's) over the model card's; numbers only.
function metrics(model) {
  const all = { ...(model.card?.metrics ?? {}), ...(model.metrics ?? {}) };
  const entries = Object.entries(all).filter(([, v]) => typeof v === 'number');
  if (!entries.length) return ['—'];
  return entries.map(([name, value]) => el('span', { class: 'metric', 'data-metric': name }, `${name} `, el('b', {}, format(value))));
}

function rollout(r) {
  const d = r.devices ?? {};
  const done = (d.committed ?? 0) + (d.failed ?? 0) + (d.rolledBack ?? 0);
  return el('article', { class: `rollout ${r.state}`, 'data-rollout': r.id, 'data-state': r.state },
    el('header', {},
      el('b', {}, `${r.modelId} ${r.fromVersion ?? '?'} → ${r.version}`), ' ',
      el('span', { class: 'state' }, r.state),
      el('span', { class: 'muted' }, ` · ${done}/${d.total ?? 0} devices done · wave ${(r.currentWave ?? 0) + 1} of ${(r.waves ?? []).length}`),
      d.rolledBack ? el('span', { class: 'returned' }, ` · ${d.rolledBack} returned to ${r.fromVersion}`) : null,
      r.reason ? el('span', { class: 'muted' }, ` · ${r.reason}`) : null),
    el('ol', { class: 'waves-list' }, ...(r.waves ?? []).map(wave)));
}

function wave(w) {
  const size = Math.max(1, w.size ?? 0);
  const pct = (n) => `${((100 * (n ?? 0)) / size).toFixed(1)}%`;
  const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': w.size ?? 0, 'aria-valuenow': (w.committed ?? 0) + (w.failed ?? 0) + (w.rolledBack ?? 0) },
    el('span', { class: 'committed', style: `width:${pct(w.committed)}` }),
    el('span', { class: 'failed', style: `width:${pct(w.failed)}` }),
    el('span', { class: 'returned', style: `width:${pct(w.rolledBack)}` }),
    el('span', { class: 'updating', style: `width:${pct(w.updating)}` }));
  const gate = w.gate
    ? el('div', { class: `gate ${w.gate.decision}`, 'data-gate': w.gate.decision }, `gate: ${w.gate.decision}`, ...(w.gate.reasons ?? []).map((reason) => el('div', { class: 'reason' }, reason)))
    : el('div', { class: 'gate muted' }, 'gate: not evaluated');
  const soak = w.soakEndsAt ? el('span', { class: 'muted' }, ` · soak until ${new Date(w.soakEndsAt).toLocaleTimeString()}`) : null;
  return el('li', { class: `wave-row ${w.state}`, 'data-wave-index': w.index, 'data-state': w.state },
    el('div', {}, `Wave ${w.index + 1} · ${plural(w.size, 'device')} · ${w.state} · ${w.committed ?? 0} committed, ${w.failed ?? 0} failed, ${w.rolledBack ? `${w.rolledBack} returned, ` : ''}${w.updating ?? 0} updating`, soak),
    bar, gate);
}

function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
