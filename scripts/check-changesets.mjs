#!/usr/bin/env node
// Every change to a published package's src/ ships with a changeset (after vercel/ai's verify-changesets): for each
// non-private package, if a commit touched its src/ since its version last changed, a pending .changeset/*.md must
// name it. Needs git history (CI's clone has it).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

const pending = readdirSync(join(root, '.changeset'))
  .filter((name) => name.endsWith('.md') && name !== 'README.md')
  .map((name) => readFileSync(join(root, '.changeset', name), 'utf8'));
const named = (pkg) => pending.some((text) => new RegExp(`^['"]${pkg.replace('/', '\\/')}['"]:\\s*(major|minor|patch)`, 'm').test(text));

let missing = 0;
for (const directory of readdirSync(join(root, 'packages'))) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', directory, 'package.json'), 'utf8'));
  if (manifest.private === true) continue;
  // The last commit that set this package's version (its creation, or `changeset version`).
  const since = git('log', '-1', '--format=%H', '-G', '"version"', '--', `packages/${directory}/package.json`);
  const touched = since === '' ? '' : git('log', '--format=%h', `${since}..HEAD`, '--', `packages/${directory}/src`);
  const changedSource = since === '' || touched !== '' || git('log', '-1', '--format=%H', since, '--', `packages/${directory}/src`) !== '';
  if (changedSource && !named(manifest.name)) {
    missing++;
    console.error(`check-changesets: ${manifest.name} changed (packages/${directory}/src) but no pending changeset names it; run \`pnpm changeset\``);
  }
}
if (missing > 0) process.exit(1);
console.log(`check-changesets: every changed package has a pending changeset (${pending.length} pending)`);
