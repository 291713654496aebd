#!/usr/bin/env node
// Every public export documents itself: a TSDoc summary, an @example, and the sentence
// "Exported from `@grantkit/<pkg>`" naming the package it is really exported from (checked against the entry).
// Usage: node scripts/check-exports.mjs [package-dir ...]   (default: every packages/* with src/index.ts)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const directories = process.argv.slice(2).length > 0
  ? process.argv.slice(2).map((dir) => resolve(dir))
  : readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name)).filter((dir) => existsSync(join(dir, 'src/index.ts')));

let problems = 0;
for (const directory of directories) {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  // Every code entry of the exports map (`./dist/x.js` is built from `src/x.ts`), each checked under its own name.
  const entries = Object.entries(manifest.exports ?? { '.': './dist/index.js' })
    .map(([subpath, target]) => [subpath, typeof target === 'string' ? target : target.default])
    .filter(([, target]) => typeof target === 'string' && /^\.\/dist\/.+\.js$/.test(target))
    .map(([subpath, target]) => [subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`, join(directory, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))]);
  for (const [name, entry] of entries) {
    const program = ts.createProgram([entry], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, allowJs: false, noEmit: true, skipLibCheck: true });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(entry);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      // Only this workspace's own declarations: re-exports from another @grantkit package are checked there.
      if (!declaration || !declaration.getSourceFile().fileName.startsWith(join(directory, 'src'))) continue;
      const docs = ts.getJSDocCommentsAndTags(declaration).map((node) => node.getText()).join('\n')
        || (ts.isVariableDeclaration(declaration) ? ts.getJSDocCommentsAndTags(declaration.parent.parent).map((node) => node.getText()).join('\n') : '');
      const missing = [];
      if (!docs) missing.push('TSDoc');
      else {
        if (!docs.includes('@example')) missing.push('@example');
        if (!docs.includes(`Exported from \`${name}\``)) missing.push(`"Exported from \`${name}\`"`);
      }
      if (missing.length > 0) {
        problems++;
        console.error(`${name}: ${exported.name} lacks ${missing.join(', ')} (${declaration.getSourceFile().fileName.replace(root, '')})`);
      }
    }
  }
}

if (problems > 0) {
  console.error(`check-exports: ${problems} export(s) undocumented`);
  process.exit(1);
}
console.log(`check-exports: every export of ${directories.length} package(s) is documented`);
