/**
 * `grantkit keygen`: print a new random keyset.
 *
 * @internal
 * @module
 */
import { generateKeyset } from '../service/keygen.js';
import type { CliContext } from './cli-context.js';
import { parseOptions } from './parse-options.js';

/** @internal */
export const KEYGEN_HELP = `Usage: grantkit keygen [--json]

Prints a new keyset (random subscribe, publish and 256-bit secret keys) as environment variables for
\`grantkit serve\`, or as JSON for a config file's "keysets" entry. Keep the secret key secret.`;

/** @internal */
export async function keygenCommand(context: CliContext): Promise<void> {
  const { values } = parseOptions(context.argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 0);
  if (values.help === true) {
    context.stdout(`${KEYGEN_HELP}\n`);
    return;
  }
  const keyset = generateKeyset();
  if (values.json === true) {
    context.stdout(`${JSON.stringify(keyset, null, 2)}\n`);
    return;
  }
  context.stdout(`GRANTKIT_SUBSCRIBE_KEY=${keyset.subscribeKey}\nGRANTKIT_PUBLISH_KEY=${keyset.publishKey}\nGRANTKIT_SECRET_KEY=${keyset.secretKey}\n`);
}
