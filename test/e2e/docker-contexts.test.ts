/**
 * The docker CLI's contexts in Chromium: made by the real `docker context create` in the test
 * core's DOCKER_CONFIG, shown in the engine picker and Settings under their names, the one in use
 * with why; a TLS context listed as usable with its files, one whose key.pem is gone and a
 * malformed meta.json said in words; a TLS engine its context's CA did not sign, chosen: the banner
 * says so naming the CA file; a choice leaves config.json alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextMetaDir } from '../../electron/main/engine/docker-config';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, TEST_DATA_DIR, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';
import { makeTestCa, makeTlsSet } from '../support/test-ca';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 });
const nav = (name: RegExp | string) => ui.page.locator('nav').getByRole('button', { name });
const config = join(TEST_DATA_DIR, 'docker-config'); // the test core's (support/engine.ts)
const cli = (...args: string[]) => execFileSync('docker', args, { env: { PATH: process.env.PATH, HOME: TEST_DATA_DIR, DOCKER_CONFIG: config }, encoding: 'utf8' });

let tlsServer: Server | undefined;
afterAll(() => void tlsServer?.close());

describe("the docker CLI's contexts in the engine picker", () => {
  it('lists them under their names with description and address, says what Berth cannot use, and a choice leaves the CLI alone', async () => {
    const name = uniq('ctx-cli');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    cli('context', 'create', 'harness', '--description', 'the test engine', '--docker', `host=${docker.dockerHost}`);
    const ca = makeTestCa(TEST_DATA_DIR);
    cli('context', 'create', 'tlsbox', '--docker', `host=tcp://127.0.0.1:2376,ca=${ca}`);
    // a client pair (the CA's own certificate and key will do) whose key.pem then goes missing
    cli('context', 'create', 'lostkey', '--docker', `host=tcp://127.0.0.1:2376,ca=${ca},cert=${ca},key=${join(TEST_DATA_DIR, 'ca.key')}`);
    const lostKey = join(config, 'contexts', 'tls', contextMetaDir('lostkey', { DOCKER_CONFIG: config }).split('/').pop()!, 'docker', 'key.pem');
    unlinkSync(lostKey);
    cli('context', 'use', 'harness');
    cli('context', 'use', 'default'); // config.json as the CLI writes it, with its own choice: default
    const broken = join(contextMetaDir('broken', { DOCKER_CONFIG: config }), 'meta.json');
    mkdirSync(join(broken, '..'), { recursive: true });
    writeFileSync(broken, '{"Name": "broken", "Endpoints": ');
    // an engine over TLS (its certificate from a CA of its own) and a context trusting another CA
    const set = makeTlsSet(join(TEST_DATA_DIR, 'tls'));
    tlsServer = createHttpsServer({ cert: readFileSync(set.server.cert), key: readFileSync(set.server.key) }, (_q, r) => r.end('OK')).listen(0, '127.0.0.1');
    await new Promise((r) => tlsServer!.once('listening', r));
    cli('context', 'create', 'wrongca', '--docker', `host=tcp://127.0.0.1:${(tlsServer.address() as AddressInfo).port},ca=${set.otherCa}`);
    const before = readFileSync(join(config, 'config.json'));

    await ui.page.reload();
    const picker = ui.page.getByLabel('Engine in use');
    await expect.poll(() => picker.locator('option').allTextContents()).toEqual(['default', 'berth-vm', 'harness', 'lostkey (TLS) (cannot be used)', 'tlsbox (TLS)', 'wrongca (TLS)']);
    expect(await picker.locator('option[value="tlsbox"]').isDisabled()).toBe(false);
    expect(await picker.locator('option[value="lostkey"]').isDisabled()).toBe(true);
    await ui.page.locator('#engine-why').getByText('from BERTH_DOCKER_HOST').waitFor(); // the test core's engine: why it is the one in use

    await nav('Settings').click();
    const table = ui.page.getByRole('table', { name: 'Engines' });
    const harness = table.getByRole('row', { name: /harness/ });
    await harness.getByText('the test engine').waitFor();
    await harness.getByText(docker.dockerHost).waitFor();
    await harness.getByText('docker CLI').waitFor();
    const tlsbox = table.getByRole('row', { name: /tlsbox/ });
    await tlsbox.getByText(/^TLS, verified against .*\/contexts\/tls\/[0-9a-f]{64}\/docker\/ca\.pem$/).waitFor();
    await tlsbox.getByRole('button', { name: 'Use tlsbox' }).waitFor();
    await table.getByRole('note', { name: 'lostkey: cannot be used' }).getByText(`The client key ${lostKey} does not exist`, { exact: false }).waitFor();
    expect(
      await table
        .getByRole('row', { name: /lostkey/ })
        .getByRole('button', { name: 'Use lostkey' })
        .count(),
    ).toBe(0);
    const problems = ui.page.getByRole('status', { name: 'Docker CLI problems' });
    await problems.getByText(`A docker CLI context cannot be read: ${broken} is not valid JSON`, { exact: false }).waitFor();
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-docker-contexts.png` });

    // A TLS engine whose certificate the context's CA did not sign: chosen, the banner says so, naming the CA file.
    const wrongCa = join(config, 'contexts', 'tls', contextMetaDir('wrongca', { DOCKER_CONFIG: config }).split('/').pop()!, 'docker', 'ca.pem');
    await picker.selectOption('wrongca');
    await ui.page.getByRole('alert').getByText(`presented a certificate signed by an unknown authority: not by the CA in ${wrongCa} (`, { exact: false }).waitFor();
    expect(await ui.page.getByRole('alert').getByText('..').count()).toBe(0);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-docker-contexts-tls-refused.png` });

    await picker.selectOption('harness');
    await ui.page.locator('#engine-why').getByText('chosen in Berth').waitFor();
    await harness.getByText('In use: chosen in Berth').waitFor();
    await nav(/^Containers/).click();
    await ui.page.getByRole('button', { name, exact: true }).waitFor(); // the same engine, reached through the CLI's context
    expect(readFileSync(join(config, 'config.json')).equals(before)).toBe(true);
    expect(cli('context', 'show').trim()).toBe('default');
    docker.cli(['rm', '-f', name]);
    expect(ui.pageErrors).toEqual([]);
  });
});
