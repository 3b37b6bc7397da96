/**
 * Event lists: AnnotationSeries (NWB 2 and 1.x), ndx-events LabeledEvents and Events, a text
 * TimeSeries timed by a rate. No fixture of the corpus has the ndx-events types or a long
 * annotation list, so h5py (libhdf5) writes a small file of each layout here.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventList } from '../../../src/nwb/events';
import { resolveView } from '../../../src/nwb/views';
import { ensureDebianPackages } from '../../support/debianPackages';
import { fixture, openNwb } from './helpers';

const NOTES = 5000;
const noteTime = (i: number): number => 2 + i * 0.25;
const noteText = (i: number): string => `note ${i}${i % 7 === 0 ? ' (reward)' : ''}`;
const LABELS = ['left', 'right', 'reward'];
const CODES = [0, 1, 0, 2, 2, 1];

const WRITE = `
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'w')
f.attrs['neurodata_type'] = 'NWBFile'
f.attrs['nwb_version'] = '2.6.0'
text = h5py.string_dtype()
g = f.create_group('/acquisition/notes')
g.attrs['neurodata_type'] = 'AnnotationSeries'
g.attrs['namespace'] = 'core'
g.create_dataset('data', data=np.array([f'note {i}' + (' (reward)' if i % 7 == 0 else '') for i in range(${NOTES})], dtype=object), dtype=text)
g.create_dataset('timestamps', data=2 + np.arange(${NOTES}) * 0.25)
g = f.create_group('/acquisition/labeled')
g.attrs['neurodata_type'] = 'LabeledEvents'
g.attrs['namespace'] = 'ndx-events'
g.attrs['labels'] = np.array(${JSON.stringify(LABELS)}, dtype=object)
g.create_dataset('timestamps', data=np.array([1.0, 1.5, 3.0, 4.0, 4.5, 8.0]))
g.create_dataset('data', data=np.array(${JSON.stringify(CODES)}, dtype='u1'))
g = f.create_group('/acquisition/ttl')
g.attrs['neurodata_type'] = 'Events'
g.attrs['namespace'] = 'ndx-events'
g.create_dataset('timestamps', data=np.array([0.5, 0.75, 10.0]))
g = f.create_group('/acquisition/rate_text')
g.attrs['neurodata_type'] = 'TimeSeries'
g.attrs['namespace'] = 'core'
g.create_dataset('data', data=np.array(['a', 'b', 'c'], dtype=object), dtype=text)
s = g.create_dataset('starting_time', data=10.0)
s.attrs['rate'] = 2.0
f.close()
`;

describe('event lists', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;

  before(() => {
    ensureDebianPackages(['python3-h5py']);
    dir = mkdtempSync(join(tmpdir(), 'events-'));
    file = join(dir, 'events.nwb');
    const run = spawnSync('/usr/bin/python3', ['-c', WRITE, file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every annotation with its time and text, and caps a long list at maxEvents', async () => {
    const nwb = await openNwb(file);
    try {
      assert.equal((await resolveView(nwb, '/acquisition/notes')).view, 'events');
      const all = await eventList(nwb, '/acquisition/notes');
      const times = new Float64Array(all.times);
      assert.equal(all.total, NOTES);
      assert.equal(times.length, NOTES);
      assert.equal(all.truncated, false);
      for (const i of [0, 1, 777, NOTES - 1]) {
        assert.equal(times[i], noteTime(i));
        assert.equal(all.labels?.[i], noteText(i));
      }
      assert.deepEqual([all.tMin, all.tMax], [noteTime(0), noteTime(NOTES - 1)]);
      assert.equal(all.labelSource, 'data');
      const first = await eventList(nwb, '/acquisition/notes', 100);
      assert.equal(new Float64Array(first.times).length, 100);
      assert.equal(first.labels?.length, 100);
      assert.equal(first.total, NOTES);
      assert.equal(first.truncated, true);
    } finally {
      await nwb.close();
    }
  });

  it('names LabeledEvents codes by their labels, lists bare Events, times a text series by its rate', async () => {
    const nwb = await openNwb(file);
    try {
      assert.equal((await resolveView(nwb, '/acquisition/labeled')).view, 'events');
      const labeled = await eventList(nwb, '/acquisition/labeled');
      assert.deepEqual(
        labeled.labels,
        CODES.map(c => LABELS[c]),
      );
      assert.equal(labeled.labelSource, 'labels');
      assert.deepEqual([...new Float64Array(labeled.times)], [1, 1.5, 3, 4, 4.5, 8]);

      assert.equal((await resolveView(nwb, '/acquisition/ttl')).view, 'events');
      const ttl = await eventList(nwb, '/acquisition/ttl');
      assert.deepEqual([...new Float64Array(ttl.times)], [0.5, 0.75, 10]);
      assert.equal(ttl.labels, undefined);

      const resolved = await resolveView(nwb, '/acquisition/rate_text');
      assert.deepEqual([resolved.view, ...resolved.alternatives], ['events', 'group']);
      const rate = await eventList(nwb, '/acquisition/rate_text');
      assert.deepEqual([...new Float64Array(rate.times)], [10, 10.5, 11]);
      assert.deepEqual(rate.labels, ['a', 'b', 'c']);
    } finally {
      await nwb.close();
    }
  });

  it('reads the AqNWB AnnotationSeries as libhdf5 stores it', async () => {
    const nwb = await openNwb(fixture('aqnwb__createAnnotationSeries.nwb'));
    try {
      const list = await eventList(nwb, '/acquisition/annotations1');
      assert.deepEqual([...new Float64Array(list.times)], [0.1, 0.5, 1]);
      assert.deepEqual(list.labels, ['Start recording', 'Subject moved', 'End recording']);
      await assert.rejects(eventList(nwb, '/acquisition'), /no timestamps/);
    } finally {
      await nwb.close();
    }
  });
});
