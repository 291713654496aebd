#!/usr/bin/env node
// Docs that run: every TypeScript/JavaScript code block in the README files and docs/ is type-checked against the
// built packages, and blocks marked as complete programs are executed. A guide imports @grantkit packages only from
// the ones it tells users to install (its `npm install` / `pnpm add` lines; a package README installs its package).
//
// Directives, as HTML comments right before a block (invisible on GitHub, npm and the typedoc site):
//   <!-- docs: run -->                       a complete program: type-check, then run it with Node (30 s at most;
//                                            GRANTKIT_SECRET_KEY is set, the working folder is a scratch folder)
//   <!-- docs: prelude                        TypeScript the fragment assumes (declarations, imports); checked with it
//                                            (JavaScript blocks are checked as TypeScript, implicit any allowed)
//   declare const accessManager: AccessManager;
//   -->
//   <!-- docs: continues -->                 the block goes on from the previous block of the same file
//
//   node scripts/check-docs.mjs              expects built packages (`pnpm build`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from './runtimes.mjs';

const LANGUAGES = new Map([['ts', 'ts'], ['typescript', 'ts'], ['js', 'js'], ['javascript', 'js'], ['mjs', 'js']]);
const INSTALL = /\b(?:npm\s+(?:i|install|add)|pnpm\s+(?:add|install|i)|yarn\s+add|bun\s+add|deno\s+add)\s+([^#\n]*)/g;
const WORK = join(ROOT, '.tmp', 'docs-check');

function markdownFiles() {
  const files = ['README.md'];
  for (const folder of ['packages', 'examples']) {
    for (const name of readdirSync(join(ROOT, folder))) if (existsSync(join(ROOT, folder, name, 'README.md'))) files.push(`${folder}/${name}/README.md`);
  }
  for (const folder of ['docs', 'docs/guides']) {
    for (const name of readdirSync(join(ROOT, folder))) if (name.endsWith('.md')) files.push(`${folder}/${name}`);
  }
  return files;
}

/** Code blocks with their language, first line number and directives. */
function blocksOf(text) {
  const lines = text.split('\n');
  const blocks = [];
  let pending = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const directive = /^<!--\s*docs:\s*(\w+)\s*(.*)$/.exec(line.trim());
    if (directive) {
      let body = directive[2];
      while (!body.includes('-->') && index + 1 < lines.length) body += `\n${lines[++index]}`;
      pending.push({ name: directive[1], body: body.replace(/-->\s*$/, '').trim() });
      continue;
    }
    const fence = /^(\s*)(`{3,})(\S*)/.exec(line);
    if (fence) {
      const start = index;
      const closing = new RegExp(`^\\s*${fence[2]}\\s*$`);
      const body = [];
      while (++index < lines.length && !closing.test(lines[index])) body.push(lines[index].slice(fence[1].length));
      blocks.push({ language: fence[3].toLowerCase(), line: start + 2, code: body.join('\n'), directives: pending });
      pending = [];
      continue;
    }
    if (line.trim() !== '') pending = [];
  }
  return blocks;
}

/** The package a module specifier names (`@scope/name` or `name`), or undefined for relative and built-in ones. */
function packageName(specifier) {
  const bare = specifier.replace(/^npm:/, '');
  if (bare.startsWith('.') || bare.startsWith('/') || /^(node|cloudflare|bun|jsr):/.test(bare)) return undefined;
  const parts = bare.split('/');
  return (bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]).replace(/@[^/]*$/, (version) => (bare.startsWith('@') && version === parts[1] ? version : ''));
}

function importsOf(code) {
  const found = new Set();
  for (const match of code.matchAll(/\b(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
    const name = packageName(match[1]);
    if (name !== undefined) found.add(name);
  }
  return found;
}

// ---- the check project: the workspace packages and the third-party libraries the docs show, by symlink ----------
rmSync(WORK, { recursive: true, force: true });
mkdirSync(join(WORK, 'blocks'), { recursive: true });
writeFileSync(join(WORK, 'package.json'), '{ "type": "module", "private": true }\n');
const link = (name, target) => {
  mkdirSync(dirname(join(WORK, 'node_modules', name)), { recursive: true });
  symlinkSync(target, join(WORK, 'node_modules', name));
};
for (const name of readdirSync(join(ROOT, 'packages'))) {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8'));
  if (manifest.private !== true) link(manifest.name, join(ROOT, 'packages', name));
}
const THIRD_PARTY = [['pubnub', 'packages/node'], ['express', 'packages/node'], ['@types/express', 'packages/node'], ['fastify', 'packages/node'], ['hono', 'packages/node'], ['@types/node', '.']];
for (const [name, from] of THIRD_PARTY) {
  // A package whose exports hide its package.json (hono) is found where pnpm links it.
  const linked = join(ROOT, from, 'node_modules', name);
  link(name, existsSync(join(linked, 'package.json')) ? realpathSync(linked) : dirname(createRequire(join(ROOT, from, 'package.json')).resolve(`${name}/package.json`)));
}
// Globals of the other runtimes a guide shows (only what the samples use).
writeFileSync(join(WORK, 'runtimes.d.ts'), `declare const Deno: { env: { toObject(): Record<string, string> }; serve(handler: (request: Request) => Response | Promise<Response>): unknown };
declare const Bun: { serve(options: { fetch(request: Request): Response | Promise<Response> }): unknown };
`);

const problems = [];
const toRun = [];
const files = [];
let count = 0;
for (const file of markdownFiles()) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const installs = new Set();
  for (const block of blocksOf(text)) {
    if (!/^(sh|bash|shell|console)$/.test(block.language)) continue;
    for (const match of block.code.matchAll(INSTALL)) {
      for (const word of match[1].trim().split(/\s+/)) {
        if (word.startsWith('-')) continue;
        // A package name (with an optional version); anything else ends the command ("; Node >= 20").
        const name = /^((?:@[\w.-]+\/)?[\w.-]+)(?:@[\w.^~<>=*-]+)?;?$/.exec(word);
        if (name === null) break;
        installs.add(name[1]);
        if (word.endsWith(';')) break;
      }
    }
  }
  const ownPackage = /^packages\/[^/]+\/README\.md$/.test(file) ? JSON.parse(readFileSync(join(ROOT, dirname(file), 'package.json'), 'utf8')).name : undefined;
  if (ownPackage !== undefined) installs.add(ownPackage);
  let previous;
  for (const block of blocksOf(text)) {
    const language = LANGUAGES.get(block.language);
    if (language === undefined) continue;
    count++;
    const where = `${file}:${block.line}`;
    const directives = new Map(block.directives.map((directive) => [directive.name, directive.body]));
    for (const name of directives.keys()) if (!['run', 'prelude', 'continues'].includes(name)) problems.push(`${where}: unknown directive docs: ${name}`);
    for (const name of importsOf(block.code)) {
      if (name.startsWith('@grantkit/') && installs.size > 0 && !installs.has(name)) {
        problems.push(`${where}: imports ${name}, but the page tells users to install only ${[...installs].join(', ')}`);
      }
    }
    const before = [directives.has('continues') && previous !== undefined ? previous.source : '', directives.get('prelude') ?? ''].filter(Boolean).join('\n');
    const code = block.code.replace(/(['"])npm:/g, '$1');
    const source = `${before}${before ? '\n' : ''}${code}`;
    // JavaScript blocks are checked as TypeScript too (implicit any allowed), so a prelude can declare their context.
    const name = `${file.replace(/[/.]/g, '_')}_${block.line}.ts`;
    const path = join(WORK, 'blocks', name);
    writeFileSync(path, `${source}\nexport {};\n`);
    files.push({ path, where, offset: before === '' ? 0 : before.split('\n').length });
    if (directives.has('run')) toRun.push({ path, where });
    previous = { source };
  }
}

// ---- type-check every block in one program ----------------------------------------------------------------------
const options = {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true, skipLibCheck: true, noEmit: true, allowJs: true, checkJs: true, moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], types: ['node'], typeRoots: [join(WORK, 'node_modules', '@types')],
  noImplicitAny: false,
};
const program = ts.createProgram([...files.map((entry) => entry.path), join(WORK, 'runtimes.d.ts')], options);
for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
  const entry = files.find((candidate) => candidate.path === diagnostic.file?.fileName);
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (entry === undefined) {
    problems.push(`${diagnostic.file ? relative(ROOT, diagnostic.file.fileName) : 'typescript'}: TS${diagnostic.code} ${message}`);
    continue;
  }
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  const [file, start] = entry.where.split(':');
  const inBlock = line - entry.offset;
  problems.push(`${inBlock < 0 ? `${entry.where} (prelude)` : `${file}:${Number(start) + inBlock}`}: TS${diagnostic.code} ${message}`);
}

// ---- run the complete programs ----------------------------------------------------------------------------------
let ran = 0;
if (problems.length === 0) {
  for (const { path, where } of toRun) {
    const output = ts.transpileModule(readFileSync(path, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    const script = path.replace(/\.[jt]s$/, '.run.mjs');
    writeFileSync(script, output.outputText);
    const result = spawnSync(process.execPath, [script], { cwd: WORK, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_PATH: '', GRANTKIT_SECRET_KEY: 'sec-c-docs-check' } });
    if (result.status !== 0) {
      problems.push(`${where}: the program exited ${result.status ?? result.signal}:\n${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-12).join('\n')}`);
    } else ran++;
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check-docs: ${problem}`);
  console.error(`check-docs: ${problems.length} problem(s) in ${count} code blocks`);
  process.exit(1);
}
console.log(`check-docs: ${count} code blocks type-check, ${ran} complete programs ran`);
