/**
 * The example page: a TokenClient obtains a token from the app server's endpoint, the page shows what the token
 * grants and how long it has left, and the client refreshes it before it expires. The token itself is never shown
 * or logged; the page identifies it by the first bytes of its signature.
 */
import { TokenClient } from '@grantkit/client';
import { permissionRows } from './permission-rows.js';

// The endpoint that returns `{ "token": "…" }`: ?tokenUrl=… on the page, VITE_TOKEN_URL at build time, or /api/token.
const tokenUrl =
  new URLSearchParams(location.search).get('tokenUrl') ?? import.meta.env.VITE_TOKEN_URL ?? '/api/token';

const element = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = element('status');
const refreshCount = element('refresh-count');

const client = new TokenClient({ authUrl: tokenUrl, authRequest: { credentials: 'same-origin' } });

function setStatus(text: string, state: 'loading' | 'ok' | 'error'): void {
  status.textContent = text;
  status.dataset.state = state;
}

function log(text: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  element('log').prepend(item);
}

function render(token: string): void {
  const parsed = client.parseToken(token);
  const signature = Array.from(parsed.signature.subarray(0, 4), (byte) => byte.toString(16).padStart(2, '0')).join('');
  element('token-id').textContent = signature;
  element('binding').textContent = parsed.authorized_uuid
    ? `Bound to uuid ${parsed.authorized_uuid}; issued ${new Date(parsed.timestamp * 1000).toLocaleTimeString()}, ttl ${parsed.ttl} min.`
    : `Not bound to a uuid; issued ${new Date(parsed.timestamp * 1000).toLocaleTimeString()}, ttl ${parsed.ttl} min.`;
  const body = element<HTMLTableElement>('permissions').tBodies[0]!;
  body.replaceChildren(
    ...permissionRows(parsed).map((row) => {
      const tr = document.createElement('tr');
      for (const text of [row.type, row.name, row.match, row.permissions.join(', ')]) {
        const cell = document.createElement('td');
        cell.textContent = text; // names come from the token: text, never HTML
        tr.append(cell);
      }
      return tr;
    }),
  );
}

function renderTimeLeft(): void {
  const left = client.expiresIn;
  element('time-left').textContent =
    left === undefined ? '–' : left <= 0 ? 'expired' : `${Math.floor(left / 60)}:${String(Math.floor(left % 60)).padStart(2, '0')}`;
}

let tokens = 0;
client.on('token', ({ token, source }) => {
  tokens++;
  render(token);
  renderTimeLeft();
  refreshCount.dataset.count = String(tokens - 1); // the first token is not a refresh
  refreshCount.textContent = refreshCount.dataset.count;
  setStatus(`Token obtained from ${tokenUrl}.`, 'ok');
  log(`new token (${source})`);
});

client.on('refresh-error', ({ error, willRetry, retryIn }) => {
  if (!error.retryable) setStatus(`The token endpoint refused (${error.status ?? error.message}): sign in again.`, 'error');
  else if (!willRetry) setStatus(`Could not get a token: ${error.message}. Try “Refresh now”.`, 'error');
  log(`refresh failed: ${error.message}${willRetry ? `, retrying in ${retryIn?.toFixed(1)} s` : ''}`);
});

client.on('expired', () => log('token expired'));

element('token-url').textContent = tokenUrl;
element('refresh').addEventListener('click', () => {
  client.refresh().catch(() => {}); // failures arrive as refresh-error events
});
setInterval(renderTimeLeft, 250);
client.refresh().catch(() => {});
