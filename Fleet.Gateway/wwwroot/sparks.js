// Metric history sparklines (KL, latency, temperature) from GET /api/v1/devices/{id}/metrics, extended live by
// "metrics" events. A metric the device never sent shows "no sensor", never a line at 0.
import { svg, el } from './dom.js';

const WIDTH = 240;
const HEIGHT = 48;

const METRICS = [
  { key: 'kl', label: 'KL divergence', threshold: 'klThreshold' },
  { key: 'latencyP99Us', label: 'Latency p99 (µs)', under: 'latencyP50Us' },
  { key: 'temperatureC', label: 'Temperature (°C)', unit: ' °C' },
];

export class MetricHistory {
  constructor(capacity = 60) {
    this.capacity = capacity;
    this.points = [];
  }

  reset(points, capacity) {
    this.capacity = capacity ?? this.capacity;
    this.points = points.slice(-this.capacity);
  }

  add(point) {
    this.points.push(point);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
  }
}

/** Replaces the children of box with one sparkline per metric. */
export function drawSparks(box, history) {
  box.replaceChildren(...METRICS.map((m) => spark(m, history.points)));
  box.dataset.points = String(history.points.length);
}

function spark(metric, points) {
  const values = points.map((p) => p[metric.key] ?? null);
  const present = values.filter((v) => v !== null);
  const latest = present.length ? present[present.length - 1] : null;
  const box = el('div', { class: 'spark', 'data-metric': metric.key, 'data-points': String(present.length) },
    el('span', {}, metric.label),
    el('b', { class: 'value' }, latest === null ? '' : format(latest) + (metric.unit ?? '')));
  if (!points.length) {
    box.classList.add('absent');
    box.append(el('div', { class: 'empty' }, 'no telemetry yet'));
    return box;
  }

  if (!present.length) {
    box.classList.add('absent');
    box.append(el('div', { class: 'empty', 'data-absent': metric.key }, 'no sensor'));
    return box;
  }

  const thresholds = metric.threshold ? points.map((p) => p[metric.threshold] ?? null) : [];
  const under = metric.under ? points.map((p) => p[metric.under] ?? null) : [];
  const all = [...present, ...thresholds.filter((v) => v !== null), ...under.filter((v) => v !== null)];
  let min = Math.min(...all);
  let max = Math.max(...all);
  if (max - min < 1e-9) {
    max += Math.abs(max) * 0.1 || 1;
    min -= Math.abs(min) * 0.1 || 0;
  }
  const step = points.length > 1 ? WIDTH / (points.length - 1) : 0;
  const x = (i) => (points.length > 1 ? i * step : WIDTH / 2);
  const y = (v) => HEIGHT - 3 - ((v - min) / (max - min)) * (HEIGHT - 6);
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': metric.label });
  if (thresholds.length) chart.append(...lines(thresholds, x, y, 'threshold'));
  if (under.length) chart.append(...lines(under, x, y, 'under'));
  chart.append(...lines(values, x, y, 'line'));
  const last = values.length - 1;
  if (values[last] !== null) chart.append(svg('circle', { cx: x(last).toFixed(1), cy: y(values[last]).toFixed(1), r: 2, class: 'dot-now' }));
  box.append(chart);
  box.title = `${present.length} of the last ${points.length} windows; min ${format(Math.min(...present))}, max ${format(Math.max(...present))}`;
  return box;
}

// One polyline per run of present values: a window without the metric is a gap, not a dip to zero.
function lines(values, x, y, cls) {
  const out = [];
  let run = [];
  const flush = () => {
    if (run.length === 1) out.push(svg('circle', { cx: run[0][0], cy: run[0][1], r: 1.5, class: cls }));
    else if (run.length > 1) out.push(svg('polyline', { points: run.map((p) => p.join(',')).join(' '), class: cls }));
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null) flush();
    else run.push([x(i).toFixed(1), y(v).toFixed(1)]);
  });
  flush();
  return out;
}

export function format(value) {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
