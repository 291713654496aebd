// A bare node:http server doing the least any token service does: one HMAC-SHA256 over the body, JSON.stringify.
import { createHmac, createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';

const key = createSecretKey(Buffer.from('sec-c-bench-0123456789abcdef0123456789abcdef'));
createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const tag = createHmac('sha256', key).update(Buffer.concat(chunks)).update(request.url).digest('base64url');
    const body = JSON.stringify({ status: 200, data: { message: 'Success', token: tag }, service: 'Access Manager' });
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
