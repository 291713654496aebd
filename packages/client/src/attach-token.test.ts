import { describe, expect, it } from 'vitest';
import { attachToken, withAuthParameter } from './attach-token.js';

describe('attachToken', () => {
  it('sets the auth query parameter, keeping the others and replacing an old token', () => {
    const url = withAuthParameter('https://ps.example/v2/subscribe/sub-c-1/room-1/0?uuid=alice&auth=old', 'new+token=');
    expect(url.searchParams.get('auth')).toBe('new+token=');
    expect(url.searchParams.get('uuid')).toBe('alice');
    expect(url.href).toContain('auth=new%2Btoken%3D');
  });

  it('uses the query parameter by default and leaves init alone', () => {
    const init = { method: 'POST', headers: { 'x-app': '1' } };
    const [url, sent] = attachToken('https://api.example/a', init, 'tok', undefined);
    expect(String(url)).toBe('https://api.example/a?auth=tok');
    expect(sent).toBe(init);
  });

  it('sets a bearer header without touching the URL or the caller\'s headers', () => {
    const headers = new Headers({ 'x-app': '1', authorization: 'Basic old' });
    const [url, sent] = attachToken('https://api.example/a?x=1', { headers }, 'tok', 'bearer');
    expect(url).toBe('https://api.example/a?x=1');
    const sentHeaders = new Headers(sent.headers);
    expect(sentHeaders.get('authorization')).toBe('Bearer tok');
    expect(sentHeaders.get('x-app')).toBe('1');
    expect(headers.get('authorization')).toBe('Basic old');
  });
});
