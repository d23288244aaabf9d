/** A throwaway CA certificate (openssl, valid a day), for TLS material the tests point at. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Writes `ca.pem` and `ca.key` into `dir`; the certificate's path. */
export function makeTestCa(dir: string): string {
  const ca = join(dir, 'ca.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', ca, '-subj', '/CN=berth-test-ca', '-days', '1'],
    {
      stdio: 'ignore',
    },
  );
  return ca;
}
