/**
 * The one description of `grantkit serve`'s settings: `config.schema.json` (published in the package for editors).
 * The config file is validated against it as written; variables (`x-env`) and flags (`x-flag`) are converted to the
 * setting's type and validated against the same schema. Unknown keys and flags, and misspelt variables, are errors
 * that name the nearest known one.
 *
 * @internal
 * @module
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schemaDocument from '../../config.schema.json' with { type: 'json' };
import { didYouMean, nearest } from '../internal/nearest.js';
import { ConfigInvalidError } from '@grantkit/core';

interface PropertySchema {
  type?: 'integer' | 'string' | 'boolean' | 'array';
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  default?: unknown;
  'x-env'?: string;
  'x-flag'?: string;
  properties?: Record<string, PropertySchema>;
}

const schema = schemaDocument as unknown as {
  properties: Record<string, PropertySchema>;
  $defs: { keyset: PropertySchema; environment: { properties: Record<string, unknown> } };
};

/** One scalar setting: its file key, variable and flag. @internal */
export interface Setting {
  key: string;
  env: string | undefined;
  flag: string | undefined;
  schema: PropertySchema;
}

/** Every scalar setting, in schema order. @internal */
export const SETTINGS: readonly Setting[] = Object.entries(schema.properties)
  .filter(([key, property]) => key !== '$schema' && property.type !== 'array')
  .map(([key, property]) => ({ key, env: property['x-env'], flag: property['x-flag'], schema: property }));

/** Variables that are not settings: the config file path and the single keyset. @internal */
export const ENVIRONMENT_ONLY: readonly string[] = Object.keys(schema.$defs.environment.properties);

const KNOWN_VARIABLES = [...SETTINGS.flatMap((setting) => (setting.env === undefined ? [] : [setting.env])), ...ENVIRONMENT_ONLY];

/** A setting's default from the schema. @internal */
export function defaultOf(key: string): unknown {
  return schema.properties[key]?.default;
}

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validate !== undefined) return validate;
  // Loaded on first use, as the stores load their clients: most `@grantkit/node` users never read a config file.
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false });
  // oneOf: [{ required: [secretKey] }, ...] names properties declared beside it, which strictRequired cannot see.
  ajv.addVocabulary(['x-env', 'x-flag']);
  validate = ajv.compile(schemaDocument);
  return validate;
}

/** How one source names a setting in its messages. */
interface Source {
  /** Prefix of every message, e.g. `config file /etc/grantkit.json: `. */
  prefix: string;
  /** The name a user typed for the value at `path` (`port`, `keysets[0].secretKey`, `GRANTKIT_PORT`, `--port`). */
  nameOf: (path: string) => string;
  /** How a suggested key is written in this source. */
  suggest: (path: string) => string;
}

/**
 * Validates a whole config file against the schema.
 *
 * @throws {@link ConfigInvalidError} naming the first offending key, with the nearest valid one for an unknown key.
 * @internal
 */
export function checkConfigFile(value: unknown, path: string): void {
  check(value, { prefix: `config file ${path}: `, nameOf: (key) => key, suggest: (key) => `'${key}'` });
}

/**
 * Reads the `GRANTKIT_*` variables: settings converted to their type and validated; keyset variables passed through.
 * An unknown variable close to a known one is a typo, and an error naming the known one. One close to none is
 * reported as a warning and ignored: the environment is shared with other programs (a test harness, a deployment
 * tool), and their variables are not ours to refuse.
 *
 * @returns The settings the variables give, by file key, and warnings about variables ignored.
 * @throws {@link ConfigInvalidError} for a misspelt variable (with the nearest known one) or a bad value.
 * @internal
 */
export function settingsFromEnv(env: Record<string, string | undefined>): { values: Record<string, unknown>; warnings: string[] } {
  const values: Record<string, unknown> = {};
  const warnings: string[] = [];
  const variableOf = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('GRANTKIT_') || raw === undefined) continue;
    const setting = SETTINGS.find((candidate) => candidate.env === name);
    if (setting !== undefined) {
      values[setting.key] = coerce(raw, setting.schema);
      variableOf.set(setting.key, name);
    } else if (!ENVIRONMENT_ONLY.includes(name)) {
      // Compared without the shared prefix, so "close" means close in the part that was typed.
      const suggestion = nearest(name.slice('GRANTKIT_'.length), KNOWN_VARIABLES.map((known) => known.slice('GRANTKIT_'.length)));
      if (suggestion !== undefined) throw new ConfigInvalidError(`${name} is not a grantkit variable (did you mean GRANTKIT_${suggestion}?)`, { field: name });
      warnings.push(`${name} is not a grantkit variable; ignored`);
    }
  }
  checkScalars(values, { prefix: '', nameOf: (key) => variableOf.get(key) ?? key, suggest: (key) => key });
  return { values, warnings };
}

/**
 * Reads parsed command-line flags (`{ port: '8080', 'log-level': 'warn' }`): each converted to its setting's type and
 * validated.
 *
 * @returns The settings the flags give, by file key.
 * @throws {@link ConfigInvalidError} for a flag no setting has, or a bad value.
 * @internal
 */
export function settingsFromFlags(flags: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  const known = SETTINGS.flatMap((setting) => (setting.flag === undefined ? [] : [setting.flag]));
  for (const [flag, raw] of Object.entries(flags)) {
    if (raw === undefined || flag === 'config') continue;
    const setting = SETTINGS.find((candidate) => candidate.flag === flag);
    if (setting === undefined) throw new ConfigInvalidError(`--${flag} is not a setting${didYouMean(flag, known, (name) => `--${name}`)}`, { field: flag });
    values[setting.key] = typeof raw === 'boolean' ? raw : coerce(raw, setting.schema);
    flagOf.set(setting.key, `--${flag}`);
  }
  checkScalars(values, { prefix: '', nameOf: (key) => flagOf.get(key) ?? key, suggest: (key) => key });
  return values;
}

/** The parseArgs options of every setting that has a flag. @internal */
export function settingFlagOptions(): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(SETTINGS.flatMap((setting) => (setting.flag === undefined
    ? []
    : [[setting.flag, { type: setting.schema.type === 'boolean' ? 'boolean' as const : 'string' as const }]])));
}

/** Text → the setting's type when it reads as one; otherwise the text, so the schema reports the mismatch. */
function coerce(raw: string, property: PropertySchema): unknown {
  if (property.type === 'integer' && /^-?(0|[1-9][0-9]*)$/.test(raw.trim())) return Number(raw.trim());
  if (property.type === 'boolean') {
    if (/^(true|1|yes)$/i.test(raw.trim())) return true;
    if (/^(false|0|no)$/i.test(raw.trim())) return false;
  }
  return raw;
}

/**
 * Checks single settings against their schema properties without compiling the schema: every command line and
 * environment goes through here, and loading and compiling the validator costs a CLI start far more than this does.
 * It reads the same keywords the scalar settings use (type, enum, minimum, maximum, minLength, pattern) and reports
 * through the same messages as the full validation of a config file.
 */
function checkScalars(values: Record<string, unknown>, source: Source): void {
  for (const [key, value] of Object.entries(values)) {
    const property = schema.properties[key]!;
    const fail = (keyword: string, params: Record<string, unknown>) => {
      throw describe({ keyword, params, parentSchema: property, data: value, instancePath: `/${key}`, schemaPath: '' } as ErrorObject, source);
    };
    if (property.enum !== undefined) {
      if (!property.enum.includes(value as string)) fail('enum', { allowedValues: property.enum });
      continue;
    }
    const type = property.type;
    if (type === 'integer' && !Number.isInteger(value)) fail('type', { type });
    if (type === 'boolean' && typeof value !== 'boolean') fail('type', { type });
    if (type === 'string' && typeof value !== 'string') fail('type', { type });
    if (property.minimum !== undefined && (value as number) < property.minimum) fail('minimum', {});
    if (property.maximum !== undefined && (value as number) > property.maximum) fail('maximum', {});
    if (property.minLength !== undefined && (value as string).length < property.minLength) fail('minLength', { limit: property.minLength });
    if (property.pattern !== undefined && !new RegExp(property.pattern, 'u').test(value as string)) fail('pattern', { pattern: property.pattern });
  }
}

function check(value: unknown, source: Source): void {
  const run = validator();
  if (run(value)) return;
  const errors = run.errors ?? [];
  // The most telling error first: an unknown key, then a bad value, then what is missing, then "one of".
  const rank = (error: ErrorObject) => ({ additionalProperties: 0, required: 2, oneOf: 3 } as Record<string, number>)[error.keyword] ?? 1;
  // A branch of `oneOf` failing is reported as the `oneOf` itself ("needs exactly one of ...").
  const first = errors.filter((error) => !/\/oneOf\/[0-9]+\//.test(error.schemaPath)).sort((a, b) => rank(a) - rank(b))[0] ?? errors[0]!;
  throw describe(first, source);
}

function describe(error: ErrorObject, source: Source): ConfigInvalidError {
  const path = pathOf(error.instancePath);
  const name = (key: string) => source.nameOf(key);
  const parent = error.parentSchema as PropertySchema | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const full = path === '' ? key : `${path}.${key}`;
      const known = Object.keys(parent?.properties ?? {}).filter((candidate) => candidate !== '$schema');
      const suggestion = didYouMean(key, known, (match) => source.suggest(path === '' ? match : `${path}.${match}`));
      return new ConfigInvalidError(`${source.prefix}unknown key '${full}'${suggestion}`, { field: full });
    }
    case 'required': {
      const key = (error.params as { missingProperty: string }).missingProperty;
      const full = path === '' ? key : `${path}.${key}`;
      return new ConfigInvalidError(`${source.prefix}${name(full)} is required`, { field: full });
    }
    case 'oneOf':
      return new ConfigInvalidError(`${source.prefix}${name(path)} needs exactly one of secretKey and secretKeyEnv`, { field: path });
    case 'enum': {
      const allowed = (error.params as { allowedValues: string[] }).allowedValues;
      const given = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return new ConfigInvalidError(`${source.prefix}${name(path)} must be one of ${allowed.join(', ')}${given}`, { field: path });
    }
    case 'type':
    case 'minimum':
    case 'maximum': {
      const expected = parent?.type ?? (error.params as { type?: string }).type;
      if (expected === 'integer' && parent?.minimum !== undefined && parent.maximum !== undefined) {
        return new ConfigInvalidError(`${source.prefix}${name(path)} must be an integer from ${parent.minimum} to ${parent.maximum}`, { field: path });
      }
      const article = expected === 'integer' || expected === 'array' || expected === 'object' ? 'an' : 'a';
      const noun = expected === 'boolean' ? 'true or false' : `${article} ${expected}`;
      return new ConfigInvalidError(`${source.prefix}${name(path)} must be ${noun}`, { field: path });
    }
    case 'minLength': {
      const limit = (error.params as { limit: number }).limit;
      return new ConfigInvalidError(`${source.prefix}${name(path)} must be ${limit <= 1 ? 'a non-empty string' : `at least ${limit} characters`}`, { field: path });
    }
    case 'pattern':
      return new ConfigInvalidError(`${source.prefix}${name(path)} must match ${(error.params as { pattern: string }).pattern}`, { field: path });
    default:
      return new ConfigInvalidError(`${source.prefix}${name(path) || 'the configuration'} ${error.message ?? 'is invalid'}`, { field: path });
  }
}

/** `/keysets/0/secretKey` → `keysets[0].secretKey`. */
function pathOf(pointer: string): string {
  return pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^[0-9]+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}
