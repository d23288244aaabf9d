/**
 * A docker credential helper for unit tests: `docker-credential-<name>` in a temp folder (put it
 * first on PATH), keeping its logins in a JSON file beside it and each call's arguments in
 * `calls`. FAKE_HELPER_FAIL=words makes every call print the words and exit 1; FAKE_HELPER_HANG
 * makes it never answer.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const dir = __dirname;
const db = path.join(dir, 'store.json');
const load = () => (fs.existsSync(db) ? JSON.parse(fs.readFileSync(db, 'utf8')) : {});
fs.appendFileSync(path.join(dir, 'calls'), process.argv.slice(2).join(' ') + '\\n');
if (process.env.FAKE_HELPER_HANG) setInterval(() => {}, 1000);
else {
  let input = '';
  process.stdin.on('data', (d) => (input += d));
  process.stdin.on('end', () => {
    if (process.env.FAKE_HELPER_FAIL) {
      console.log(process.env.FAKE_HELPER_FAIL + ' ' + input);
      process.exit(1);
    }
    const s = load();
    const action = process.argv[2];
    if (action === 'store') {
      const c = JSON.parse(input);
      s[c.ServerURL] = { Username: c.Username, Secret: c.Secret };
      fs.writeFileSync(db, JSON.stringify(s));
    } else if (action === 'get') {
      if (!s[input]) {
        console.log('credentials not found in native keychain');
        process.exit(1);
      }
      console.log(JSON.stringify({ ServerURL: input, ...s[input] }));
    } else if (action === 'erase') {
      delete s[input];
      fs.writeFileSync(db, JSON.stringify(s));
    } else if (action === 'list') {
      console.log(JSON.stringify(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.Username]))));
    } else {
      console.log('unknown credential action');
      process.exit(1);
    }
  });
}
`;

export function fakeHelper(dir: string, name = 'fake') {
  const program = join(dir, `docker-credential-${name}`);
  writeFileSync(program, SCRIPT);
  chmodSync(program, 0o755);
  return {
    /** PATH with the helper's folder first. */
    path: `${dir}:${process.env.PATH ?? ''}`,
    store: (): Record<string, { Username: string; Secret: string }> => (existsSync(join(dir, 'store.json')) ? JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8')) : {}),
    calls: () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8') : ''),
  };
}
