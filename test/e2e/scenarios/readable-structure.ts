/**
 * Legible structure on MIES' real file: tree rows show each name in full (badge and summary give
 * way), the attributes table keeps its columns however long a value is, and the filter finds an
 * object whose group was never expanded (the host walks the file once).
 */
import type { Scenario } from '../types';
import { check, openLocalNwb, realNwb, showTab, treeRow, waitForView } from '../viewerSteps';

const scenario: Scenario = {
  name: 'readable-structure',
  async run(ctx) {
    const frame = await openLocalNwb(ctx, realNwb('mies__AB_SweepsFromMultipleDevices-V2.nwb'));
    await showTab(frame, 'NWB');
    const section = treeRow(frame, '/acquisition');
    await section.waitFor({ timeout: 60_000 });
    if ((await section.getAttribute('aria-expanded')) === 'false') await section.locator('.twistie').click();
    const sweep = treeRow(frame, '/acquisition/data_00000_AD0');
    await sweep.waitFor({ timeout: 60_000 });
    // Every row's name is shown in full: its label needs no more room than it has.
    const labels = frame.locator(
      '.tree-panel:not([hidden]) [role=treeitem][data-path^="/acquisition/"] .label',
    );
    const fits = await labels.evaluateAll(nodes =>
      nodes.map(n => {
        const el = n as unknown as { textContent: string; clientWidth: number; scrollWidth: number };
        return { text: el.textContent, shown: el.clientWidth, needed: el.scrollWidth };
      }),
    );
    check(fits.length >= 4, `the acquisition shows ${fits.length} rows, not its 4 sweeps`);
    for (const f of fits)
      check(f.needed <= f.shown + 1, `the tree cuts the name "${f.text}" (${f.shown} of ${f.needed} px)`);
    check(
      ((await sweep.getAttribute('title')) ?? '').includes('data_00000_AD0'),
      'the row has no tooltip with its full text',
    );

    await sweep.click();
    await waitForView(frame, { path: '/acquisition/data_00000_AD0' });
    const cells = frame.locator('.inspector table.attrs th');
    await cells.first().waitFor({ timeout: 60_000 });
    const heads = await cells.evaluateAll(nodes =>
      nodes.map(n => {
        const el = n as unknown as { textContent: string; clientWidth: number; scrollWidth: number };
        // Line boxes of the name's text: 1 unless it wraps.
        const doc = (globalThis as unknown as { document: { createRange(): unknown } }).document;
        const range = doc.createRange() as {
          selectNodeContents(node: unknown): void;
          getClientRects(): { length: number };
        };
        range.selectNodeContents(n);
        return {
          text: el.textContent,
          shown: el.clientWidth,
          needed: el.scrollWidth,
          lines: range.getClientRects().length,
        };
      }),
    );
    // One line each (no "N a m e" one letter a line), and not cut.
    for (const f of heads) {
      check(f.lines === 1, `the attribute name "${f.text}" wraps onto ${f.lines} lines`);
      check(f.needed <= f.shown + 1, `the attribute name "${f.text}" is cut (${f.shown} of ${f.needed} px)`);
    }
    await ctx.screenshot('readable-structure-mies');

    // The filter finds an object below groups the HDF5 tab never loaded.
    await showTab(frame, 'HDF5');
    const deep = '/stimulus/presentation/data_00003_DA0';
    check(
      (await treeRow(frame, deep).count()) === 0,
      `${deep} was already in the HDF5 tree before filtering`,
    );
    await frame.getByLabel('Filter the hierarchy').fill('data_00003_DA0');
    await treeRow(frame, deep)
      .waitFor({ state: 'visible', timeout: 30_000 })
      .catch(() => {
        throw new Error(`the filter did not find ${deep}, whose groups were not loaded`);
      });
    await ctx.screenshot('readable-structure-filter');
    await frame.getByLabel('Filter the hierarchy').fill('');
  },
};

export default scenario;
