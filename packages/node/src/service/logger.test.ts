import { describe, expect, it } from 'vitest';
import { createJsonLogger, isLogLevel } from './logger.js';

describe('createJsonLogger', () => {
  it('writes one JSON object per line, filtered by level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'info', write: (line) => lines.push(line), base: { service: 'test' } });
    logger.debug('hidden');
    logger.info('listening', { url: 'http://127.0.0.1:1' });
    logger.error('failed', { error: Object.assign(new Error('boom'), { code: 'ERR_X' }) });
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.endsWith('\n'))).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', message: 'listening', service: 'test', url: 'http://127.0.0.1:1' });
    expect(JSON.parse(lines[1]!).error).toEqual({ name: 'Error', message: 'boom', code: 'ERR_X' });
  });

  it('redacts fields that could hold credentials', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (line) => lines.push(line) });
    logger.info('oops', { token: 'qEF2…', secretKey: 'sec-c-1', authorization: 'Bearer x', auth: 'y', signature: 'v2.z', route: 'grant' });
    const entry = JSON.parse(lines[0]!);
    for (const name of ['token', 'secretKey', 'authorization', 'auth', 'signature']) expect(entry[name]).toBe('[redacted]');
    expect(entry.route).toBe('grant');
  });

  it('knows its levels', () => {
    expect(isLogLevel('warn')).toBe(true);
    expect(isLogLevel('verbose')).toBe(false);
    expect(isLogLevel('toString')).toBe(false);
  });
});
