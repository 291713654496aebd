/**
 * Logs: one JSON object per line for machines ({@link createJsonLogger}), or human-readable, optionally colourised
 * lines for a terminal ({@link createPrettyLogger}). Both redact fields whose names suggest credentials before
 * writing, as a second line of defence; callers already never pass tokens, secrets or signature inputs.
 *
 * @module
 */

/**
 * Log levels, least to most severe; `silent` writes nothing.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const level: LogLevel = 'warn';
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * What the service logs through. Any object with these four methods works (pino's logger does).
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const logger: Logger = { debug() {}, info: console.log, warn: console.warn, error: console.error };
 * ```
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Options of {@link createJsonLogger}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: JsonLoggerOptions = { level: 'info', write: (line) => process.stdout.write(line) };
 * ```
 */
export interface JsonLoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Where each line (with its trailing newline) goes. Default `process.stdout.write`. */
  write?: (line: string) => void;
  /** Fields added to every line, e.g. `{ service: 'grantkit' }`. */
  base?: Record<string, unknown>;
}

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SENSITIVE = /token|secret|signature|password|authorization|^auth$|cookie/i;

/**
 * Whether a string names a log level.
 *
 * @internal
 *
 * @param value - Candidate.
 * @returns Whether it is a {@link LogLevel}.
 * @example
 * ```ts
 * isLogLevel(process.env.GRANTKIT_LOG_LEVEL);
 * ```
 */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SEVERITY, value);
}

/**
 * Creates a JSON-lines logger: `{"time":"…","level":"info","message":"…",…fields}`.
 *
 * Exported from `@grantkit/node`.
 *
 * @param options - Level, sink and base fields.
 * @returns The logger.
 * @example
 * ```ts
 * const logger = createJsonLogger({ level: 'info' });
 * logger.info('listening', { url: 'http://127.0.0.1:8080' });
 * ```
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = SEVERITY[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const base = options.base ?? {};
  // The common line (plain field values, no name shared with `time`, `level`, `message` or a base field) is written
  // without building the entry object: the same text JSON.stringify gives for it, at a fraction of the cost (an
  // access log line per request). Anything else takes the general path below.
  const reserved = new Set(['time', 'level', 'message', ...Object.keys(base)]);
  const baseText = typeof (base as { toJSON?: unknown }).toJSON === 'function' || Object.keys(base).some((name) => isIndexLike(name) || name === 'time' || name === 'level' || name === 'message')
    ? undefined
    : jsonMembers(base);
  const log = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields: Record<string, unknown> = {}) => {
    if (SEVERITY[level] < threshold) return;
    if (baseText !== undefined && typeof message === 'string') {
      const members = plainMembers(fields, reserved);
      if (members !== undefined) {
        write(`{"time":"${isoNow()}","level":"${level}","message":${JSON.stringify(message)}${baseText}${members}}\n`);
        return;
      }
    }
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, message, ...base, ...safeFields(fields) };
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ time: entry.time, level, message, note: 'fields could not be serialized' });
    }
    write(`${line}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * Options of {@link createPrettyLogger}.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const options: PrettyLoggerOptions = { level: 'debug', color: process.stdout.isTTY };
 * ```
 */
export interface PrettyLoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Where each line (with its trailing newline) goes. Default `process.stdout.write`. */
  write?: (line: string) => void;
  /** ANSI colours. Default false. */
  color?: boolean;
}

const COLORS: Record<Exclude<LogLevel, 'silent'>, string> = { debug: '\u001b[90m', info: '\u001b[36m', warn: '\u001b[33m', error: '\u001b[31m' };
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/**
 * Creates a logger for people at a terminal: `14:03:20.123 INFO  listening url=http://127.0.0.1:8080 store=sqlite`,
 * level-coloured when `color` is on. Same levels and redaction as {@link createJsonLogger}.
 *
 * Exported from `@grantkit/node`.
 *
 * @param options - Level, sink, colours.
 * @returns The logger.
 * @example
 * ```ts
 * const logger = process.stdout.isTTY ? createPrettyLogger({ color: !process.env.NO_COLOR }) : createJsonLogger();
 * ```
 */
export function createPrettyLogger(options: PrettyLoggerOptions = {}): Logger {
  const threshold = SEVERITY[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const paint = (code: string, text: string) => (options.color === true ? `${code}${text}${RESET}` : text);
  const log = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields: Record<string, unknown> = {}) => {
    if (SEVERITY[level] < threshold) return;
    const time = new Date().toISOString().slice(11, 23);
    const pairs = Object.entries(safeFields(fields)).map(([name, value]) => `${paint(DIM, `${name}=`)}${printable(value)}`);
    write(`${paint(DIM, time)} ${paint(COLORS[level], level.toUpperCase().padEnd(5))} ${message}${pairs.length === 0 ? '' : ` ${pairs.join(' ')}`}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function printable(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[unserializable]';
  }
}

/** `new Date().toISOString()`, formatted once per millisecond. */
function isoNow(): string {
  const now = Date.now();
  if (now !== isoAt) {
    isoAt = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

let isoAt = Number.NaN;
let isoText = '';

/** Whether a property name is an array index, which objects order before every other key. */
function isIndexLike(name: string): boolean {
  return /^(?:0|[1-9][0-9]*)$/.test(name) && Number(name) < 4_294_967_295;
}

/** `,"name":value` for each member of `object` as JSON.stringify writes them (base fields: never redacted). */
function jsonMembers(object: Record<string, unknown>): string | undefined {
  let text: string;
  try {
    text = JSON.stringify(object);
  } catch {
    return undefined; // the general path writes its fallback line
  }
  return text === '{}' ? '' : `,${text.slice(1, -1)}`;
}

/**
 * Per field name: its `,"name":` JSON prefix, with `"[redacted]"` appended when the name looks like a credential
 * ('' for an array index).
 */
const memberPrefixes = new Map<string, string>();

function memberPrefix(name: string): string {
  let prefix = memberPrefixes.get(name);
  if (prefix === undefined) {
    // '' for an array index: objects order those first, so such fields take the general path.
    prefix = isIndexLike(name) ? '' : `,${JSON.stringify(name)}:${SENSITIVE.test(name) ? '"[redacted]"' : ''}`;
    // Field names are the service's own constants; bounded all the same.
    if (memberPrefixes.size >= 1_024) memberPrefixes.clear();
    memberPrefixes.set(name, prefix);
  }
  return prefix;
}

/**
 * The fields as `,"name":value` JSON members, redacted as {@link safeFields} does, when every value is a string, a
 * number, a boolean, null or undefined (omitted, as JSON.stringify omits it) and no name is reserved or an array
 * index (those change the key order of the general path); otherwise undefined.
 */
function plainMembers(fields: Record<string, unknown>, reserved: ReadonlySet<string>): string | undefined {
  let text = '';
  for (const name in fields) {
    if (!Object.hasOwn(fields, name)) continue;
    const prefix = memberPrefix(name);
    if (prefix === '' || reserved.has(name)) return undefined;
    // A redacted name's prefix already holds its value.
    if (prefix.endsWith('"[redacted]"')) {
      text += prefix;
      continue;
    }
    const value = fields[name];
    switch (typeof value) {
      case 'undefined':
        continue;
      case 'string':
      case 'number':
      case 'boolean':
        text += prefix + JSON.stringify(value);
        continue;
      default:
        if (value !== null) return undefined;
        text += `${prefix}null`;
    }
  }
  return text;
}

function safeFields(fields: Record<string, unknown>): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) safe[name] = SENSITIVE.test(name) ? '[redacted]' : serialize(value);
  return safe;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    const error = value as Error & { code?: unknown };
    // Messages are safe by construction (grantkit errors never carry credentials); stacks stay out of logs.
    return { name: error.name, message: error.message, ...(error.code === undefined ? {} : { code: error.code }) };
  }
  return value;
}

/**
 * A logger that writes nothing.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * await startServer({ keysets, logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });
/** Text buffered before a flush is forced, so a burst cannot grow the buffer without bound. */
const MAX_BATCH_CHARS = 64 * 1024;

/**
 * Batches log lines into one write per event-loop turn, or, with `delayMs`, at most one per `delayMs` (and always once
 * 64 KiB are pending): `process.stdout.write` to a file or pipe is synchronous, and profiled under load one write per
 * request cost about 7 % of the service's throughput, one per turn still a system call every few requests. Lines keep
 * their order; `flush` writes what is pending now (call it before exiting, and after a line someone waits for). A
 * delayed flush runs on an unreferenced timer, so it never keeps the process alive.
 *
 * @internal
 */
export function batchWrites(
  write: (text: string) => void,
  options: { delayMs?: number } = {},
): { write: (line: string) => void; flush: () => void } {
  let pending: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scheduled = false;
  const delayMs = options.delayMs;
  const flush = () => {
    scheduled = false;
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    write(text);
  };
  return {
    write(line) {
      pending.push(line);
      size += line.length;
      if (size >= MAX_BATCH_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        if (delayMs === undefined) setImmediate(flush);
        else (timer = setTimeout(flush, delayMs)).unref?.();
      }
    },
    flush,
  };
}
