#!/usr/bin/env node
// Run by each package's `build` after tsup: writes dist/<entry>.d.cts (dist/index.d.cts by default), the declarations of the CommonJS build, from
// dist/index.d.ts. tsup bundles the declarations into one file whose only imports name packages, so the same text is
// right for both builds; copying it saves a second declaration build.
// Arguments name the entries (default `index`): a package with several entries lists them all.
import { copyFileSync } from 'node:fs';

for (const entry of process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['index']) {
  copyFileSync(`dist/${entry}.d.ts`, `dist/${entry}.d.cts`);
}
