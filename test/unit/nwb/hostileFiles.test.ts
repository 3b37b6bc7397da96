/**
 * Small files that would expand into the host's memory: a ~50 KB gzip file whose ndx-pose
 * skeleton `edges` holds 50 million zeros, and a PlaneSegmentation with one ROI of 200,000
 * pixels. Written at test time by the project's own writer; every view's request on every object
 * ends in a result or a clear error, and the host's heap grows by less than {@link HEAP_BOUND}.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNwbRoot, writeTimeSeries } from '../../fixtures/nwbgen/nwbObjects';
import { ndxPoseNamespace } from '../../fixtures/nwbgen/specs';
import { createH5File, type NumericArray, NwbWriter } from '../../fixtures/nwbgen/writer';
import { dataHandlers } from '../../../src/nwb/service';
import type { RoiSet } from '../../../src/shared/protocol';
import { everyRequest } from './everyRequest';
import { openNwb } from './helpers';

const EDGE_ROWS = 25_000_000; // × 2 columns = 50 million zeros
const MASK_PIXELS = 200_000;
const POSE = '/processing/behavior/PoseEstimation';
const SEGMENTATION = '/processing/ophys/ImageSegmentation/PlaneSegmentation';
/** Growth of heapUsed + arrayBuffers across all requests of a file (the default read limit is 4M elements). */
const HEAP_BOUND = 256 * 1024 * 1024;

async function writeHostile(path: string): Promise<void> {
  const w = new NwbWriter(await createH5File(path), 'hostile');
  try {
    writeNwbRoot(w, {
      identifier: 'hostile',
      sessionDescription: 'memory bombs',
      extensions: [ndxPoseNamespace()],
    });
    w.typedGroup('/processing/behavior', 'ProcessingModule', 'core', { description: 'pose' });
    w.typedGroup(POSE, 'PoseEstimation', 'ndx-pose');
    w.dataset(`${POSE}/nodes`, { dtype: 'string', values: () => ['nose', 'tail'] });
    w.dataset(
      `${POSE}/edges`,
      { dtype: '<B', shape: [EDGE_ROWS, 2], values: () => new Uint8Array(EDGE_ROWS * 2) },
      {},
      { chunks: [2_000_000, 2], gzip: 9 },
    );
    writeTimeSeries(w, {
      path: `${POSE}/nose`,
      neurodataType: 'PoseEstimationSeries',
      namespace: 'ndx-pose',
      description: 'a small series beside the huge skeleton',
      unit: 'pixels',
      conversion: 1,
      offset: 0,
      resolution: -1,
      dtype: '<d',
      shape: [100, 2],
      timing: { kind: 'rate', rate: 10, startingTime: 0 },
      data: { text: 'i', valueAt: ([i]) => i },
    });
    w.typedGroup('/processing/ophys', 'ProcessingModule', 'core', { description: 'ophys' });
    w.typedGroup('/processing/ophys/ImageSegmentation', 'ImageSegmentation', 'core');
    w.typedGroup(SEGMENTATION, 'PlaneSegmentation', 'core', {
      description: 'one ROI of 200,000 pixels',
      colnames: ['pixel_mask'],
    });
    w.dataset(`${SEGMENTATION}/id`, { dtype: '<i', values: () => [0] });
    w.dataset(
      `${SEGMENTATION}/pixel_mask`,
      {
        dtype: [
          ['x', '<I'],
          ['y', '<I'],
          ['weight', '<f'],
        ],
        count: MASK_PIXELS,
        values: () =>
          new Map<string, NumericArray>([
            ['x', Uint32Array.from({ length: MASK_PIXELS }, (_, i) => i % 500)],
            ['y', Uint32Array.from({ length: MASK_PIXELS }, (_, i) => Math.floor(i / 500))],
            ['weight', new Float32Array(MASK_PIXELS).fill(1)],
          ]),
      },
      {},
      { chunks: [50_000], gzip: 9 },
    );
    w.dataset(`${SEGMENTATION}/pixel_mask_index`, { dtype: '<I', values: () => [MASK_PIXELS] });
  } finally {
    w.close();
  }
}

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('files that would exhaust the host memory', function () {
  this.timeout(120_000);
  let dir = '';
  let file = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dandi-hostile-'));
    file = join(dir, 'hostile.nwb');
    await writeHostile(file);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is small on disk', () => {
    assert.ok(statSync(file).size < 1024 * 1024, `${statSync(file).size} bytes`);
  });

  it('answers every request on every object with a result or a clear error, within the heap bound', async () => {
    const nwb = await openNwb(file);
    try {
      const handlers = dataHandlers(nwb, { kind: 'local', path: file });
      global.gc?.();
      const before = used();
      const paths = ['/', POSE, `${POSE}/edges`, `${POSE}/nose`, SEGMENTATION, `${SEGMENTATION}/pixel_mask`];
      const outcomes = new Map<string, Awaited<ReturnType<typeof everyRequest>>>();
      for (const path of paths) outcomes.set(path, await everyRequest(handlers, path));
      const grew = used() - before;
      assert.ok(grew < HEAP_BOUND, `the heap grew by ${Math.round(grew / 2 ** 20)} MiB`);

      const of = (path: string, method: string) => outcomes.get(path)?.find(o => o.method === method);
      // The skeleton's 50 million edges are refused by the read limit, with the reason.
      const pose = of(POSE, 'spatial/trajectory');
      assert.equal(pose?.ok, false);
      assert.match(pose?.message ?? '', /exceeds the limit of 4000000/);
      assert.match(of(`${POSE}/edges`, 'dataset/slice')?.message ?? '', /limit/);
      // The series beside it still reads.
      assert.equal(of(`${POSE}/nose`, 'spatial/trajectory')?.ok, true);
      // 200,000 pixels in one ROI are shown (no spread over them).
      assert.equal(of(SEGMENTATION, 'rois')?.ok, true, of(SEGMENTATION, 'rois')?.message);
      const rois = of(SEGMENTATION, 'rois')?.result as RoiSet;
      assert.equal(rois.x.byteLength / 4, MASK_PIXELS);
      assert.equal(rois.height, 500);
      assert.equal(rois.width, MASK_PIXELS / 500);
    } finally {
      await nwb.close();
    }
  });

  it('keeps to a lower maxSliceElements setting: the 200,000-pixel mask is refused, clearly', async () => {
    const nwb = await openNwb(file, { maxElements: 100_000 });
    try {
      const handlers = dataHandlers(nwb, { kind: 'local', path: file });
      await assert.rejects(
        handlers.rois({ path: SEGMENTATION }, { signal: new AbortController().signal, id: 1 }),
        /exceeds the limit of 100000/,
      );
    } finally {
      await nwb.close();
    }
  });
});
