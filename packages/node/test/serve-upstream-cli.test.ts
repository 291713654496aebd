/** `grantkit serve --upstream` refuses what is not an http(s) origin before starting, as a usage error (exit 2). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt } from './helpers/spawn-service.js';
import { runGrantkit } from './helpers/run-grantkit.js';

let directory: string;
beforeAll(() => {
  assertBuilt();
  directory = mkdtempSync(join(tmpdir(), 'grantkit-upstream-cli-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it.each([
  ['ftp://backend.example', 'must be an http:// or https:// URL'],
  ['not a url', 'must be an http:// or https:// URL'],
  ['http://user:secret@backend.example', 'must not carry credentials'],
  ['ftp://user:secret@backend.example', 'must not carry credentials'],
  ['http://backend.example/?x=1', 'without a query'],
])('--upstream %s is a usage error', async (upstream, message) => {
  const run = await runGrantkit(['serve', '--port', '0', '--store', 'memory', '--upstream', upstream], { cwd: directory });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(message);
  expect(run.stderr).not.toContain('secret@');
});
