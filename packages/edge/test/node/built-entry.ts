import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The built package entry. Tests run against `dist` as users get it; a missing build fails loudly here rather than
 * as a confusing resolution error (or, worse, a skipped suite).
 *
 * @param packageRoot - packages/edge.
 * @returns Absolute path of dist/index.js.
 */
export function builtEntry(packageRoot: string): string {
  const entry = join(packageRoot, 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`@grantkit/edge is not built (${entry} is missing): run \`pnpm build\` first`);
  return entry;
}
