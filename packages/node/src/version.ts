/**
 * The package version, inlined at build time from package.json (tsup and vitest `define`).
 *
 * @module
 */
declare const __GRANTKIT_VERSION__: string | undefined;

/**
 * The `@grantkit/node` version.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { VERSION } from '@grantkit/node';
 * console.log(`grantkit ${VERSION}`);
 * ```
 */
export const VERSION: string = typeof __GRANTKIT_VERSION__ === 'string' ? __GRANTKIT_VERSION__ : '0.0.0-dev';
