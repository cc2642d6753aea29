// Models and rollouts: every registered version with its lineage (parent chain).
import { api } from './api.js';
import { el, clear } from './dom.js';

export async function renderModels(view) {
  clear(view);
  const models = el('section', { class: 'panel', id: 'models' }, el('h2', {}, 'Models'), el('p', { class: 'muted' }, 'Loading…'));
  const rollouts = el('section', { class: 'panel', id: 'rollouts' }, el('h2', {}, 'Rollouts'), el('p', { class: 'muted' }, 'No rollouts (the gateway has no rollouts API yet).'));
  view.append(models, rollouts);
  try {
    const { items } = await api('/api/v1/models');
    const table = el('table', { class: 'models' }, el('tr', {}, ...['Model', 'Version', 'Lineage', 'Registered', 'SHA-256', 'Signed'].map((h) => el('th', {}, h))));
    const byKey = new Map(items.map((m) => [`${m.id}@${m.version}`, m]));
    for (const m of items) {
      table.append(el('tr', { 'data-model': `${m.id}@${m.version}` },
        el('td', {}, m.id), el('td', {}, el('b', {}, m.version)), el('td', {}, lineage(m, byKey)),
        el('td', {}, new Date(m.created).toLocaleString()), el('td', { class: 'mono' }, m.sha256.slice(0, 12)), el('td', {}, m.signature ? 'yes' : 'no')));
    }
    models.replaceChildren(el('h2', {}, 'Models'), items.length ? table : el('p', { class: 'muted' }, 'No models registered (push one with `fleet models push`).'));
  } catch (error) {
    models.replaceChildren(el('h2', {}, 'Models'), el('p', { class: 'error' }, error.message));
  }
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
