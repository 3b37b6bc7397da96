/**
 * OME-Zarr from the DANDI view: the stand-in's large generated image (990011) opens at the level
 * that fits the panel, zooms to full resolution (level 0, only the visible chunks requested), and
 * the pixel values under the pointer are the generator's; then a real fixture (vitessce CyCIF crop,
 * 990010) opens with its four channels.
 */
import type { FrameLocator } from 'playwright-core';
import { OME_LARGE, pixelValue } from '../../archive/omeLargeImage';
import { OME_LARGE_ID } from '../../archive/seedOme';
import type { E2EContext, Scenario } from '../types';
import { check, waitForView } from '../viewerSteps';

interface PixelReport {
  level: number;
  y: number;
  x: number;
  values: (number | null)[];
}

async function waitForLevel(frame: FrameLocator, level: number): Promise<void> {
  await frame
    .locator(`#view[data-level="${level}"][data-state="ready"], #view[data-state="error"]`)
    .first()
    .waitFor({ state: 'attached', timeout: 90_000 })
    .catch(async () => {
      const v = frame.locator('#view');
      throw new Error(
        `the image did not settle at level ${level} (now level ${await v.getAttribute('data-level')}, ${await v.getAttribute('data-state')}, ${await frame.locator('#status').innerText()})`,
      );
    });
  await waitForView(frame, { timeoutMs: 1000 });
}

/** Hovers the canvas at a fraction of its size; returns the pixel the status line reports. */
async function pixelUnderPointer(frame: FrameLocator, fx: number, fy: number): Promise<PixelReport> {
  const canvas = frame.locator('#image');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the image canvas has no box');
  await canvas.hover({ position: { x: box.width * fx, y: box.height * fy } });
  const text = await frame.locator('#status').getAttribute('data-pixel');
  if (!text)
    throw new Error(`the status line reports no pixel: ${await frame.locator('#status').innerText()}`);
  return JSON.parse(text) as PixelReport;
}

/** How many of a 9×9 grid of canvas points are not black (what was drawn, not what was fetched). */
async function litPoints(frame: FrameLocator): Promise<number> {
  return frame.locator('#image').evaluate(node => {
    type Ctx = { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
    const canvas = node as unknown as { width: number; height: number; getContext(kind: '2d'): Ctx };
    const ctx = canvas.getContext('2d');
    let lit = 0;
    for (let i = 1; i <= 9; i++)
      for (let j = 1; j <= 9; j++) {
        const d = ctx.getImageData(
          Math.floor((canvas.width * i) / 10),
          Math.floor((canvas.height * j) / 10),
          1,
          1,
        ).data;
        if ((d[0] as number) + (d[1] as number) + (d[2] as number) > 30) lit++;
      }
    return lit;
  });
}

function checkPixel(p: PixelReport): void {
  const want = OME_LARGE.channels.map((_, c) => pixelValue(p.level, c, p.y, p.x));
  check(
    JSON.stringify(p.values) === JSON.stringify(want),
    `level ${p.level} pixel (${p.y}, ${p.x}) shows ${JSON.stringify(p.values)}, the generator put ${JSON.stringify(want)} there`,
  );
}

async function openFromTree(
  ctx: E2EContext,
  dandiset: string,
  folders: string[],
  asset: RegExp,
): Promise<FrameLocator> {
  await ctx.openDandiView();
  await ctx.expandTreeItem(dandiset);
  await ctx.expandTreeItem(/^draft/);
  for (const f of folders) await ctx.expandTreeItem(f);
  await ctx.treeItem(asset).click();
  return ctx.activeWebview();
}

const scenario: Scenario = {
  name: 'ome-zarr',
  async run(ctx) {
    const frame = await openFromTree(ctx, OME_LARGE_ID, ['sub-slide'], /sample-large\.ome\.zarr/);
    // Whole slide: the coarsest level whose pixels still resolve a screen pixel at "fit".
    await waitForView(frame, { timeoutMs: 90_000 });
    const size = await frame.locator('#view').evaluate(node => {
      const el = node as unknown as { clientWidth: number; clientHeight: number };
      return {
        w: el.clientWidth,
        h: el.clientHeight,
        dpr: (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio,
      };
    });
    const fitZoom = Math.min(size.w, size.h) / (OME_LARGE.size * OME_LARGE.pixelSizeUm);
    let fitLevel = 0;
    for (let l = 0; l < OME_LARGE.levels; l++)
      if (OME_LARGE.pixelSizeUm * 2 ** l * fitZoom * size.dpr <= 1) fitLevel = l;
    await waitForLevel(frame, fitLevel);
    checkPixel(await pixelUnderPointer(frame, 0.3, 0.4));
    check((await litPoints(frame)) > 40, 'the whole-slide view is mostly black');
    await ctx.screenshot('ome-zarr-whole-slide');

    // Full resolution at the centre: level 0, its chunk row/col 20 labelled in the grid channel.
    await frame.getByRole('button', { name: '1:1' }).click();
    await waitForLevel(frame, 0);
    const centre = await pixelUnderPointer(frame, 0.5, 0.5);
    check(centre.level === 0, `1:1 shows level ${centre.level}`);
    check(
      Math.abs(centre.y - OME_LARGE.size / 2) < 600 && Math.abs(centre.x - OME_LARGE.size / 2) < 1000,
      `1:1 is not centred on the image: pixel (${centre.y}, ${centre.x})`,
    );
    checkPixel(centre);
    check((await litPoints(frame)) > 60, 'the full-resolution view is mostly black');
    const requested = Number(await frame.locator('#view').getAttribute('data-requested'));
    check(
      requested > 0 && requested < 100,
      `${requested} tiles were requested for two views (want only the visible chunks)`,
    );
    await ctx.screenshot('ome-zarr-full-resolution');

    // The keyboard: "-" halves the zoom, so the next coarser level that still resolves a pixel.
    await frame.locator('#image').focus();
    await ctx.page.keyboard.press('-');
    let halfLevel = 0;
    for (let l = 0; l < OME_LARGE.levels; l++)
      if (OME_LARGE.pixelSizeUm * 2 ** l * 2 * size.dpr <= 1) halfLevel = l;
    await waitForLevel(frame, halfLevel);
    checkPixel(await pixelUnderPointer(frame, 0.6, 0.6));

    // A real OME-Zarr with its channels.
    await ctx.reset();
    const real = await openFromTree(
      ctx,
      '990010',
      ['zarr'],
      /vitessce__exemplar-001\.crop\.image\.ome\.zarr/,
    );
    await waitForView(real, { timeoutMs: 60_000 });
    const labels = await real.locator('#channels .channel .label').allInnerTexts();
    check(labels.join(',') === 'DNA,FDX1,CD1D,CD357', `the channels are ${labels.join(',')}`);
    const colours = await real
      .locator('#channels input[type=color]')
      .evaluateAll(nodes => nodes.map(n => (n as unknown as { value: string }).value));
    check(
      colours.every(c => c === '#ffffff'),
      `omero colours not applied: ${colours.join(',')}`,
    );
    // Four white channels added up would be white everywhere: only the first starts shown.
    const shown = await real
      .locator('#channels input[type=checkbox]')
      .evaluateAll(nodes => nodes.map(n => (n as unknown as { checked: boolean }).checked));
    check(shown.join(',') === 'true,false,false,false', `channels shown at first: ${shown.join(',')}`);
    await real.getByRole('checkbox', { name: 'show FDX1' }).click();
    await waitForView(real, { timeoutMs: 60_000 });
    const tissue = await pixelUnderPointer(real, 0.5, 0.5);
    check(
      typeof tissue.values[0] === 'number' &&
        typeof tissue.values[1] === 'number' &&
        tissue.values[2] === null,
      `the DNA and FDX1 values are not both shown: ${JSON.stringify(tissue)}`,
    );
    check((await litPoints(real)) > 20, 'the CyCIF tissue is drawn black');
    await ctx.screenshot('ome-zarr-vitessce');

    // Segmentation masks stored as channels: drawn as labels, every mask shown.
    await ctx.reset();
    const seg = await openFromTree(ctx, '990010', ['zarr'], /vitessce__exemplar-001\.crop\.segmentations/);
    await waitForView(seg, { timeoutMs: 60_000 });
    const masks = await seg
      .locator('#channels input[type=checkbox]')
      .evaluateAll(nodes => nodes.map(n => (n as unknown as { checked: boolean }).checked));
    check(masks.join(',') === 'true,true', `label channels shown: ${masks.join(',')}`);
    check((await litPoints(seg)) > 20, 'the segmentation labels are not drawn');
    await ctx.screenshot('ome-zarr-labels');

    // An HCS plate: the well picker opens another well's field.
    await ctx.reset();
    const plate = await openFromTree(ctx, '990010', ['zarr'], /bf2raw_plate-rows-2/);
    await waitForView(plate, { timeoutMs: 60_000 });
    await plate.getByLabel('Well').selectOption('B/1');
    await waitForView(plate, { timeoutMs: 60_000 });
    const fields = await plate.getByLabel('Field').locator('option').allInnerTexts();
    check(fields.join(',') === 'B/1/0', `the fields of well B/1 are ${fields.join(',')}`);
    check((await litPoints(plate)) > 20, 'the plate field is not drawn');
  },
};

export default scenario;
