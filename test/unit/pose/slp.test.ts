/**
 * SLEAP `.slp` files through the project's HDF5 engine against h5py on every `.slp` fixture:
 * skeleton nodes and edges, the recorded video, and the instances each frame shows (user over
 * predicted, like SLEAP), keypoint by keypoint.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSlp, type SlpLabels } from '../../../src/pose/slp';
import { fixture, openNwb, WORKER } from '../nwb/helpers';
import { openHdf5 } from '../../../src/hdf5/engine';
import { sameCoordinates, slpReference, VIDEO_FIXTURES } from './helpers';

const SLP_FILES = readdirSync(VIDEO_FIXTURES)
  .filter(name => name.endsWith('.slp'))
  .sort();

async function open(name: string): Promise<SlpLabels> {
  const h5 = await openHdf5(
    { kind: 'local', path: join(VIDEO_FIXTURES, name) },
    { workerPath: WORKER, deadlineMs: 30_000 },
  );
  return openSlp(h5);
}

/** Frames worth checking: first, middle, last labelled, and the frames where user instances exist. */
const FRAMES: Record<string, number[]> = {
  'sleap__centered_pair_predictions.slp': [0, 1, 550, 700, 1099, 1100],
  'sleap__clip.predictions.slp': [0, 3, 749, 1499],
  'sleap__dance.mp4.labels.slp': [0, 1, 100, 225, 449],
  'sleap__small_robot_minimal.slp': [0, 1, 79],
  'sleapiojs__demo-flies13-preds.slp': [0, 500, 1000, 1349],
};

describe('pose: SLEAP .slp files against h5py', function () {
  this.timeout(120_000);

  it('has a frame list for every .slp fixture', () => {
    assert.deepEqual(SLP_FILES, Object.keys(FRAMES).sort());
  });

  for (const name of SLP_FILES) {
    it(`${name}: skeleton, video and the instances of frames ${FRAMES[name].join(', ')}`, async () => {
      const frames = FRAMES[name];
      const expected = slpReference(join(VIDEO_FIXTURES, name), frames);
      const labels = await open(name);
      try {
        assert.equal(labels.formatId, expected.formatId);
        assert.deepEqual(labels.skeletons[0], { nodes: expected.nodes, edges: expected.edges });
        assert.deepEqual(labels.videos, [expected.video]);
        const source = labels.source();
        assert.deepEqual(source.videoHints, [expected.video]);
        for (const frame of frames) {
          const got = await source.framesBetween(frame, frame);
          const want = expected.frames[String(frame)];
          if (!want.length) {
            assert.deepEqual(got, [], `frame ${frame} has no instances`);
            continue;
          }
          assert.equal(got.length, 1, `frame ${frame}`);
          assert.equal(got[0].frame, frame);
          assert.equal(got[0].instances.length, want.length, `instances on frame ${frame}`);
          got[0].instances.forEach((inst, i) => {
            const w = want[i];
            assert.equal(inst.track, w.track ?? undefined, `track of instance ${i} on frame ${frame}`);
            sameCoordinates(inst.x, w.x, `${name} frame ${frame} instance ${i} x`);
            sameCoordinates(inst.y, w.y, `${name} frame ${frame} instance ${i} y`);
            if (w.score === null) assert.equal(inst.confidence, undefined);
            else
              sameCoordinates(
                inst.confidence ?? new Float32Array(0),
                w.score,
                `${name} frame ${frame} score`,
              );
          });
        }
      } finally {
        await labels.close();
      }
    });
  }

  it('shows the user instance, not the prediction it replaced (dance frame 0)', async () => {
    const labels = await open('sleap__dance.mp4.labels.slp');
    try {
      const [frame0] = await labels.source().framesBetween(0, 0);
      // Frame 0 holds a prediction and the user instance made from it: one instance, no scores.
      assert.equal(frame0.instances.length, 1);
      assert.equal(frame0.instances[0].confidence, undefined);
    } finally {
      await labels.close();
    }
  });

  it('returns one entry per labelled frame over a range (two tracks in clip)', async () => {
    const labels = await open('sleap__clip.predictions.slp');
    try {
      assert.deepEqual(labels.tracks, ['female', 'male']);
      assert.deepEqual(labels.labeledFrames, [1500]);
      const frames = await labels.source().framesBetween(100, 149);
      assert.deepEqual(
        frames.map(f => f.frame),
        Array.from({ length: 50 }, (_, i) => 100 + i),
      );
      assert.ok(frames.every(f => f.instances.every(i => i.track === 'female' || i.track === 'male')));
      await assert.rejects(labels.source().framesBetween(0, 1e6), /at most/);
      assert.throws(() => labels.source(3), /no video 3/);
    } finally {
      await labels.close();
    }
  });

  it('refuses an HDF5 file that is not a SLEAP file, saying so', async () => {
    const nwb = await openNwb(fixture('pynwb__1.0.2_nwbfile.nwb'));
    try {
      await assert.rejects(openSlp(nwb.h5), /not a SLEAP/);
    } finally {
      await nwb.close();
    }
  });
});
