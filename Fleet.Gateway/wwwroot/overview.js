// Fleet overview: counts, incidents, a canvas heatmap of every device and a virtualised list of the filtered ones.
import { STATES, stateOf } from './fleet.js';
import { el, clear } from './dom.js';

const GAP = 2;
const ROW = 28;
const COLOURS = {};

export function renderOverview(view, fleet, navigate) {
  clear(view);
  const filter = { states: new Set(), model: '', text: '' };
  const counts = el('div', { class: 'counts', id: 'counts' });
  const models = el('div', { class: 'models-count', id: 'model-counts' });
  const search = el('input', { type: 'search', id: 'search', placeholder: 'Search device id…', autocomplete: 'off' });
  const shown = el('span', { class: 'muted', id: 'shown' });
  const canvas = el('canvas', { id: 'grid', 'aria-label': 'device heatmap' });
  const tip = el('div', { class: 'tip', hidden: '' });
  const gridBox = el('div', { class: 'grid-box' }, canvas, tip);
  const spacer = el('div', { class: 'spacer' });
  const rows = el('div', { class: 'rows', id: 'device-rows' });
  const listBox = el('div', { class: 'list-box', id: 'device-list' }, spacer, rows);
  view.append(
    el('section', { class: 'panel' }, el('h2', {}, 'Fleet'), counts, models),
    el('section', { class: 'panel' }, el('div', { class: 'toolbar' }, search, shown), gridBox,
      el('div', { class: 'list-head' }, el('span', {}, 'Device'), el('span', {}, 'State'), el('span', {}, 'Model'), el('span', {}, 'Shard'), el('span', {}, 'Last seen')),
      listBox));

  for (const s of STATES) COLOURS[s] ??= getComputedStyle(document.documentElement).getPropertyValue(`--${s}`).trim() || '#888';

  let visible = [];
  let cell = 12;
  let positions = new Map();
  let dirty = true;
  let structural = true;
  const touched = new Set();
  let columns = 1;

  function matches(d) {
    if (filter.states.size && !filter.states.has(stateOf(d))) return false;
    if (filter.model && (d.modelVersion ?? '—') !== filter.model) return false;
    return !filter.text || d.id.includes(filter.text);
  }

  // Rebuilds the filtered list (and where each device sits in it), then the counts.
  function refilter() {
    visible = [];
    positions = new Map();
    for (const id of fleet.order) {
      const d = fleet.devices.get(id);
      if (matches(d)) {
        positions.set(id, visible.length);
        visible.push(d);
      }
    }
    recount();
  }

  function recount() {
    const byState = Object.fromEntries(STATES.map((s) => [s, 0]));
    const byModel = new Map();
    for (const d of fleet.devices.values()) {
      byState[stateOf(d)]++;
      const version = d.modelVersion ?? '—';
      byModel.set(version, (byModel.get(version) ?? 0) + 1);
    }
    clear(counts);
    counts.append(el('span', { class: 'total' }, `${fleet.devices.size} devices`));
    for (const s of STATES) {
      if (s === 'unknown' && byState[s] === 0) continue;
      const chip = el('button', { type: 'button', class: `chip ${s}`, 'data-state': s, 'aria-pressed': String(filter.states.has(s)) }, `${s} `, el('b', { 'data-count': s }, String(byState[s])));
      chip.onclick = () => { filter.states.has(s) ? filter.states.delete(s) : filter.states.add(s); refresh(true); };
      counts.append(chip);
    }
    clear(models);
    for (const [version, n] of [...byModel].sort()) {
      const chip = el('button', { type: 'button', class: 'chip model', 'aria-pressed': String(filter.model === version) }, `model ${version} `, el('b', {}, String(n)));
      chip.onclick = () => { filter.model = filter.model === version ? '' : version; refresh(true); };
      models.append(chip);
    }
    shown.textContent = visible.length === fleet.devices.size ? '' : `${visible.length} shown`;
  }

  function draw() {
    if (!dirty) return;
    dirty = false;
    // Larger cells while the fleet is small; 12 px keeps 10k devices on one screen.
    cell = visible.length <= 300 ? 24 : visible.length <= 2500 ? 16 : 12;
    const ratio = window.devicePixelRatio || 1;
    const width = gridBox.clientWidth;
    columns = Math.max(1, Math.floor((width + GAP) / (cell + GAP)));
    const height = Math.max(cell, Math.ceil(visible.length / columns) * (cell + GAP));
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    for (let i = 0; i < visible.length; i++) {
      ctx.fillStyle = COLOURS[stateOf(visible[i])];
      ctx.fillRect((i % columns) * (cell + GAP), Math.floor(i / columns) * (cell + GAP), cell, cell);
    }
    drawRows();
  }

  // Only the rows in view exist in the DOM; the spacer gives the list its full scroll height.
  function drawRows() {
    spacer.style.height = `${visible.length * ROW}px`;
    const first = Math.max(0, Math.floor(listBox.scrollTop / ROW) - 5);
    const last = Math.min(visible.length, first + Math.ceil(listBox.clientHeight / ROW) + 10);
    rows.style.transform = `translateY(${first * ROW}px)`;
    clear(rows);
    for (let i = first; i < last; i++) {
      const d = visible[i];
      const state = stateOf(d);
      const row = el('a', { class: 'row', href: `#/devices/${encodeURIComponent(d.id)}`, 'data-device': d.id, 'data-state': state },
        el('span', { class: 'id' }, d.id),
        el('span', {}, el('i', { class: `dot ${state}` }), state),
        el('span', {}, d.modelVersion ?? '—'),
        el('span', {}, d.shard ?? ''),
        el('span', {}, d.lastSeen ? new Date(d.lastSeen).toLocaleTimeString() : ''));
      rows.append(row);
    }
  }

  function cellAt(event) {
    const rect = canvas.getBoundingClientRect();
    const col = Math.floor((event.clientX - rect.left) / (cell + GAP));
    const row = Math.floor((event.clientY - rect.top) / (cell + GAP));
    return col < columns ? visible[row * columns + col] : undefined;
  }

  // A live change repaints only its own cell; a new device, a filter change or a change that moves a device
  // in or out of the filter rebuilds the list and repaints the whole grid. At most once a frame either way.
  function paintChanges() {
    const ctx = canvas.getContext('2d');
    for (const id of touched) {
      const d = fleet.devices.get(id);
      const at = positions.get(id);
      if (!d || (at === undefined) === matches(d)) return false;
      if (at === undefined) continue;
      visible[at] = d;
      ctx.fillStyle = COLOURS[stateOf(d)];
      ctx.fillRect((at % columns) * (cell + GAP), Math.floor(at / columns) * (cell + GAP), cell, cell);
    }
    return true;
  }

  let frame = 0;
  function refresh(rebuild = false) {
    structural ||= rebuild;
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (structural || dirty || !paintChanges()) {
        refilter();
        dirty = true;
        draw();
      } else {
        recount();
        drawRows();
      }
      structural = false;
      touched.clear();
    });
  }
  const onDevice = (event) => { touched.add(event.detail); refresh(); };
  const onChanged = () => refresh(true);

  canvas.onclick = (event) => { const d = cellAt(event); if (d) navigate(`#/devices/${encodeURIComponent(d.id)}`); };
  canvas.onmousemove = (event) => {
    const d = cellAt(event);
    tip.hidden = !d;
    if (d) {
      tip.textContent = `${d.id} · ${stateOf(d)} · ${d.modelVersion ?? 'no model'}`;
      tip.style.left = `${event.offsetX + 12}px`;
      tip.style.top = `${event.offsetY + 12}px`;
    }
  };
  canvas.onmouseleave = () => { tip.hidden = true; };
  search.oninput = () => { filter.text = search.value.trim(); refresh(true); };
  listBox.onscroll = () => requestAnimationFrame(drawRows);
  const onResize = () => { dirty = true; draw(); };
  window.addEventListener('resize', onResize);
  fleet.addEventListener('changed', onChanged);
  fleet.addEventListener('device', onDevice);
  refresh(true);
  return () => {
    fleet.removeEventListener('changed', onChanged);
    fleet.removeEventListener('device', onDevice);
    window.removeEventListener('resize', onResize);
  };
}
