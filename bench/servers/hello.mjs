// The HTTP floor: a bare node:http server that reads the request body and answers a constant JSON body.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 200, message: 'Hello', service: 'bench' });
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) };
createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    response.writeHead(200, headers);
    response.end(body);
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
