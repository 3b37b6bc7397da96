/**
 * The host's request handlers as the webview reaches them: parameters from the webview are
 * validated (hostile or malformed input gets a clear error), group listings page, CSV export.
 */
import * as assert from 'node:assert/strict';
import { ensureGeneratedNwb, GENERATED_MANIFEST } from '../../fixtures/nwbgen/index';
import type { NwbFile } from '../../../src/nwb/nwbFile';
import { dataHandlers, type DataHandlers } from '../../../src/nwb/service';
import type { RequestContext } from '../../../src/shared/messenger';
import { openNwb } from './helpers';

const ctx: RequestContext = { signal: new AbortController().signal, id: 1 };

describe('NWB request handlers', function () {
  this.timeout(60_000);
  let nwb: NwbFile & { close(): Promise<void> };
  let handlers: DataHandlers;

  before(async () => {
    nwb = await openNwb((await ensureGeneratedNwb()).files.ecephys);
    handlers = dataHandlers(nwb, { kind: 'local', path: '/data/ecephys.nwb' });
  });
  after(() => nwb?.close());

  it('refuses malformed parameters with a clear message', async () => {
    await assert.rejects(
      handlers['series/window'](
        { path: '/acquisition/ElectricalSeries', t0: Number.NaN, t1: 1, channels: [0], pixels: 10 },
        ctx,
      ),
      /invalid t0/,
    );
    const hostile = {
      path: '/acquisition/ElectricalSeries',
      t0: 0,
      t1: 1,
      channels: ['0; rm'],
      pixels: 10,
    } as unknown as Parameters<DataHandlers['series/window']>[0];
    await assert.rejects(handlers['series/window'](hostile, ctx), /invalid channel/);
    await assert.rejects(handlers['h5/attributes']({ path: 'acquisition' }, ctx), /invalid path/);
    await assert.rejects(
      handlers['table/rows']({ path: '/units', start: 0, count: Infinity }, ctx),
      /invalid count/,
    );
    await assert.rejects(handlers['series/info']({ path: '/units' }, ctx), /has no data/);
  });

  it('pages the children of a group', async () => {
    const all = await handlers['h5/children']({ path: '/acquisition' }, ctx);
    const page = await handlers['h5/children']({ path: '/acquisition', offset: 1, limit: 1 }, ctx);
    assert.equal(page.total, all.total);
    assert.deepEqual(page.entries, all.entries.slice(1, 2));
  });

  it('exports a series window as CSV with times and physical values', async () => {
    const s = GENERATED_MANIFEST.ecephys.series.find(x => x.path === '/acquisition/temperature');
    assert.ok(s && s.timing.kind === 'rate');
    const { csv, rows } = await handlers['export/csv'](
      { what: 'series', path: s.path, t0: 6, t1: 6.1, channels: [0], save: false },
      ctx,
    );
    const lines = (csv ?? '').trim().split('\n');
    assert.equal(lines[0], 'time_s,channel 0 (degrees Celsius)');
    assert.equal(lines.length, (rows ?? 0) + 1);
    const [t, v] = lines[1].split(',').map(Number);
    const i = Math.round((t - s.timing.startingTime) * s.timing.rate);
    assert.equal(Math.fround(v), Math.fround(s.data.valueAt([i]) * s.conversion + s.offset));
  });

  it('writes the Python snippet for the object', async () => {
    const { code } = await handlers['snippet/python']({ path: '/units' }, ctx);
    assert.ok(code.includes('obj = nwbfile.units'));
  });
});
