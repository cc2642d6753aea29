// Ingress health for operators: shards whose messages are held (a store write that keeps failing, and why), and the
// rejected-messages log (device messages acknowledged without being acted on, newest first, filterable by cause).
import { api } from './api.js';
import { el, clear } from './dom.js';

const CAUSES = ['topic', 'protocol', 'storeRefused', 'twinFailed'];

export function renderRejections(view, fleet) {
  clear(view);
  const held = el('section', { class: 'panel', id: 'held-shards' }, el('h2', {}, 'Ingress'), el('p', { class: 'muted' }, 'Loading…'));
  const cause = el('select', { id: 'rejection-cause' }, el('option', { value: '' }, 'every cause'), ...CAUSES.map((c) => el('option', { value: c }, c)));
  const list = el('div', { id: 'rejection-list' }, el('p', { class: 'muted' }, 'Loading…'));
  const rejections = el('section', { class: 'panel', id: 'rejections' },
    el('h2', {}, 'Rejected messages'),
    el('p', { class: 'muted' }, 'Messages from devices that were acknowledged but not acted on, because retrying could not help.'),
    el('label', {}, 'Cause ', cause), list);
  view.append(held, rejections);
  let stopped = false;

  async function load() {
    try {
      const [summary, page] = await Promise.all([
        api('/api/v1/fleet/summary'),
        api(`/api/v1/rejections?limit=100${cause.value ? `&cause=${encodeURIComponent(cause.value)}` : ''}`),
      ]);
      if (stopped) return;
      held.replaceChildren(el('h2', {}, 'Ingress'), heldShards(summary));
      list.replaceChildren(rejectionTable(page.items));
    } catch (error) {
      if (!stopped) list.replaceChildren(el('p', { class: 'error' }, error.message));
    }
  }

  cause.addEventListener('change', load);
  fleet.addEventListener('resync', load);
  const timer = setInterval(load, 5000);
  load();
  return () => {
    stopped = true;
    clearInterval(timer);
    fleet.removeEventListener('resync', load);
  };
}

function heldShards(summary) {
  const held = summary.shardsHeld ?? [];
  const connected = el('p', {}, `${summary.shardsConnected} shard sessions connected.`);
  if (!held.length) return el('div', {}, connected, el('p', { class: 'ok', id: 'no-held-shards' }, 'No shard is held: every message is stored or rejected as it arrives.'));
  const table = el('table', { id: 'held-shard-rows' }, el('tr', {}, ...['Shard', 'Held since', 'Attempts', 'Why'].map((h) => el('th', {}, h))));
  for (const h of held) {
    table.append(el('tr', { 'data-shard': h.shard },
      el('td', {}, String(h.shard)), el('td', {}, new Date(h.since).toLocaleString()), el('td', {}, String(h.failures)), el('td', { class: 'error' }, h.reason)));
  }
  return el('div', {}, connected, el('p', { class: 'warn' }, `${held.length} shard${held.length === 1 ? ' is' : 's are'} held: their messages wait, unacknowledged, until the store takes them.`), table);
}

function rejectionTable(items) {
  if (!items.length) return el('p', { class: 'muted', id: 'no-rejections' }, 'No rejected messages.');
  const table = el('table', { class: 'rejections' }, el('tr', {}, ...['Received', 'Device', 'Kind', 'Cause', 'Reason', 'Bytes', 'First bytes'].map((h) => el('th', {}, h))));
  for (const r of items) {
    table.append(el('tr', { 'data-rejection': r.id, 'data-device': r.device ?? '', 'data-cause': r.cause },
      el('td', {}, new Date(r.received).toLocaleString()),
      el('td', { class: 'mono' }, r.device ?? '—'),
      el('td', {}, r.kind),
      el('td', {}, r.cause),
      el('td', { class: 'reason' }, r.reason),
      el('td', {}, String(r.size)),
      el('td', { class: 'mono excerpt', title: r.topic }, r.excerpt.slice(0, 80))));
  }
  return table;
}
