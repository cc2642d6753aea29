// The public HTTP API, with the token from localStorage. The dashboard uses nothing else.
const KEY = 'fleet.token';

export const token = {
  get: () => localStorage.getItem(KEY),
  set: (value) => localStorage.setItem(KEY, value),
  clear: () => localStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
  }
}

export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Authorization: `Bearer ${token.get() ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data?.title, data?.detail ?? (data?.errors ? JSON.stringify(data.errors) : undefined));
  return data;
}

export function eventsUrl(device) {
  const scope = device ? `&device=${encodeURIComponent(device)}` : '';
  return `/api/v1/events?access_token=${encodeURIComponent(token.get() ?? '')}${scope}`;
}
