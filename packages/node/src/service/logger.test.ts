import { describe, expect, it } from 'vitest';
import { batchWrites, createJsonLogger, createPrettyLogger, isLogLevel } from './logger.js';

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

describe('createPrettyLogger', () => {
  it('writes one readable line per entry: time, level, message, key=value fields, redacted like the JSON logger', () => {
    const lines: string[] = [];
    const logger = createPrettyLogger({ level: 'info', write: (line) => lines.push(line) });
    logger.debug('hidden');
    logger.info('listening', { url: 'http://127.0.0.1:1', keysets: ['sub-c-1'], note: 'two words', token: 'qEF2' });
    logger.error('failed', { error: Object.assign(new Error('boom'), { code: 'ERR_X' }) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} INFO  listening url=http:\/\/127\.0\.0\.1:1 keysets=\["sub-c-1"\] note="two words" token=\[redacted\]\n$/);
    expect(lines[1]).toContain('ERROR failed error={"name":"Error","message":"boom","code":"ERR_X"}');
    expect(lines.join('')).not.toContain('\u001b[');
  });

  it('colours the level when asked', () => {
    const lines: string[] = [];
    createPrettyLogger({ color: true, write: (line) => lines.push(line) }).warn('slow');
    expect(lines[0]).toContain('\u001b[33mWARN \u001b[0m slow');
  });
});

describe('batchWrites', () => {
  it('writes the lines of one event-loop turn at once, in order, and flush writes what is pending', async () => {
    const writes: string[] = [];
    const batch = batchWrites((text) => writes.push(text));
    batch.write('a\n');
    batch.write('b\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    batch.write('c\n');
    batch.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
  });

  it('with delayMs, writes the lines of many turns at once, after the delay, and flush writes what is pending', async () => {
    const writes: string[] = [];
    const batch = batchWrites((text) => writes.push(text), { delayMs: 30 });
    batch.write('a\n');
    await new Promise((resolve) => setImmediate(resolve));
    batch.write('b\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(writes).toEqual(['a\nb\n']);
    batch.write('c\n');
    batch.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    // The timer of the flushed batch was cleared: nothing more is written.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(writes).toHaveLength(2);
  });

  it('flushes at once when a burst passes 64 KiB', () => {
    const writes: string[] = [];
    const batch = batchWrites((text) => writes.push(text));
    const line = `${'x'.repeat(1_023)}\n`;
    for (let index = 0; index < 64; index++) batch.write(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(64 * 1_024);
  });
});
