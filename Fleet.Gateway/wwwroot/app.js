// The dashboard shell: token login, hash routing, the live event stream and the incidents banner.
import { api, token, eventsUrl, ApiError } from './api.js';
import { Fleet } from './fleet.js';
import { el } from './dom.js';
import { renderOverview } from './overview.js';
import { renderDevice } from './device.js';
import { renderModels } from './models.js';
import { renderRejections } from './rejections.js';
import { renderCluster } from './cluster.js';

const fleet = new Fleet();
const view = document.getElementById('view');
const live = document.getElementById('live');
let role = null;
let teardown = null;
let source = null;
let retry = 0;

function route() {
  teardown?.();
  teardown = null;
  const hash = location.hash || '#/';
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', hash.startsWith(a.getAttribute('href')) && (hash === '#/' || a.getAttribute('href') !== '#/'));
  const device = hash.match(/^#\/devices\/(.+)$/);
  if (device) teardown = renderDevice(view, fleet, decodeURIComponent(device[1]), role);
  else if (hash === '#/models') teardown = renderModels(view, fleet);
  else if (hash === '#/rejections') teardown = renderRejections(view, fleet);
  else if (hash === '#/cluster') teardown = renderCluster(view, fleet);
  else teardown = renderOverview(view, fleet, (to) => { location.hash = to; });
}

// Views that keep their own lists (rollouts) re-read them on "resync" too.
function resync() {
  fleet.reload().catch(onFailure);
  fleet.dispatchEvent(new Event('resync'));
}

function setLive(state, text) {
  live.dataset.state = state;
  live.textContent = text;
}

// EventSource reconnects by itself after a network error; after a refused reconnect (e.g. the gateway answered
// 503 while starting) it gives up, so we open a new one. Each (re)connection starts with "hello": re-read the snapshots.
function connect() {
  source?.close();
  source = new EventSource(eventsUrl());
  source.addEventListener('hello', () => {
    retry = 0;
    setLive('live', 'live');
    resync();
  });
  source.addEventListener('resync', resync);
  source.addEventListener('twin', (e) => fleet.applyChange(JSON.parse(e.data)));
  source.addEventListener('incident', (e) => fleet.addIncident(JSON.parse(e.data)));
  source.addEventListener('rollout', (e) => fleet.dispatchEvent(new CustomEvent('rollout', { detail: JSON.parse(e.data) })));
  source.onerror = () => {
    setLive('down', 'reconnecting');
    if (source.readyState === EventSource.CLOSED) {
      retry = Math.min(retry + 1, 5);
      setTimeout(async () => {
        try {
          await api('/api/v1/whoami');
          connect();
        } catch (error) {
          onFailure(error);
          if (!(error instanceof ApiError && error.status === 401)) connect();
        }
      }, 1000 * retry);
    }
  };
}

function onFailure(error) {
  if (error instanceof ApiError && error.status === 401) {
    source?.close();
    login('That token was not accepted.');
  }
}

function renderIncidents() {
  const banner = document.getElementById('incidents');
  const day = Date.now() - 24 * 3600 * 1000;
  const recent = fleet.incidents.filter((i) => Date.parse(i.raised) >= day);
  banner.hidden = recent.length === 0;
  banner.replaceChildren(el('b', {}, `${recent.length} incident${recent.length === 1 ? '' : 's'} in the last 24 h`),
    ...recent.slice(0, 3).map((i) => el('span', { class: 'incident' },
      `${i.diagnosis} on ${i.modelId ?? 'model'} ${i.modelVersion}: ${i.devices}/${i.devicesOnVersion} devices → ${i.action}${i.rollbackTo ? ` to ${i.rollbackTo}` : ''}`)));
}

function login(message) {
  const dialog = document.getElementById('login');
  const error = document.getElementById('login-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  if (!dialog.open) dialog.showModal();
}

async function start() {
  if (!token.get()) {
    login(null);
    return;
  }
  try {
    const me = await api('/api/v1/whoami');
    role = me.role;
    document.getElementById('who').textContent = `${me.name} (${role === 'operator' ? 'operator' : 'read only'})`;
    document.getElementById('logout').hidden = false;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      login(token.get() ? 'That token was not accepted.' : null);
      return;
    }
    setLive('down', 'gateway unreachable');
    setTimeout(start, 2000);
    return;
  }
  route();
  connect();
}

document.getElementById('login-form').addEventListener('submit', () => {
  token.set(document.getElementById('token').value.trim());
  start();
});
document.getElementById('login').addEventListener('cancel', (e) => e.preventDefault());
document.getElementById('logout').onclick = () => {
  token.clear();
  location.reload();
};
fleet.addEventListener('incidents', renderIncidents);
window.addEventListener('hashchange', route);
start();
