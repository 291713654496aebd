#!/usr/bin/env node
/**
 * authorize's cost against the patterns a token carries: by pattern count (one token, seen before), by resource name
 * length, and across 100,000 tokens that each carry their own per-user pattern against 100,000 tokens that all carry
 * one shared pattern (what compile caches face on a server with many users). Cases interleave within each group.
 * Usage: node bench/patterns.mjs [--time <ms per case>] [--users <n>] [--json <file>]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as core from '@grantkit/core';
import { measureInterleaved } from './lib/measure.mjs';

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { time: { type: 'string' }, users: { type: 'string' }, json: { type: 'string' } } });
const budgetMs = Number(values.time ?? 1_000);
const USERS = Number(values.users ?? 100_000);
const now = Math.floor(Date.now() / 1000);

// Real tokens, minted and verified twice: what authorize receives on a server is verifyToken's decode of a token seen
// before (built by the decoder, and frozen once verification keeps it).
const SECRET = 'sec-c-bench-0123456789abcdef0123456789abcdef';
const key = (await import('@grantkit/node')).importKey(SECRET);
function payload(channelPatterns, channelResources = {}) {
  const channels = [
    ...Object.entries(channelResources).map(([name]) => core.Channel.id(name).read()),
    ...Object.keys(channelPatterns).map((source) => core.Channel.pattern(source).read()),
  ];
  const token = core.mintToken(core.normalizeGrant({ ttl: 60, channels }), key, { timestamp: now });
  core.verifyToken(token, key);
  return core.verifyToken(token, key);
}
const ask = (name) => ({ resource: { channel: name }, permission: 'read', now });

// 1. Pattern count: N patterns `^r{i}-[0-9]+$` (1,000 of them is about the most a token's 24,576 characters hold); the
// name matches the last one (a linear scan's worst case).
const COUNTS = [1, 10, 100, 1_000];
const countCases = COUNTS.map((count) => {
  const patterns = {};
  for (let index = 0; index < count; index++) patterns[`^r${index}-[0-9]+$`] = 1;
  const token = payload(patterns);
  const request = ask(`r${count - 1}-7`);
  const answer = core.authorize(token, request);
  if (!answer.allowed) throw new Error(`bench setup: ${count} patterns: ${answer.message}`);
  return { name: `count-${count}`, run: () => core.authorize(token, request) };
});

// 2. Name length: one pattern `^room-[a-z0-9-]*$`, names of growing length.
const LENGTHS = [8, 64, 256];
const lengthCases = LENGTHS.map((length) => {
  const token = payload({ '^room-[a-z0-9-]*$': 1 });
  const request = ask(`room-${'a'.repeat(length - 5)}`);
  if (!core.authorize(token, request).allowed) throw new Error('bench setup: pattern not granted');
  return { name: `length-${length}`, run: () => core.authorize(token, request) };
});

// 3. Per-user patterns: USERS tokens, each with its own `^user-{i}-.*$` (and the same tokens with a class tail), against
// USERS tokens that all carry one pattern of the same shape and length. Tokens are cycled, so every case sees a
// different token object on every call.
const pad = (index) => String(index).padStart(6, '0');
function users(patternOf, nameOf) {
  const tokens = Array.from({ length: USERS }, (_, index) => payload({ [patternOf(index)]: 1 }));
  const requests = Array.from({ length: USERS }, (_, index) => ask(nameOf(index)));
  if (!core.authorize(tokens[USERS - 1], requests[USERS - 1]).allowed) throw new Error('bench setup: pattern not granted');
  let at = 0;
  return () => {
    at = (at + 1) % USERS;
    return core.authorize(tokens[at], requests[at]);
  };
}
const userCases = [
  { name: 'users-shared', run: users(() => '^user-000000-.*$', () => 'user-000000-inbox') },
  { name: 'users-distinct', run: users((index) => `^user-${pad(index)}-.*$`, (index) => `user-${pad(index)}-inbox`) },
  { name: 'users-shared-class', run: users(() => '^user-000000-[a-z]+$', () => 'user-000000-inbox') },
  { name: 'users-distinct-class', run: users((index) => `^user-${pad(index)}-[a-z]+$`, (index) => `user-${pad(index)}-inbox`) },
];

const results = {};
for (const group of [countCases, lengthCases, userCases]) {
  for (const [name, result] of await measureInterleaved(group, { budgetMs })) results[name] = result;
}
const output = { counts: COUNTS, lengths: LENGTHS, users: USERS, results };
if (values.json) writeFileSync(values.json, JSON.stringify(output));
else for (const [name, result] of Object.entries(results)) console.log(`${name.padEnd(24)} ${Math.round(result.nsPerOp).toLocaleString('en-US').padStart(9)} ns/op ±${(result.spread * 100).toFixed(0)}%`);
