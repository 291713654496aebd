import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { measureInterleaved } from './lib/measure.mjs';
const raw = createSecretKey(Buffer.from('sec-c-bench-0123456789abcdef0123456789abcdef'));
const bytes = new Uint8Array(250).fill(7);
const sub = bytes.subarray(0, 212);
const tag = createHmac('sha256', raw).update(sub).digest();
const sig = new Uint8Array(tag);
const cases = [
  { name: 'hmac', run: () => createHmac('sha256', raw).update(bytes).digest() },
  { name: 'hmac-sub', run: () => createHmac('sha256', raw).update(sub).digest() },
  { name: 'hmac+tse', run: () => timingSafeEqual(createHmac('sha256', raw).update(sub).digest(), sig) },
  { name: 'hmac+tse-buf', run: () => timingSafeEqual(createHmac('sha256', raw).update(sub).digest(), tag) },
];
const r = await measureInterleaved(cases, { budgetMs: 1500 });
for (const [k, v] of r) console.log(k.padEnd(14), Math.round(v.nsPerOp), '±' + Math.round(v.spread * 100) + '%');
