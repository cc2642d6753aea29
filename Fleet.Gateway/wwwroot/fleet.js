// The in-memory fleet: every device's summary, kept current by the snapshot and live events.
import { api } from './api.js';

export const STATES = ['healthy', 'healing', 'degraded', 'quarantined', 'offline', 'unknown'];

/** The one state a device is drawn in: quarantine wins, then presence, then reported health. */
export function stateOf(d) {
  if (d.quarantined) return 'quarantined';
  if (!d.online) return 'offline';
  switch (d.health) {
    case 'healthy': return 'healthy';
    case 'healing': return 'healing';
    case 'degraded':
    case 'unhealable': return 'degraded';
    default: return 'unknown';
  }
}

export class Fleet extends EventTarget {
  constructor() {
    super();
    this.devices = new Map();
    this.sorted = null;
    this.incidents = [];
    this.loading = null;
    this.pending = null;
  }

  /** Re-reads every device page (1000 at a time); live changes arriving meanwhile are replayed on top. */
  reload() {
    if (this.loading) return this.loading;
    this.pending = [];
    this.loading = (async () => {
      try {
        const devices = new Map();
        let after = null;
        do {
          const page = await api(`/api/v1/devices?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`);
          for (const d of page.items) devices.set(d.id, slim(d));
          after = page.nextCursor;
        } while (after);
        const incidents = await api('/api/v1/incidents?limit=20');
        this.devices = devices;
        for (const change of this.pending) this.#apply(change);
        this.incidents = incidents.items.filter(Boolean);
        this.#reorder();
        this.dispatchEvent(new Event('changed'));
        this.dispatchEvent(new Event('incidents'));
      } finally {
        this.pending = null;
        this.loading = null;
      }
    })();
    return this.loading;
  }

  applyChange(change) {
    this.pending?.push(change);
    if (this.#apply(change)) {
      this.#reorder();
      this.dispatchEvent(new Event('changed'));
    }
    this.dispatchEvent(new CustomEvent('device', { detail: change.id }));
  }

  addIncident(incident) {
    this.incidents.unshift(incident);
    this.incidents.length = Math.min(this.incidents.length, 20);
    this.dispatchEvent(new Event('incidents'));
  }

  #apply(change) {
    const existing = this.devices.get(change.id);
    const next = existing ? { ...existing } : slim(change);
    next.health = change.health ?? null;
    next.online = !!change.online;
    next.modelVersion = change.modelVersion ?? null;
    next.quarantined = !!change.quarantined;
    next.shard = change.shard ?? next.shard;
    next.lastSeen = change.lastSeen ?? next.lastSeen;
    this.devices.set(change.id, next);
    return !existing;
  }

  /** Device ids in order; sorted lazily, so a burst of new devices costs one sort, not one per device. */
  get order() {
    this.sorted ??= [...this.devices.keys()].sort();
    return this.sorted;
  }

  #reorder() {
    this.sorted = null;
  }
}

function slim(d) {
  return { id: d.id, health: d.health ?? null, online: !!d.online, modelVersion: d.modelVersion ?? null, quarantined: !!d.quarantined, shard: d.shard ?? null, lastSeen: d.lastSeen ?? null };
}
