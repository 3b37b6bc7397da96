/**
 * A table of 5,000,000 rows streamed from the stand-in archive (events.nwb of the generated demo
 * Dandiset). Chromium caps an element's height near 33.5 M px (about 1.4 M rows of 24 px), so this
 * checks what a person does: scroll to the bottom and see the last row, with its id and values
 * right; then Home, "Go to row", a row down with the keyboard, and End.
 */
import type { FrameLocator, Locator } from 'playwright-core';
import {
  MANY_ROWS_DEFAULT,
  MANY_ROWS_FILE,
  MANY_ROWS_TABLE,
  manyRowsCode,
  manyRowsTime,
} from '../../fixtures/nwbgen/manyRowsFormulas';
import type { E2EContext, Scenario } from '../types';
import { check, generatedNwb, openPath, waitForView } from '../viewerSteps';

const ROWS = MANY_ROWS_DEFAULT;

/** The grid row of table row `index` (aria-rowindex counts the header as 1). */
const gridRow = (frame: FrameLocator, index: number): Locator =>
  frame.locator(`.grid-body [role=row][aria-rowindex="${index + 2}"]`);

/** Waits until row `index` shows its cells (not "loading…") and the view has settled. */
async function waitForRow(frame: FrameLocator, index: number): Promise<void> {
  await gridRow(frame, index)
    .locator('[aria-colindex="1"]')
    .filter({ hasText: new RegExp(`^${index}$`) })
    .waitFor({ timeout: 60_000 })
    .catch(() => {
      throw new Error(`row ${index} was not drawn`);
    });
  await waitForView(frame, { path: MANY_ROWS_TABLE, view: 'table' });
}

/** The part of the grid rows are seen through: below the sticky header, above the grid's bottom. */
async function viewport(frame: FrameLocator): Promise<{ top: number; bottom: number }> {
  const [head, grid] = [
    await frame.locator('.grid-head').boundingBox(),
    await frame.getByRole('grid').boundingBox(),
  ];
  if (!head || !grid) throw new Error('the grid is not on screen');
  return { top: head.y + head.height, bottom: grid.y + grid.height };
}

/** Checks that row `index` is whole in the viewport and shows id, time and code from the formulas. */
async function checkRow(frame: FrameLocator, index: number): Promise<void> {
  const row = gridRow(frame, index);
  const cells = await row.locator('[role=gridcell]').allInnerTexts();
  const expected = [String(index), String(manyRowsTime(index)), String(manyRowsCode(index))];
  check(
    cells.join(' | ') === expected.join(' | '),
    `row ${index} shows ${cells.join(' | ')}, expected ${expected.join(' | ')}`,
  );
  const [box, view] = [await row.boundingBox(), await viewport(frame)];
  check(
    box !== null && box.y >= view.top - 1 && box.y + box.height <= view.bottom + 1,
    `row ${index} is not whole in the viewport (${JSON.stringify(box)} in ${JSON.stringify(view)})`,
  );
}

/** The first row whole in the viewport. */
async function topRow(frame: FrameLocator): Promise<number> {
  const view = await viewport(frame);
  let top = Infinity;
  for (const row of await frame.locator('.grid-body [role=row]').all()) {
    const box = await row.boundingBox();
    if (box && box.y >= view.top - 1 && box.y < view.bottom)
      top = Math.min(top, Number(await row.getAttribute('aria-rowindex')) - 2);
  }
  return top;
}

/** Waits (polling the layout; a scroll within loaded rows changes no state to wait on) until row `index` is the first seen. */
async function waitForTopRow(ctx: E2EContext, frame: FrameLocator, index: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let top = await topRow(frame);
  while (top !== index && Date.now() < deadline) {
    await ctx.page.waitForTimeout(50);
    top = await topRow(frame);
  }
  check(top === index, `the grid shows row ${top} first, expected ${index}`);
}

const scenario: Scenario = {
  name: 'table-millions',
  async run(ctx) {
    // The archive serves .cache/nwb as it was at start-up; say so plainly when the file is not there.
    generatedNwb(MANY_ROWS_FILE);
    await ctx.openDandiView();
    await ctx.expandTreeItem(ctx.archive.ids.nwbDemo);
    await ctx.expandTreeItem(/^draft/);
    await ctx.treeItem(new RegExp(MANY_ROWS_FILE.replace('.', '\\.'))).click();
    const frame = await ctx.activeWebview();
    await waitForView(frame, { path: '/', view: 'overview' });
    await openPath(frame, MANY_ROWS_TABLE, 'table');
    const grid = frame.getByRole('grid');
    check(
      (await grid.getAttribute('aria-rowcount')) === String(ROWS + 1),
      `the grid does not announce ${ROWS} rows + header (${await grid.getAttribute('aria-rowcount')})`,
    );
    await waitForRow(frame, 0);

    // The scrollbar's thumb at the bottom. Headless Chromium hides scrollbars (there is no thumb
    // to drag), so the scroll range is set to its end, which is what such a drag leaves behind:
    // the same scroll event reaches the table.
    await grid.evaluate(node => {
      const el = node as unknown as { scrollTop: number; scrollHeight: number };
      el.scrollTop = el.scrollHeight;
    });
    await waitForRow(frame, ROWS - 1);
    await checkRow(frame, ROWS - 1);
    await checkRow(frame, ROWS - 2);
    // The viewer's pane scrolls too: bring the grid's bottom (the last row) into the picture.
    await gridRow(frame, ROWS - 1).scrollIntoViewIfNeeded();
    await ctx.screenshot('table-millions');

    // Keyboard and "Go to row" move by rows, not by the scaled scroll range.
    await grid.focus();
    await ctx.page.keyboard.press('Home');
    await waitForRow(frame, 0);
    await checkRow(frame, 0);
    // The wheel moves by its own distance (240 px = 10 rows), not by 15 times that as the scaled range would.
    const box = await grid.boundingBox();
    if (!box) throw new Error('the grid has no box');
    await ctx.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await ctx.page.mouse.wheel(0, 240);
    await waitForTopRow(ctx, frame, 10);
    await checkRow(frame, 10);
    const middle = 2_500_000;
    await frame.getByRole('spinbutton', { name: 'Row to show' }).fill(String(middle));
    await frame.getByRole('button', { name: 'Go', exact: true }).click();
    await waitForRow(frame, middle);
    await checkRow(frame, middle);
    await waitForTopRow(ctx, frame, middle);
    await grid.focus();
    await ctx.page.keyboard.press('ArrowDown');
    await waitForTopRow(ctx, frame, middle + 1);
    await checkRow(frame, middle + 1);
    await ctx.page.keyboard.press('End');
    await waitForRow(frame, ROWS - 1);
    await checkRow(frame, ROWS - 1);
  },
};

export default scenario;
