/**
 * The image, volume and network pages in Chromium: reached from their lists and by URL, kept over
 * a reload, following the engine (a member disconnected, an image removed), and a link to a
 * missing one said in words.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { startRegistry } from '../support/registry';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1400, height: 900 });
const hash = () => ui.page.evaluate(() => location.hash);
const origin = () => new URL(ui.page.url()).origin;
const made: string[][] = [];
afterAll(() => {
  for (const args of made.reverse()) docker.try(args);
});

describe('detail pages in Chromium', () => {
  it('a network page: members with address and aliases, a disconnect, a reload in place', async () => {
    const net = uniq('e2e-net-page');
    const web = uniq('e2e-web');
    docker.cli(['network', 'create', '--subnet', '10.213.251.0/24', '--gateway', '10.213.251.1', '--label', 'app=shop', net]);
    made.push(['network', 'rm', net]);
    docker.cli(['run', '-d', '--name', web, '--network', net, '--network-alias', 'api', TEST_IMAGE, 'sleep', '300']);
    made.push(['rm', '-f', web]);
    const id = docker.cli(['network', 'inspect', '--format', '{{.Id}}', net]).trim();
    const page = ui.page;
    await page
      .locator('nav')
      .getByRole('button', { name: /^Networks/ })
      .click();
    await page.getByRole('button', { name: net, exact: true }).click();
    await page.getByRole('heading', { name: net }).waitFor();
    expect(await hash()).toBe(`#/networks/${id}`);
    const facts = page.getByLabel('Network', { exact: true });
    await facts.getByText('10.213.251.0/24').waitFor();
    await facts.getByText('10.213.251.1').waitFor(); // the gateway
    await facts.getByText('app=shop').waitFor();
    const member = page.getByRole('table', { name: 'Members' }).getByRole('row').filter({ hasText: web });
    await member.getByText(/^10\.213\.251\.\d+\/24$/).waitFor();
    await member.getByText('api').waitFor();

    await page.reload();
    await page.getByRole('heading', { name: net }).waitFor();
    await member.getByRole('button', { name: `Disconnect ${web} from ${net}` }).click();
    await page.getByText('No container is connected.').waitFor(); // pushed: the page follows the engine
    expect(docker.cli(['inspect', '--format', '{{json .NetworkSettings.Networks}}', web])).not.toContain(net);
    await page.goBack();
    await page.getByLabel('Search networks').waitFor();
    expect(ui.pageErrors).toEqual([]);
  });

  it('an image page by URL: config, layers, its users; removed while open, it says so', async () => {
    const tag = `berth-e2e/page-${process.pid}:v1`;
    docker.cli(['tag', TEST_IMAGE, tag]);
    made.push(['rmi', '-f', tag]);
    const user = uniq('e2e-img-user');
    docker.cli(['create', '--name', user, '--label', 'x=y', TEST_IMAGE, 'true']);
    made.push(['rm', '-f', user]);
    const page = ui.page;
    await page.goto(`${origin()}/#/images/${encodeURIComponent(tag)}`);
    await page.getByRole('heading', { name: tag }).waitFor();
    await page
      .getByLabel('Image', { exact: true })
      .getByText(/^linux\//)
      .waitFor(); // the platform
    expect(await page.getByRole('table', { name: 'Layers' }).getByRole('row').count()).toBeGreaterThan(1);
    await page.getByLabel('Containers using it').getByRole('button', { name: user }).waitFor();
    await page.getByText('Inspect JSON').click();
    await page.getByLabel('Inspect JSON').getByText('"RepoTags"').waitFor();

    // From the list: the same page, by id.
    await page
      .locator('nav')
      .getByRole('button', { name: /^Images/ })
      .click();
    await page.getByRole('button', { name: `Open ${tag}` }).click();
    await page.getByRole('heading', { name: tag }).waitFor();
    expect(await hash()).toMatch(/^#\/images\/[0-9a-f]{64}$/);

    // Untagged and deleted outside: the page says the engine no longer has it.
    const lone = `berth-e2e/lone-${process.pid}:v1`;
    docker.cli(['tag', TEST_IMAGE, lone]);
    made.push(['rmi', '-f', lone]);
    await page.goto(`${origin()}/#/images/${encodeURIComponent(lone)}`);
    await page.getByRole('heading', { name: lone }).waitFor();
    docker.cli(['rmi', lone]);
    await page
      .getByRole('status')
      .filter({ hasText: `No image ${lone} on this engine.` })
      .waitFor();
    expect(ui.pageErrors).toEqual([]);
  });

  it('an image page: the config, digest and layers it was built with; run, tag, push, save and remove from the page', { timeout: 120_000 }, async () => {
    const registry = await startRegistry();
    try {
      const ctx = tempDir('image-page');
      const mark = uniq('made');
      writeFileSync(
        join(ctx, 'Dockerfile'),
        `FROM ${TEST_IMAGE}\nRUN echo ${mark} > /made\nWORKDIR /srv\nUSER 1234\nENV MODE=page\nEXPOSE 8080\nLABEL team=docs\nENTRYPOINT ["/bin/sh", "-c"]\nCMD ["sleep 5"]\n`,
      );
      const ref = `${registry.address}/berth/page:${mark}`;
      docker.cli(['build', '-q', '-t', ref, ctx]);
      made.push(['rmi', '-f', ref]);
      docker.cli(['push', '-q', ref]); // now it has a digest
      const digest = docker.cli(['inspect', '--format', '{{index .RepoDigests 0}}', ref]).trim();
      const page = ui.page;
      await page.goto(`${origin()}/#/images/${encodeURIComponent(ref)}`);
      await page.getByRole('heading', { name: ref }).waitFor();
      await page.getByLabel('Image', { exact: true }).getByText(digest).waitFor();
      const config = page.getByLabel('Config', { exact: true });
      for (const shown of ['["/bin/sh","-c"]', '["sleep 5"]', '/srv', '1234', '8080/tcp', 'MODE=page', 'team=docs']) await config.getByText(shown, { exact: true }).waitFor();
      await page
        .getByRole('table', { name: 'Layers' })
        .getByText(new RegExp(`echo ${mark} > /made`))
        .waitFor(); // the instruction that made it

      // Run…: the Run dialog, for this image.
      await page.getByRole('button', { name: 'Run…' }).click();
      const run = page.getByRole('dialog', { name: 'Run a container' });
      expect(await run.getByLabel('Image', { exact: true }).inputValue()).toBe(ref);
      await run.getByText('On this engine.').waitFor();
      await page.keyboard.press('Escape');
      await run.waitFor({ state: 'detached' });

      // Tag…: a second tag, seen by the engine and on the page.
      const second = `${registry.address}/berth/page-copy:${mark}`;
      made.push(['rmi', '-f', second]);
      await page.getByRole('button', { name: 'Tag…' }).click();
      const tag = page.getByRole('dialog', { name: /^Tag / });
      await tag.getByLabel('New tag').fill(second);
      await tag.getByRole('button', { name: 'Tag', exact: true }).click();
      await tag.waitFor({ state: 'detached' });
      expect(docker.try(['image', 'inspect', second]).status).toBe(0);
      await page.getByLabel('Image', { exact: true }).getByText(second, { exact: true }).waitFor();

      // Push…: one of its tags (the first, in the engine's order), to the real registry.
      await page.getByRole('button', { name: 'Push…' }).click();
      const push = page.getByRole('dialog', { name: 'Push image' });
      const pushed = await push.getByLabel('Image reference').inputValue();
      expect([ref, second]).toContain(pushed);
      await push.getByRole('button', { name: 'Push', exact: true }).click();
      await push.getByRole('status').getByText('Done').waitFor({ timeout: 30_000 });
      await push.getByRole('button', { name: 'Cancel' }).click();
      const repo = pushed.slice(registry.address.length + 1).split(':')[0];
      expect(await (await fetch(`http://${registry.address}/v2/${repo}/tags/list`)).json()).toEqual({ name: repo, tags: [mark] });

      // Save…: a tar docker load takes.
      await page.getByRole('button', { name: 'Save…' }).click();
      const save = page.getByRole('dialog', { name: 'Save image' });
      const [download] = await Promise.all([page.waitForEvent('download'), save.getByRole('button', { name: 'Save', exact: true }).click()]);
      await save.getByText(/received$/).waitFor();
      expect(readFileSync(await download.path()).includes(Buffer.from('manifest.json'))).toBe(true);
      await save.getByRole('button', { name: 'Cancel' }).click();

      // Remove: every tag goes, and the page with them.
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      await page.getByRole('dialog', { name: 'Remove 1 image?' }).getByRole('button', { name: 'Remove' }).click();
      await page.getByLabel('Search images').waitFor();
      for (const gone of [ref, second]) expect(docker.try(['image', 'inspect', gone]).status, gone).not.toBe(0);
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await registry.stop();
    }
  });

  it('a volume page: size, users, its files browsed and downloaded; a link to a missing one', async () => {
    const vol = uniq('e2e-vol-page');
    docker.cli(['volume', 'create', '--label', 'tier=db', vol]);
    made.push(['volume', 'rm', '-f', vol]);
    docker.cli(['run', '--rm', '-v', `${vol}:/v`, TEST_IMAGE, 'sh', '-c', 'mkdir -p /v/conf && echo "listen 80" > /v/conf/site.conf && head -c 3000000 /dev/urandom > /v/blob']);
    const user = uniq('e2e-vol-user');
    docker.cli(['create', '--name', user, '-v', `${vol}:/data`, TEST_IMAGE, 'true']);
    made.push(['rm', '-f', user]);
    const page = ui.page;
    await page
      .locator('nav')
      .getByRole('button', { name: /^Volumes/ })
      .click();
    await page.getByRole('button', { name: vol, exact: true }).click();
    await page.getByRole('heading', { name: vol }).waitFor();
    expect(await hash()).toBe(`#/volumes/${vol}`);
    const facts = page.getByLabel('Volume', { exact: true });
    await facts.getByText('tier=db').waitFor();
    await facts.getByText(/^2\.8\d MiB$/).waitFor(); // the 3,000,010 bytes system df counts
    await page.getByLabel('Containers using it').getByRole('button', { name: user }).waitFor();
    const files = page.getByRole('table', { name: 'Files' });
    await files.getByRole('button', { name: 'Open conf' }).click();
    expect(await page.getByLabel('Folder path').inputValue()).toBe('/conf');
    const [download] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: 'Download site.conf' }).click()]);
    expect(download.suggestedFilename()).toBe('site.conf.tar');
    expect(readFileSync(await download.path()).includes(Buffer.from('listen 80\n'))).toBe(true);
    expect(await page.getByLabel('Upload files').count()).toBe(0); // read-only: no upload into a volume here

    await page.goto(`${origin()}/#/volumes/no-such-volume-here`);
    await page.getByRole('status').filter({ hasText: 'No volume no-such-volume-here on this engine.' }).waitFor();
    await page.getByRole('button', { name: 'Back to volumes' }).last().click();
    await page.getByLabel('Search volumes').waitFor();
    expect(docker.cli(['ps', '-aq', '--filter', 'label=berth.helper'])).toBe('');
    expect(ui.pageErrors).toEqual([]);
  });
});
