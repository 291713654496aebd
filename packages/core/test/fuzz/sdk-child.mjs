// Runs the official SDK's parseToken on tokens, one per line of the input file, from a starting index; writes one
// JSON line per token, synchronously, so a process abort (the SDK's decoder can abort on some inputs) loses nothing
// already answered. Usage: node sdk-child.mjs <tokens-file> <start-index>
import { readFileSync, writeSync } from 'node:fs';
import PubNub from 'pubnub';

const tokens = readFileSync(process.argv[2], 'utf8').split('\n');
const sdk = new PubNub({ subscribeKey: 'sub-c-differential', userId: 'differential' });
for (let index = Number(process.argv[3]); index < tokens.length; index++) {
  let line;
  try {
    const parsed = sdk.parseToken(tokens[index]);
    line = JSON.stringify({ index, ok: true, parsed: parsed === undefined ? null : { ...parsed, signature: Buffer.from(parsed.signature ?? []).toString('hex') } });
  } catch (error) {
    line = JSON.stringify({ index, ok: false, error: error?.constructor?.name ?? typeof error });
  }
  writeSync(1, `${line}\n`);
}
