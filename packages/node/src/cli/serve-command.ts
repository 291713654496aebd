/**
 * `grantkit serve`: run the Access Manager service until SIGTERM/SIGINT, then drain and stop.
 *
 * @internal
 * @module
 */
import { relative } from 'node:path';
import { DEMO_KEYSET_FILE, resolveServiceConfig, type ServiceConfig } from '../service/config.js';
import { batchWrites, createJsonLogger, createPrettyLogger } from '../service/logger.js';
import { startServer } from '../service/server.js';
import { VERSION } from '../version.js';
import { UsageError, type CliContext } from './cli-context.js';
import { openStore } from './open-store.js';
import { isConfigurationError, parseOptions } from './parse-options.js';
import { UPSTREAM_HELP, UPSTREAM_OPTION, upstreamFrom } from './serve-upstream.js';
import { settingFlagOptions } from '../service/config-schema.js';

/** @internal */
export const SERVE_HELP = `Usage: grantkit serve [--port <n>] [--data-dir <dir>] [options]

Runs the PubNub Access Manager compatible service: POST /v3/pam/{sub}/grant, DELETE /v3/pam/{sub}/grant/{token},
GET|POST /grantkit/v1/{sub}/authorize, GET /health, GET /ready, GET /metrics, GET /openapi.json. Logs go to stdout
(readable lines on a terminal, JSON lines otherwise); the start-up banner (how to call it) goes to stderr.

Options (each also a GRANTKIT_* variable and a config file key; see config.schema.json):
  --port <n>               TCP port, 0 for any free one (default 8080; GRANTKIT_PORT)
  --host <address>         interface (default 127.0.0.1; GRANTKIT_HOST; 0.0.0.0 in containers)
  --data-dir <dir>         SQLite revocations and the demo keyset (default .grantkit-data; GRANTKIT_DATA_DIR)
  --config <file>          JSON config file with "keysets" and any of these settings (GRANTKIT_CONFIG)
  --store <kind>           sqlite (default), redis, memory or none (GRANTKIT_STORE)
  --redis-url <url>        Redis shared by several nodes; implies --store redis (GRANTKIT_REDIS_URL)
  --log-level <level>      debug, info (default), warn, error, silent (GRANTKIT_LOG_LEVEL)
  --validation <mode>      grant validation for keysets that set none: pubnub (default: accept what PubNub's
                           service accepts, and log what strict refuses) or strict (GRANTKIT_VALIDATION)
  --log-format <format>    auto (default: pretty on a terminal, else json), pretty, json (GRANTKIT_LOG_FORMAT)
  --metrics-port <n>       serve /metrics on this port instead of the main one (GRANTKIT_METRICS_PORT)
  --metrics-host <address> interface of the metrics port (default 127.0.0.1; GRANTKIT_METRICS_HOST)
                           GRANTKIT_METRICS_TOKEN=<token> makes /metrics require Authorization: Bearer <token>
  --allow-demo-keyset-on-network
                           serve the demo keyset on a non-loopback host anyway (its secret is in the banner)
  --json                   JSON logs and no banner (the 'listening' line has the URL and keysets)
${UPSTREAM_HELP}

Keysets: GRANTKIT_SUBSCRIBE_KEY, GRANTKIT_PUBLISH_KEY, GRANTKIT_SECRET_KEY (+ GRANTKIT_PREVIOUS_SECRET_KEYS,
comma-separated) for one keyset, and/or "keysets" in the config file. With none, a DEMO keyset is generated in the
data directory: fine to try things on 127.0.0.1, never for production.`;

/** @internal */
export async function serveCommand(context: CliContext): Promise<void> {
  const { values } = parseOptions(context.argv, {
    // Every setting with an `x-flag` in config.schema.json, so a new setting gets its flag in one place.
    ...settingFlagOptions(),
    port: { type: 'string', short: 'p' },
    config: { type: 'string' },
    json: { type: 'boolean' },
    ...UPSTREAM_OPTION,
    help: { type: 'boolean', short: 'h' },
  }, 0);
  if (values.help === true) {
    context.stdout(`${SERVE_HELP}\n`);
    return;
  }
  const upstream = upstreamFrom(values.upstream, context);
  let config: ServiceConfig;
  try {
    const { help: _help, json: _json, upstream: _upstream, ...flags } = values;
    config = resolveServiceConfig({ flags: flags as Record<string, string | boolean | undefined>, env: context.env, cwd: context.cwd });
  } catch (error) {
    if (isConfigurationError(error)) throw new UsageError(error.message);
    throw error;
  }
  const format = values.json === true ? 'json' : config.logFormat === 'auto' ? (context.isTty ? 'pretty' : 'json') : config.logFormat;
  // Access logs leave the request path: at most one write per ACCESS_LOG_DELAY_MS (whichever format), flushed at once
  // after the lines someone waits for (`listening`) and before the process ends. A `kill -9` can lose that much.
  const output = batchWrites(context.stdout, { delayMs: ACCESS_LOG_DELAY_MS });
  process.once('exit', output.flush);
  const logger = format === 'pretty'
    ? createPrettyLogger({ level: config.logLevel, write: output.write, color: context.isTty && context.env.NO_COLOR === undefined })
    : createJsonLogger({ level: config.logLevel, write: output.write, base: { service: 'grantkit' } });
  for (const warning of config.warnings) logger.warn('configuration', { warning });
  const opened = await openStore(config, logger);
  const pingable = opened.store as { ping?: () => unknown } | undefined;
  let server;
  try {
    server = await startServer({
      keysets: config.keysets,
      ...(opened.store === undefined ? {} : { revocations: opened.store }),
      port: config.port,
      host: config.host,
      logger,
      maxBodyBytes: config.maxBodyBytes,
      requestWindow: config.requestWindow,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      ...(upstream === undefined ? {} : { upstream }),
      // Each store /ready checks is named by its kind, so a 503 says "redis", not "the store".
      readinessChecks: typeof pingable?.ping === 'function' ? [{ name: config.store, check: () => pingable.ping!() }] : [],
      readyTimeoutMs: config.readyTimeoutMs,
      ...(config.metrics === undefined ? {} : { metricsAddress: config.metrics }),
      ...(config.metricsToken === undefined ? {} : { metricsToken: config.metricsToken }),
    });
  } catch (error) {
    await opened.store?.close?.();
    output.flush();
    process.off('exit', output.flush);
    throw error;
  }
  const running = server;
  // Signal handlers first: whoever reads the `listening` line may send SIGTERM at once, and must get a clean stop.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const remove = context.onSignal((signal) => {
      if (stopping) {
        logger.warn('second signal: exiting without waiting', { signal });
        output.flush();
        process.exit(1);
      }
      stopping = true;
      logger.info('shutting down', { signal, inFlight: running.inFlight });
      void (async () => {
        await running.close();
        await opened.store?.close?.();
        remove();
        logger.info('stopped', {});
        output.flush();
        process.off('exit', output.flush);
        resolve();
      })();
    });
  });
  logger.info('listening', {
    url: running.url,
    ...(running.metricsUrl === undefined ? {} : { metricsUrl: running.metricsUrl }),
    version: VERSION,
    store: config.store,
    keysets: config.keysets.map((keyset) => keyset.subscribeKey),
    validation: Object.fromEntries(config.keysets.map((keyset) => [keyset.subscribeKey, keyset.validation ?? config.validation])),
    keysetSource: config.keysetSource,
    ...(upstream === undefined ? {} : { upstream }),
    ...(config.keysetSource === 'demo' ? { warning: 'DEMO keyset: not for production' } : {}),
  });
  // With --json, machines read the `listening` line; the banner is for people.
  output.flush();
  if (values.json !== true) {
    context.stderr(banner(config, running, opened.description, context));
    if (upstream !== undefined) context.stderr(`  Upstream       ${upstream}  (data-plane requests are checked, then forwarded)\n\n`);
  }
  await stopped;
}

/** The longest an access log line waits to be written: under load, one write carries a few hundred lines. */
const ACCESS_LOG_DELAY_MS = 20;

function banner(config: ServiceConfig, running: { url: string; metricsUrl: string | undefined }, storeDescription: string, context: CliContext): string {
  const { url } = running;
  const first = config.keysets[0]!;
  const demo = config.keysetSource === 'demo';
  const bin = context.binPath === undefined ? 'grantkit' : binCommand(context.binPath, context.cwd);
  const lines: string[] = [];
  lines.push('');
  lines.push(`grantkit ${VERSION}: PubNub Access Manager compatible service`);
  lines.push(`  URL            ${url}`);
  lines.push(`  Revocations    ${storeDescription}`);
  lines.push(`  Probes         ${url}/health (alive)  ${url}/ready (stores answer)`);
  lines.push(`  Metrics        ${running.metricsUrl ?? url}/metrics${config.metricsToken === undefined ? '' : '  (bearer token required)'}`);
  lines.push(`  API contract   ${url}/openapi.json`);
  lines.push(`  Keysets        ${config.keysets.map((keyset) => keyset.subscribeKey).join(', ')}  (from ${config.keysetSource})`);
  lines.push(`  Validation     ${config.keysets.map((keyset) => `${keyset.subscribeKey}: ${keyset.validation ?? config.validation}`).join(', ')}`);
  if (demo) {
    lines.push('');
    lines.push('  **************************************************************************');
    lines.push('  *  DEMO KEYSET, generated for trying grantkit out. NOT FOR PRODUCTION.   *');
    lines.push('  *  Make your own: grantkit keygen, then GRANTKIT_* variables or --config *');
    lines.push('  **************************************************************************');
    lines.push(`  subscribeKey   ${first.subscribeKey}`);
    lines.push(`  publishKey     ${first.publishKey}`);
    lines.push(`  secretKey      ${first.secretKey}   (stored in ${relativeOrAbsolute(`${config.dataDir}/${DEMO_KEYSET_FILE}`, context.cwd)})`);
  } else {
    lines.push(`  publishKey     ${first.publishKey}   (secret keys are never printed)`);
  }
  const secret = demo ? first.secretKey : '<your secret key>';
  const dataDirFlag = demo ? ` --data-dir ${relativeOrAbsolute(config.dataDir, context.cwd)}` : '';
  lines.push('');
  lines.push('Try it:');
  lines.push(`  curl ${url}/health`);
  lines.push(`  TOKEN=$(${bin} grant${dataDirFlag} --ttl 15 --authorized-uuid alice --channel 'room-1=read,write')`);
  lines.push(`  ${bin} parse "$TOKEN"`);
  lines.push(`  curl -s ${url}/grantkit/v1/${first.subscribeKey}/authorize -H "Authorization: Bearer $TOKEN" -G -d uuid=alice -d channel=room-1 -d permission=write`);
  lines.push(`  ${bin} revoke "$TOKEN" --origin ${url} --subscribe-key ${first.subscribeKey} --publish-key ${first.publishKey}${demo ? dataDirFlag : ''}`);
  lines.push('');
  lines.push('From the official SDK (npm i pubnub):');
  lines.push(`  const pubnub = new PubNub({ subscribeKey: '${first.subscribeKey}', publishKey: '${first.publishKey}', secretKey: '${secret}',`);
  lines.push(`    userId: 'my-server', origin: '${url.replace(/^https?:\/\//, '')}', ssl: false });`);
  lines.push(`  const token = await pubnub.grantToken({ ttl: 15, authorized_uuid: 'alice', resources: { channels: { 'room-1': { read: true } } } });`);
  lines.push('');
  return `${lines.join('\n')}\n`;
}

function binCommand(binPath: string, cwd: string): string {
  const path = relative(cwd, binPath);
  return path.startsWith('..') || path === '' ? 'grantkit' : `node ${path}`;
}

function relativeOrAbsolute(path: string, cwd: string): string {
  const shorter = relative(cwd, path);
  return shorter.startsWith('..') ? path : shorter;
}
