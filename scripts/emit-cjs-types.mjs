#!/usr/bin/env node
// Run by each package's `build` after tsup: writes dist/index.d.cts, the declarations of the CommonJS build, from
// dist/index.d.ts. tsup bundles the declarations into one file whose only imports name packages, so the same text is
// right for both builds; copying it saves a second declaration build.
import { copyFileSync } from 'node:fs';

copyFileSync('dist/index.d.ts', 'dist/index.d.cts');
