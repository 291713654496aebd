/**
 * One error family: every error class `@grantkit/node` exports (its own, and core's it re-exports) is a
 * `GrantkitError` (core's own exports are checked in core's errors.test.ts), and the errors its entry points throw for bad configuration carry codes of the one union.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrantkitError, HTTP_STATUS_BY_CODE, isGrantkitError } from '@grantkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import * as node from '../src/index.js';

const cwd = mkdtempSync(join(tmpdir(), 'grantkit-errors-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('@grantkit/node errors', () => {
  it('every error class it exports is a GrantkitError', () => {
    const classes = Object.entries(node as Record<string, unknown>).filter(([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error);
    const make: Record<string, () => Error> = {
      AccessManagerError: () => new node.AccessManagerError('Network error', { code: 'ERR_NETWORK', statusCode: 0, operation: 'GrantkitAuthorize' }),
      // Re-exported from core, so Node apps can catch the family with one import.
      GrantkitError: () => new node.GrantkitError('ERR_CONFIG_INVALID', 'x'),
    };
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(make).sort());
    for (const [name] of classes) {
      const error = make[name]!();
      expect(isGrantkitError(error), name).toBe(true);
      expect(error, name).toBeInstanceOf(GrantkitError);
      expect(error.name, name).toBe(name);
    }
  });

  it('what its entry points throw for bad settings and keys is one of the family', () => {
    const errors = [
      thrown(() => node.resolveServiceConfig({ flags: { port: 'x' }, env: {}, cwd })),
      thrown(() => node.resolveServiceConfig({ env: { GRANTKIT_SECRET_KEY: 'sec-c-only' }, cwd })),
      thrown(() => node.requirePermission({ accessManager: new node.AccessManager({ subscribeKey: 's', secretKey: 'k' }), permission: 'read' })),
      thrown(() => new node.AccessManager({ subscribeKey: 's', secretKey: ' ' })),
      thrown(() => new node.NodeHmacKey('')),
    ];
    expect(errors.map((error) => (error as GrantkitError).code)).toEqual(['ERR_CONFIG_INVALID', 'ERR_KEY_INVALID', 'ERR_CONFIG_INVALID', 'ERR_KEY_INVALID', 'ERR_KEY_INVALID']);
    for (const error of errors) {
      expect(isGrantkitError(error)).toBe(true);
      expect(Object.keys(HTTP_STATUS_BY_CODE)).toContain((error as GrantkitError).code);
    }
  });
});
