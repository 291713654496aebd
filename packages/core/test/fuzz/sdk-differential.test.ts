/**
 * Differential test: grantkit's `parseToken` against the official `pubnub` SDK's, on valid and mutated tokens. The
 * SDK runs in a child process because its decoder aborts the process on some inputs (the campaign of issue 14 saw
 * 137 aborts in 4,000 inputs); an abort is counted, and the child restarts after the input that killed it.
 * On every input the SDK survives: where both parse, the results are equal; where only the SDK parses, grantkit
 * refused for one of its documented strictness rules (named below); where only grantkit parses (the SDK threw on a
 * missing or unknown slot), that is counted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { isGrantkitError } from '../../src/errors.js';
import { base64UrlDecode, base64UrlEncode } from '../../src/token/base64url.js';
import { parseToken } from '../../src/token/parse.js';
import { Random, randomMutation, report, tokenPool } from './support.js';

// Every SDK abort costs a child restart (its start-up is slow): CI runs a few hundred inputs, `fuzz:long` 100,000.
const RUNS = Number(process.env.SDK_DIFFERENTIAL_RUNS ?? 200);
const CHILD = fileURLToPath(new URL('./sdk-child.mjs', import.meta.url));

/** Why grantkit refuses what the SDK reads: each a documented rule (docs/security.md, "decoding"). */
const STRICTER: ReadonlyArray<readonly [string, RegExp]> = [
  ['duplicate key', /duplicate map key/], ['trailing bytes', /trailing bytes/], ['tag', /uses a tag/],
  ['indefinite length', /indefinite length/], ['reserved encoding', /reserved encoding/], ['integer beyond 2^53', /beyond 2\^53/],
  ['invalid UTF-8', /invalid UTF-8/], ['missing field', /is missing/], ['wrong field type', /must be/], ['nesting', /nested too deeply/],
  ['simple value', /unsupported simple value/], ['key type', /map key that is not a string/], ['not a map', /is not a map/],
  ['expiry beyond 2^53', /expiry beyond/], ['truncated', /truncated|declares more/], ['length cap', /longer than/], ['base64url', /not valid base64url/],
];

interface SdkAnswer { index: number; ok: boolean; parsed?: unknown; error?: string }

function runSdk(tokens: string[]): { answers: Map<number, SdkAnswer>; aborts: number; hangs: number } {
  const directory = mkdtempSync(join(tmpdir(), 'grantkit-sdk-differential-'));
  const file = join(directory, 'tokens.txt');
  writeFileSync(file, tokens.join('\n'));
  const answers = new Map<number, SdkAnswer>();
  let aborts = 0;
  let hangs = 0;
  try {
    for (let start = 0; start < tokens.length;) {
      // A small heap: the SDK dies of its huge allocations in milliseconds instead of after swapping in gigabytes.
      // Some inputs make the SDK loop for minutes: a child that stops answering is killed, and its input counts as one
      // the SDK did not survive. The allowance covers the SDK's start-up and a few milliseconds per remaining input.
      const child = spawnSync(process.execPath, ['--max-old-space-size=256', CHILD, file, String(start)], {
        encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 15_000 + 5 * (tokens.length - start), killSignal: 'SIGKILL',
      });
      let last = start - 1;
      for (const line of child.stdout.split('\n')) {
        if (line === '') continue;
        const answer = JSON.parse(line) as SdkAnswer;
        answers.set(answer.index, answer);
        last = answer.index;
      }
      if (last >= tokens.length - 1) break;
      if (child.signal === 'SIGKILL' && child.error !== undefined) hangs++;
      else aborts++; // the child died on input last + 1
      start = last + 2;
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return { answers, aborts, hangs };
}

it(`agrees with the official SDK's parseToken on every one of ${RUNS} inputs it survives`, () => {
  const pool = tokenPool(256);
  const random = new Random();
  const tokens = Array.from({ length: RUNS }, (_, index) => (index % 10 === 0 ? random.pick(pool) : base64UrlEncode(randomMutation(random, base64UrlDecode(random.pick(pool))))));
  const { answers, aborts, hangs } = runSdk(tokens);
  const stricter = new Map<string, number>();
  const failures: string[] = [];
  let equal = 0;
  let bothRefuse = 0;
  let onlyOurs = 0;
  for (const [index, theirs] of answers) {
    let ours: unknown;
    let error: unknown;
    try {
      const parsed = parseToken(tokens[index]!);
      ours = { ...parsed, signature: Buffer.from(parsed.signature).toString('hex') };
    } catch (caught) {
      error = caught;
    }
    if (error !== undefined && !isGrantkitError(error)) failures.push(`${tokens[index]}: untyped ${String(error)}`);
    else if (theirs.ok && theirs.parsed !== null && error === undefined) {
      if (JSON.stringify(ours) === JSON.stringify(theirs.parsed)) equal++;
      else failures.push(`${tokens[index]}: results differ`);
    } else if (theirs.ok && theirs.parsed !== null) {
      const rule = STRICTER.find(([, pattern]) => pattern.test((error as Error).message));
      if (rule === undefined) failures.push(`${tokens[index]}: refused for no documented rule: ${(error as Error).message}`);
      else stricter.set(rule[0], (stricter.get(rule[0]) ?? 0) + 1);
    } else if (error === undefined) {
      // The SDK threw (a TypeError on a missing or unknown slot, say) where grantkit reads the token: counted, not a
      // disagreement about content.
      onlyOurs++;
    } else {
      bothRefuse++;
    }
  }
  report({
    target: 'sdk-differential', inputs: RUNS, crashes: failures.length, worstMs: 0, sdkAborts: aborts, sdkHangs: hangs, sdkSurvived: answers.size,
    equal, bothRefuse, onlyGrantkitReads: onlyOurs, grantkitStricter: JSON.stringify(Object.fromEntries(stricter)),
  });
  expect(failures.slice(0, 10)).toEqual([]);
  expect(answers.size + aborts + hangs).toBe(RUNS);
  expect(equal).toBeGreaterThan(0);
}, 600_000);
