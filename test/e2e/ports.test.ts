/** Published ports in Chromium: a click opens the page in a new tab, the copy button copies host:port. */
import { describe, expect, it } from 'vitest';
import { openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1400, height: 800 });

describe('ports in Chromium', () => {
  it('opens a published port in a new tab and copies its address', async () => {
    const name = uniq('e2e-port');
    docker.cli([
      'run',
      '-d',
      '--name',
      name,
      '-p',
      '127.0.0.1::8080',
      '-p',
      '127.0.0.1::5353/udp',
      TEST_IMAGE,
      'sh',
      '-c',
      'mkdir /www && echo hello-port > /www/index.html && exec httpd -f -p 8080 -h /www',
    ]);
    const port = Number(docker.cli(['port', name, '8080/tcp']).trim().split(':').at(-1));
    const udp = Number(docker.cli(['port', name, '5353/udp']).trim().split(':').at(-1));
    const row = ui.page.locator('tbody tr', { hasText: name });
    const [tab] = await Promise.all([ui.page.context().waitForEvent('page'), row.getByRole('button', { name: `${port}:8080` }).click()]);
    await tab.waitForURL(`http://127.0.0.1:${port}/`);
    await tab.waitForLoadState();
    expect(await tab.textContent('body')).toContain('hello-port');
    // No way back to the dashboard from the opened page (noopener).
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    await tab.close();

    await ui.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await row
      .getByRole('button', { name: new RegExp(`^Copy the address of port ${udp}/udp( on \\S+)? of ${name}$`) })
      .first()
      .click();
    await ui.page
      .getByRole('status')
      .filter({ hasText: `Copied 127.0.0.1:${udp}` })
      .waitFor();
    expect(await ui.page.evaluate(() => navigator.clipboard.readText())).toBe(`127.0.0.1:${udp}`);
    expect(await row.getByRole('button', { name: `${udp}:5353/udp` }).count()).toBe(0); // UDP: nothing a browser opens
    expect(ui.pageErrors).toEqual([]);
  });
});
