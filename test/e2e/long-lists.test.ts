/** A long list in Chromium: only the rows in view are in the DOM; scrolling brings the rest; an update re-renders just its row. */
import { describe, expect, it } from 'vitest';
import { WINDOW_FROM } from '../../renderer/components/Table';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const ui = openDashboard({ width: 1280, height: 800 });

describe('long lists in Chromium', () => {
  it(`windows a list of more than ${WINDOW_FROM} containers`, async () => {
    const prefix = uniq('many');
    const count = WINDOW_FROM + 100;
    const api = ui.core.engine.docker;
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
    const todo = [...names];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let n = todo.shift(); n; n = todo.shift()) await api.createContainer({ Image: TEST_IMAGE, name: n, Cmd: ['true'] });
      }),
    );
    try {
      await ui.page
        .locator('nav')
        .getByRole('button', { name: /^Containers/ })
        .click();
      await ui.page.getByLabel('Search').fill(prefix);
      await ui.page.getByRole('button', { name: 'Name', exact: true }).click(); // sort by name, ascending
      const table = ui.page.getByRole('table', { name: 'Containers' });
      await table.getByRole('button', { name: names[0], exact: true }).waitFor();
      // The first row can be drawn before the last creates' events arrive: the list converges on pushes.
      await expect.poll(() => table.getAttribute('aria-rowcount'), { timeout: 15_000, interval: 100 }).toBe(String(count + 1));
      const inDom = await table.locator('tbody tr[data-key]').count();
      expect(inDom).toBeLessThan(100);
      expect(await table.getByRole('button', { name: names.at(-1), exact: true }).count()).toBe(0);

      await ui.page.locator('.table-wrap.windowed').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await table.getByRole('button', { name: names.at(-1), exact: true }).waitFor();
      await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-long-list.png` });

      // a change to one container shows up in its row
      await api.getContainer(names.at(-1)!).rename({ name: `${names.at(-1)}-renamed` });
      await table.getByRole('button', { name: `${names.at(-1)}-renamed`, exact: true }).waitFor();
    } finally {
      await ui.page.getByLabel('Search').fill('');
      const all = await api.listContainers({ all: true, filters: { name: [prefix] } });
      await Promise.all(all.map((c) => api.getContainer(c.Id).remove({ force: true })));
    }
  });
});
