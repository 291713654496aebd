import { describe, expect, it } from 'vitest';
import { didYouMean, nearest } from './nearest.js';

describe('nearest', () => {
  it('finds typos: a dropped, swapped, doubled or wrong letter, any case', () => {
    expect(nearest('prot', ['port', 'host', 'store'])).toBe('port');
    expect(nearest('chanel', ['channel', 'channel-pattern', 'group'])).toBe('channel');
    expect(nearest('GRANTKIT_PROT', ['GRANTKIT_PORT', 'GRANTKIT_HOST'])).toBe('GRANTKIT_PORT');
    expect(nearest('logleve', ['logLevel', 'logFormat'])).toBe('logLevel');
    expect(nearest('sevre', ['serve', 'grant', 'parse', 'revoke', 'keygen'])).toBe('serve');
  });

  it('suggests nothing for a name that is not close to any', () => {
    expect(nearest('frobnicate', ['serve', 'grant', 'parse', 'revoke', 'keygen'])).toBeUndefined();
    expect(nearest('x', ['port'])).toBeUndefined();
    expect(nearest('anything', [])).toBeUndefined();
    expect(didYouMean('zzzzzz', ['port'])).toBe('');
  });

  it('formats the suggestion', () => {
    expect(didYouMean('prot', ['port'])).toBe(" (did you mean 'port'?)");
    expect(didYouMean('chanel', ['channel'], (name) => `--${name}`)).toBe(' (did you mean --channel?)');
  });
});
