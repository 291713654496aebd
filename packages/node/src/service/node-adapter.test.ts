import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrantHandler, decodeToken, signRequestV2, type HandlerEvent } from '@grantkit/core';
import { importKey } from '../crypto.js';
import { sendResponse, toNodeListener, toRequest } from './node-adapter.js';

const events: HandlerEvent[] = [];
let server: Server;
let base: string;
let port: number;

const handler = createGrantHandler({
  keysets: new Map([['sub-c-1', { subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', keys: [importKey('sec-c-1')] }]]),
  maxBodyBytes: 1_024,
  onEvent: (event) => events.push(event),
});

beforeAll(async () => {
  server = createServer(toNodeListener(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/throw') throw new Error('handler bug');
    if (pathname === '/cookies') {
      const headers = new Headers({ 'content-type': 'text/plain' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response('chunked body', { status: 201, headers });
    }
    if (pathname === '/echo') return new Response(await request.text());
    if (pathname === '/stream') {
      const chunk = new Uint8Array(64 * 1024).fill(120);
      let sent = 0;
      return new Response(new ReadableStream({
        pull(controller) {
          if (sent++ === 32) controller.close();
          else controller.enqueue(chunk);
        },
      }));
    }
    return handler(request);
  }, { maxBodyBytes: 1_024 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends raw bytes and returns the raw answer (until the server closes or `timeoutMs`). */
function raw(bytes: string | Buffer, timeoutMs = 2_000, to = port): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(to, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { answer += chunk; });
    socket.on('error', (error) => { clearTimeout(timer); answer === '' ? reject(error) : resolve(answer); });
    socket.on('close', () => { clearTimeout(timer); resolve(answer); });
    socket.write(bytes);
  });
}

function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

describe('node adapter: bodies and limits', () => {
  it('answers 413 for a declared oversized body before reading it, and closes the connection', async () => {
    const answer = await raw(`POST /v3/pam/sub-c-1/grant HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 5000000\r\n\r\n{"ttl":`);
    expect(statusOf(answer)).toBe(413);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"message":"Request Entity Too Large"');
  });

  it('answers 413 for a chunked body that grows past the cap, whatever it claimed', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v3/pam/sub-c-1/grant', headers: { 'transfer-encoding': 'chunked' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      const chunk = Buffer.alloc(512, 0x20);
      let written = 0;
      const pump = () => {
        // Keep sending until the answer arrives (bounded: 1 MiB).
        while (written < 2_048 && request.write(chunk)) written++;
        if (written < 2_048) request.once('drain', pump);
        else request.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('streams bodies within the cap to the handler unchanged', async () => {
    const body = 'é'.repeat(500); // 1000 bytes of UTF-8
    const response = await fetch(`${base}/echo`, { method: 'POST', body });
    expect(await response.text()).toBe(body);
  });

  it('streams large response bodies with backpressure', async () => {
    const response = await fetch(`${base}/stream`);
    expect((await response.arrayBuffer()).byteLength).toBe(32 * 64 * 1024);
  });

  it('writes status, headers and several Set-Cookie headers', async () => {
    const response = await fetch(`${base}/cookies`);
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.text()).toBe('chunked body');
  });
});

describe('node adapter: never a 500 for bad input', () => {
  it('answers bad JSON, bad percent-encoding, unknown keysets and bad methods with 4xx in PubNub\'s shape', async () => {
    const json = await fetch(`${base}/v3/pam/sub-c-1/grant?timestamp=${Math.floor(Date.now() / 1000)}&signature=v2.${'A'.repeat(43)}`, { method: 'POST', body: '{nope' });
    expect([400, 403]).toContain(json.status);
    const encoded = await raw('POST /v3/pam/%E0%A4%A/grant HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}');
    expect(statusOf(encoded)).toBe(400);
    expect(encoded).toContain('"service":"Access Manager"');
    const unknown = await fetch(`${base}/v3/pam/sub-c-nope/grant`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(400);
    const trace = await raw('TRACE /health HTTP/1.1\r\nhost: x\r\n\r\n');
    expect(statusOf(trace)).toBe(405);
    const put = await fetch(`${base}/v3/pam/sub-c-1/grant`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
  });

  it('keeps the path as sent: absolute-form targets and double slashes do not change the origin', async () => {
    expect(statusOf(await raw('GET http://evil.example/health HTTP/1.1\r\nhost: evil.example\r\n\r\n', 500))).toBe(200);
    expect(statusOf(await raw('GET //evil.example/health HTTP/1.1\r\nhost: x\r\n\r\n', 500))).toBe(404);
  });

  it('answers unparsable HTTP with 400 (Node\'s parser) and keeps serving', async () => {
    expect(statusOf(await raw('GARBAGE\r\n\r\n'))).toBe(400);
    expect(statusOf(await raw(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a])))).toBe(400);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('survives a client that aborts mid-body', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 800\r\n\r\n{"partial":');
        setTimeout(() => { socket.destroy(); resolve(); }, 50);
      });
      socket.on('error', () => resolve());
    });
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('turns a throwing handler into a 500 without details, and keeps serving', async () => {
    const response = await fetch(`${base}/throw`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('handler bug');
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('answers 300 random requests (paths, methods, bodies, headers) without a single 5xx from the handler', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const bytes = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
    const paths = ['/v3/pam/sub-c-1/grant', '/v3/pam/sub-c-1/grant/', '/v3/pam/sub-c-1/grant/abc%3D', '/grantkit/v1/sub-c-1/authorize', '/health', '/v3/pam//grant', '/%ZZ', '/v3/pam/sub-c-1/grant/%'];
    const queries = ['', '?timestamp=1', '?signature=v2.x&timestamp=99999999999', '?token=%00&permission=read&channel=a', '?auth=qEF2&uuid=&channel=a&permission=write', `?timestamp=${Math.floor(Date.now() / 1000)}&signature=v2.${'B'.repeat(43)}`];
    const before = events.length;
    const deadline = Date.now() + 20_000;
    for (let index = 0; index < 300 && Date.now() < deadline; index++) {
      const method = pick(['GET', 'POST', 'DELETE', 'POST']);
      const body = method === 'GET' ? undefined : pick([bytes(Math.floor(random() * 64)), Buffer.from('{"ttl":5,"permissions":{"resources":{"channels":{"a":1}}}}'), Buffer.from('[]'), Buffer.from('null')]);
      const response = await fetch(`${base}${pick(paths)}${pick(queries)}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: pick(['', 'Bearer x', 'Bearer qEF2AkF0', 'Basic abc']) },
        ...(body === undefined ? {} : { body }),
      });
      await response.arrayBuffer();
      expect(response.status, `${method} request ${index}`).toBeLessThan(500);
    }
    expect(events.slice(before).every((event) => event.status < 500)).toBe(true);
  });
});

describe('toRequest / sendResponse directly', () => {
  it('refuses a method undici cannot represent with a typed error naming the field', () => {
    const incoming = { method: 'TRACE', url: '/x', rawHeaders: [], headers: {} } as never;
    expect(() => toRequest(incoming)).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID', field: 'method' }));
  });

  it('does nothing once headers are sent', async () => {
    const outgoing = { headersSent: true, destroyed: false } as never;
    await expect(sendResponse(new Response('x'), outgoing)).resolves.toBeUndefined();
  });
});

describe('core\'s handler served directly: no web objects, Content-Length on every answer', () => {
  let direct: Server;
  let directPort: number;
  let directBase: string;
  const key = importKey('sec-c-1');
  beforeAll(async () => {
    direct = createServer(toNodeListener(handler));
    await new Promise<void>((resolve) => direct.listen(0, '127.0.0.1', resolve));
    directPort = (direct.address() as { port: number }).port;
    directBase = `http://127.0.0.1:${directPort}`;
  });
  afterAll(async () => {
    direct.closeAllConnections();
    await new Promise((resolve) => direct.close(resolve));
  });
  const headOf = (answer: string) => answer.slice(0, answer.indexOf('\r\n\r\n')).toLowerCase();
  const signedGrant = (body: string) => {
    const path = '/v3/pam/sub-c-1/grant';
    const query = { uuid: 'server', timestamp: String(Math.floor(Date.now() / 1000)) };
    return `${path}?uuid=server&timestamp=${query.timestamp}&signature=${signRequestV2(key, { method: 'POST', publishKey: 'pub-c-1', path, query, body })}`;
  };

  it('answers every route and error with a Content-Length and never a chunked body', async () => {
    const answers = [
      await raw('GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 2_000, directPort),
      await raw('GET /nowhere HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 2_000, directPort),
      await raw('POST /v3/pam/%E0%A4%A/grant HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}', 2_000, directPort),
      await raw('TRACE /health HTTP/1.1\r\nhost: x\r\n\r\n', 2_000, directPort),
      await raw('PUT /v3/pam/sub-c-1/grant HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}', 2_000, directPort),
      await raw('GET /grantkit/v1/sub-c-1/authorize?token=x&permission=read&channel=a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 2_000, directPort),
    ];
    expect(answers.map(statusOf)).toEqual([200, 404, 400, 405, 405, 403]);
    for (const answer of answers) {
      const head = headOf(answer);
      const length = Number(/content-length: (\d+)/.exec(head)?.[1]);
      expect(head).not.toContain('transfer-encoding');
      expect(Buffer.byteLength(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toBe(length);
    }
  });

  it('mints from a signed grant whose body holds multi-byte UTF-8, and refuses a body that is not UTF-8', async () => {
    const body = '{"ttl":5,"permissions":{"resources":{"channels":{"salle-é":1}},"meta":{"nom":"Zoë 🎉"}}}';
    const response = await fetch(`${directBase}${signedGrant(body)}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(await response.clone().text())));
    // PubNub's content type and key order, as on the web form.
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=UTF-8');
    expect(Object.keys(await response.clone().json() as object)).toEqual(['data', 'service', 'status']);
    const token = ((await response.json()) as { data: { token: string } }).data.token;
    expect(decodeToken(token).meta).toEqual({ nom: 'Zoë 🎉' });
    expect(Object.keys(decodeToken(token).resources.channels)).toEqual(['salle-é']);
    const invalid = Buffer.concat([Buffer.from('{"ttl":5,"meta":{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const refused = await raw(Buffer.concat([Buffer.from(`POST ${signedGrant('x')} HTTP/1.1\r\nhost: x\r\ncontent-length: ${invalid.length}\r\nconnection: close\r\n\r\n`), invalid]), 2_000, directPort);
    expect(statusOf(refused)).toBe(400);
    expect(refused).toContain('UTF-8');
  });

  it('answers 413 to a declared or a growing oversized body, closes the connection, and keeps serving', async () => {
    const declared = await raw('POST /v3/pam/sub-c-1/grant HTTP/1.1\r\nhost: x\r\ncontent-length: 5000000\r\n\r\n{"ttl":', 2_000, directPort);
    expect(statusOf(declared)).toBe(413);
    expect(headOf(declared)).toContain('connection: close');
    const growing = await raw(`POST ${signedGrant('')} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${'200\r\n' + ' '.repeat(512) + '\r\n'.repeat(1)}`.repeat(1) + ('200\r\n' + ' '.repeat(512) + '\r\n').repeat(3), 2_000, directPort);
    expect(statusOf(growing)).toBe(413);
    expect(headOf(growing)).toContain('connection: close');
    expect((await fetch(`${directBase}/health`)).status).toBe(200);
  });

  it('keeps the path as sent, and survives a client that aborts mid-body', async () => {
    expect(statusOf(await raw('GET http://evil.example/health HTTP/1.1\r\nhost: evil.example\r\n\r\n', 500, directPort))).toBe(200);
    expect(statusOf(await raw('GET //evil.example/health HTTP/1.1\r\nhost: x\r\n\r\n', 500, directPort))).toBe(404);
    expect(statusOf(await raw('GET /v3/pam/../../health HTTP/1.1\r\nhost: x\r\n\r\n', 500, directPort))).toBe(200);
    await new Promise<void>((resolve) => {
      const socket = connect(directPort, '127.0.0.1', () => {
        socket.write(`POST ${signedGrant('x')} HTTP/1.1\r\nhost: x\r\ncontent-length: 800\r\n\r\n{"partial":`);
        setTimeout(() => { socket.destroy(); resolve(); }, 50);
      });
      socket.on('error', () => resolve());
    });
    expect((await fetch(`${directBase}/health`)).status).toBe(200);
  });
});
