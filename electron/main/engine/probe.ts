/**
 * Whether an engine answers `/_ping` within a short deadline: for the list of engines the
 * unreachable banner offers, and for a boot waiting on its engine. One request, no retries.
 */
import { get } from 'node:http';
import type { EngineEndpoint } from './endpoint';

export type ProbeResult = { answers: true } | { answers: false; reason: string };

export function probeEngine(endpoint: Exclude<EngineEndpoint, { kind: 'ssh' }>, timeoutMs = 1500): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const at = endpoint.kind === 'unix' ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
    const req = get({ ...at, path: '/_ping' }, (res) => {
      res.resume();
      finish(res.statusCode === 200 ? { answers: true } : { answers: false, reason: `it answered ${res.statusCode}` });
    });
    const timer = setTimeout(() => finish({ answers: false, reason: `no answer in ${timeoutMs / 1000} s` }), timeoutMs);
    req.once('error', (e: NodeJS.ErrnoException) => finish({ answers: false, reason: e.code === 'ENOENT' ? 'no socket there' : e.code === 'ECONNREFUSED' ? 'nothing listens there' : e.message }));
  });
}
