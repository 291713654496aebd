/**
 * A small PubNub-style backend on loopback for tests: records every request it receives (method, path, query, body,
 * headers) and answers each endpoint with a canned body shaped as PubNub's service answers it, enough for the official
 * SDK to resolve its calls. Subscribe long polls: the handshake returns a timetoken at once; the first poll after it
 * delivers queued messages, later polls are held open until a message is queued or the client goes away.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  headers: IncomingMessage['headers'];
}

export interface RecordingUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue a message for the next subscribe poll on `channel` (wakes a held poll). */
  deliver(channel: string, message: unknown): void;
  /** Requests whose path starts with `prefix`. */
  seen(prefix: string): RecordedRequest[];
  close(): Promise<void>;
}

const TIMETOKEN = '17000000000000000';

export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const queued: Array<{ channel: string; message: unknown }> = [];
  const held = new Set<{ response: ServerResponse; channels: string[] }>();
  let port = 0;

  function flush(): void {
    for (const poll of [...held]) {
      const ready = queued.filter((item) => poll.channels.includes(item.channel));
      if (ready.length === 0) continue;
      held.delete(poll);
      for (const item of ready) queued.splice(queued.indexOf(item), 1);
      send(poll.response, 200, subscribeBody(ready));
    }
  }

  function subscribeBody(items: Array<{ channel: string; message: unknown }>): unknown {
    return {
      t: { t: String(BigInt(TIMETOKEN) + 1n), r: 1 },
      m: items.map((item) => ({ a: '1', f: 0, i: 'alice', p: { t: TIMETOKEN, r: 1 }, k: 'sub', c: item.channel, d: item.message })),
    };
  }

  function answer(request: RecordedRequest, response: ServerResponse): void {
    const { method, path, query } = request;
    const s = path.split('/').slice(1);
    if (path === '/time/0') return send(response, 200, [Number(TIMETOKEN)]);
    if (s[0] === 'publish' || s[0] === 'signal') return send(response, 200, [1, 'Sent', TIMETOKEN]);
    if (s[0] === 'v2' && s[1] === 'subscribe') {
      const channels = s[3]!.split(',').map(decodeURIComponent);
      if (!query.has('tt') || query.get('tt') === '0') return send(response, 200, { t: { t: TIMETOKEN, r: 1 }, m: [] });
      const poll = { response, channels };
      held.add(poll);
      response.on('close', () => held.delete(poll));
      flush();
      return;
    }
    if (s[0] === 'v2' && s[1] === 'presence') {
      if (s[4] === 'uuid' && s.length === 6) return send(response, 200, { status: 200, message: 'OK', payload: { channels: ['room-1'] }, service: 'Presence' });
      if (s[6] === 'heartbeat' || s[6] === 'leave') return send(response, 200, { status: 200, message: 'OK', service: 'Presence' });
      if (s[6] === 'uuid') return send(response, 200, { status: 200, message: 'OK', payload: { mood: 'ok' }, uuid: s[7], channel: s[5], service: 'Presence' });
      return send(response, 200, { status: 200, message: 'OK', occupancy: 1, uuids: ['alice'], service: 'Presence' });
    }
    if (s[0] === 'v3' && (s[1] === 'history' || s[1] === 'history-with-actions')) {
      if (method === 'DELETE') return send(response, 200, { status: 200, error: false, error_message: '' });
      if (s[4] === 'message-counts') return send(response, 200, { status: 200, error: false, error_message: '', channels: Object.fromEntries(s[5]!.split(',').map((name) => [decodeURIComponent(name), 0])) });
      return send(response, 200, { status: 200, error: false, error_message: '', channels: Object.fromEntries(s[5]!.split(',').map((name) => [decodeURIComponent(name), []])) });
    }
    if (s[0] === 'v2' && s[1] === 'history') return send(response, 200, [[], 0, 0]);
    if (s[0] === 'v1' && s[1] === 'message-actions') {
      if (method === 'POST') return send(response, 200, { status: 200, data: { type: 'reaction', value: '+1', uuid: 'alice', actionTimetoken: '17000000000000001', messageTimetoken: TIMETOKEN } });
      return send(response, 200, { status: 200, data: method === 'GET' ? [] : {} });
    }
    if (s[0] === 'v1' && s[1] === 'files') {
      if (s[2] === 'publish-file') return send(response, 200, [1, 'Sent', TIMETOKEN]);
      if (s[5] === 'generate-upload-url') {
        return send(response, 200, {
          status: 200, data: { id: 'file-1', name: 'cat.txt' },
          file_upload_request: { url: `http://127.0.0.1:${port}/upload`, method: 'POST', expiration_date: '2099-01-01T00:00:00Z', form_fields: [] },
        });
      }
      if (method === 'DELETE') return send(response, 200, { status: 200 });
      if (s.length === 8) {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('meow');
        return;
      }
      return send(response, 200, { status: 200, data: [], count: 0, next: null });
    }
    if (path === '/upload') {
      response.writeHead(204);
      response.end();
      return;
    }
    if (s[0] === 'v1' && s[1] === 'channel-registration') {
      if (s.length === 5) return send(response, 200, { status: 200, payload: { groups: ['cg'] }, service: 'channel-registry', error: false });
      if (s.length === 6 && !query.has('add') && !query.has('remove')) {
        return send(response, 200, { status: 200, payload: { channels: ['a'], group: decodeURIComponent(s[5]!) }, service: 'channel-registry', error: false });
      }
      return send(response, 200, { status: 200, message: 'OK', service: 'channel-registry', error: false });
    }
    if (s[0] === 'v2' && s[1] === 'objects') {
      if (s.length === 6 || s.length === 4) return send(response, 200, { status: 200, data: [], totalCount: 0 });
      if (method === 'DELETE') return send(response, 200, { status: 200, data: null });
      return send(response, 200, { status: 200, data: { id: decodeURIComponent(s[4]!), name: 'N', updated: '2020-01-01T00:00:00Z', eTag: 'e' } });
    }
    if ((s[0] === 'v1' || s[0] === 'v2') && s[1] === 'push') {
      if (s[6] === 'remove') return send(response, 200, [1, 'Removed Device']);
      if (query.has('add') || query.has('remove')) return send(response, 200, [1, 'Modified Channels']);
      return send(response, 200, ['room-1']);
    }
    send(response, 404, { status: 404, error: true, message: 'Not Found' });
  }

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://upstream');
      const recorded: RecordedRequest = {
        method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, body: Buffer.concat(chunks).toString('utf8'), headers: incoming.headers,
      };
      requests.push(recorded);
      answer(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    deliver(channel, message) {
      queued.push({ channel, message });
      flush();
    },
    seen: (prefix) => requests.filter((request) => request.path.startsWith(prefix)),
    async close() {
      for (const poll of held) poll.response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'text/javascript; charset="UTF-8"', 'content-length': Buffer.byteLength(text), 'x-upstream': 'recording' });
  response.end(text);
}
