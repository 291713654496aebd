// The built service in a process of its own, reporting what each request cost it: one JSON line per request on
// stdout, {route, status, cpuMs, wallMs}, from process.cpuUsage() around the request. CPU time, unlike wall time, does
// not grow when other processes share the machine, so the figures hold on a loaded CI box. Send requests one at a
// time to attribute CPU to each; {stretchMs} lines report the longest the event loop was held (SIGUSR2 resets). Usage: node measured-server.mjs <keysets-json>; prints {"url": ...} first.
import { writeSync } from 'node:fs';
import { startServer } from '../../dist/index.js';

const server = await startServer({ keysets: JSON.parse(process.argv[2]), port: 0 });
server.httpServer.prependListener('request', (incoming, outgoing) => {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  outgoing.once('finish', () => {
    const used = process.cpuUsage(cpu);
    const route = new URL(incoming.url ?? '/', 'http://x').pathname.split('/').slice(0, 5).join('/');
    writeSync(1, `${JSON.stringify({ route, status: outgoing.statusCode, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall })}\n`);
  });
});
// The longest stretch the event loop was held: the CPU used between two turns of a 1 ms timer. Any request waits at
// most that long behind another. Reported when it grows, as {stretchMs}.
let last = process.cpuUsage();
let longest = 0;
setInterval(() => {
  const used = process.cpuUsage(last);
  last = process.cpuUsage();
  const stretchMs = (used.user + used.system) / 1000;
  if (stretchMs > longest) {
    longest = stretchMs;
    writeSync(1, `${JSON.stringify({ stretchMs })}\n`);
  }
}, 1).unref();
process.on('SIGUSR2', () => {
  longest = 0;
  writeSync(1, `${JSON.stringify({ stretchReset: true })}\n`);
});
writeSync(1, `${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
