/**
 * The `berth` context for the user's own docker CLI (`docker --context berth ps`, or
 * `docker context use berth`): written where the CLI keeps contexts, as the CLI itself would.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CONTEXT_NAME = 'berth';

export function writeDockerContext(dockerHost: string, env: NodeJS.ProcessEnv = process.env): string {
  const config = env.DOCKER_CONFIG || join(homedir(), '.docker');
  const dir = join(config, 'contexts', 'meta', createHash('sha256').update(CONTEXT_NAME).digest('hex'));
  mkdirSync(dir, { recursive: true });
  const meta = { Name: CONTEXT_NAME, Metadata: { Description: 'Berth VM' }, Endpoints: { docker: { Host: dockerHost, SkipTLSVerify: false } } };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  return dir;
}
