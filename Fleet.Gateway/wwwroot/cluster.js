// The cluster as the answering node sees it: members (status, reachability, age, leader and oldest — where the
// singletons run) and, for every fleet shard, the node holding its ingress session and the node hosting its twins.
import { api } from './api.js';
import { el, clear } from './dom.js';

const COLOURS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];

export function renderCluster(view, fleet) {
  clear(view);
  const members = el('section', { class: 'panel', id: 'cluster-members' }, el('h2', {}, 'Cluster'), el('p', { class: 'muted' }, 'Loading…'));
  const shards = el('section', { class: 'panel', id: 'cluster-shards' }, el('h2', {}, 'Shards'), el('p', { class: 'muted' }, 'Loading…'));
  view.append(members, shards);
  let stopped = false;

  async function load() {
    try {
      const cluster = await api('/api/v1/cluster');
      if (stopped) return;
      const colour = colours(cluster.members);
      members.replaceChildren(el('h2', {}, 'Cluster'), memberTable(cluster, colour));
      shards.replaceChildren(el('h2', {}, 'Shards'), shardMap(cluster, colour));
    } catch (error) {
      if (!stopped) members.replaceChildren(el('h2', {}, 'Cluster'), el('p', { class: 'error' }, error.message));
    }
  }

  fleet.addEventListener('resync', load);
  const timer = setInterval(load, 5000);
  load();
  return () => {
    stopped = true;
    clearInterval(timer);
    fleet.removeEventListener('resync', load);
  };
}

// akka.tcp://fleet-gateway@10.0.0.5:4053 → 10.0.0.5:4053
export function shortNode(address) {
  return address ? address.replace(/^[^@]*@/, '') : '—';
}

function colours(members) {
  const map = new Map();
  members.forEach((m, i) => map.set(m.address, COLOURS[i % COLOURS.length]));
  return map;
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function memberTable(cluster, colour) {
  const table = el('table', { id: 'member-rows' }, el('tr', {}, ...['Node', 'Status', 'Reachable', 'Roles', 'Up since', 'Up for', ''].map((h) => el('th', {}, h))));
  for (const m of cluster.members) {
    const tags = [m.self && 'this node', m.leader && 'leader', m.oldest && 'oldest (singletons)'].filter(Boolean).join(', ');
    table.append(el('tr', { 'data-node': m.address, 'data-status': m.status, 'data-self': m.self || null, 'data-oldest': m.oldest || null },
      el('td', { class: 'mono' }, el('span', { class: 'dot', style: `--c: ${colour.get(m.address)}` }), shortNode(m.address)),
      el('td', {}, m.status),
      el('td', { class: m.reachable ? 'ok' : 'error' }, m.reachable ? 'yes' : 'unreachable'),
      el('td', {}, m.roles.join(', ') || '—'),
      el('td', {}, m.upSince ? new Date(m.upSince).toLocaleString() : '—'),
      el('td', {}, age(m.upSeconds)),
      el('td', { class: 'muted' }, tags)));
  }
  return el('div', {}, el('p', {}, 'Answered by ', el('b', { class: 'mono', id: 'cluster-node' }, shortNode(cluster.node)), `: ${cluster.members.length} member${cluster.members.length === 1 ? '' : 's'}.`), table);
}

function regionNote(name, region) {
  if (region.state === 'notStarted') return el('p', { class: 'muted', 'data-region': name, 'data-state': region.state }, `${name}: not started on this node.`);
  if (region.state === 'partial') return el('p', { class: 'warn', 'data-region': name, 'data-state': region.state }, `${name}: ${region.detail}`);
  return null;
}

function strip(cluster, colour, region, key) {
  const cells = el('div', { class: 'shard-strip', id: `${key}-shards` });
  for (const s of cluster.shards) {
    const node = s[key];
    const title = `shard ${s.shard}: ${node ? shortNode(node) : region.state === 'notStarted' ? 'not started' : 'not allocated'}${key === 'device' && s.twins !== null ? `, ${s.twins} twin${s.twins === 1 ? '' : 's'}` : ''}`;
    cells.append(el('span', { class: 'shard-cell', title, 'data-shard': s.shard, 'data-node': node ?? '', style: node ? `--c: ${colour.get(node) ?? '#9ca3af'}` : null }, String(s.shard)));
  }
  return cells;
}

function shardMap(cluster, colour) {
  const perNode = el('table', { id: 'node-shards' }, el('tr', {}, ...['Node', 'Ingress sessions', 'Device shards', 'Twins'].map((h) => el('th', {}, h))));
  for (const m of cluster.members) {
    const ingress = cluster.shards.filter((s) => s.ingress === m.address).map((s) => s.shard);
    const device = cluster.shards.filter((s) => s.device === m.address);
    perNode.append(el('tr', { 'data-node': m.address },
      el('td', { class: 'mono' }, el('span', { class: 'dot', style: `--c: ${colour.get(m.address)}` }), shortNode(m.address)),
      el('td', {}, cluster.ingress.state === 'notStarted' ? '—' : String(ingress.length)),
      el('td', {}, String(device.length)),
      el('td', {}, String(device.reduce((n, s) => n + (s.twins ?? 0), 0)))));
  }
  return el('div', {},
    el('p', { class: 'muted' }, `${cluster.shardCount} fleet shards. Each cell is a shard, coloured by the node that hosts it; grey is not allocated (no twin of that shard is loaded) or unknown.`),
    perNode,
    el('h3', {}, 'Ingress sessions'), regionNote('Ingress', cluster.ingress), strip(cluster, colour, cluster.ingress, 'ingress'),
    el('h3', {}, 'Device twins'), regionNote('Device twins', cluster.device), strip(cluster, colour, cluster.device, 'device'));
}
