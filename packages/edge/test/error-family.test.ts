/**
 * One error family: `@grantkit/edge` exports no error class of its own (it throws core's), and what it throws for
 * bad bindings is a `GrantkitError`.
 */
import { isGrantkitError } from '@grantkit/core';
import * as edge from '@grantkit/edge';
import { describe, expect, it } from 'vitest';

describe('@grantkit/edge errors', () => {
  it('exports no error class outside the family, and throws the family\'s', async () => {
    const classes = Object.entries(edge as Record<string, unknown>).filter(([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error);
    expect(classes).toEqual([]);
    const error = await edge.keysetsFromEnv({ GRANTKIT_SUBSCRIBE_KEY: 'sub-c-only' }).catch((reason: unknown) => reason);
    expect(isGrantkitError(error)).toBe(true);
    await expect(edge.importHmacKey('')).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });
});
