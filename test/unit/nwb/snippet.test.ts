/** The Python snippets: the DANDI streaming recipe for remote assets, pynwb for local files, and pynwb accessors. */
import * as assert from 'node:assert/strict';
import { pynwbAccessor, pythonSnippet } from '../../../src/nwb/snippet';

describe('Python snippet', () => {
  it('maps HDF5 paths to pynwb attributes', () => {
    assert.equal(pynwbAccessor('/'), 'nwbfile');
    assert.equal(pynwbAccessor('/acquisition/ElectricalSeries'), 'nwbfile.acquisition["ElectricalSeries"]');
    assert.equal(
      pynwbAccessor('/acquisition/ElectricalSeries/data'),
      'nwbfile.acquisition["ElectricalSeries"].data',
    );
    assert.equal(
      pynwbAccessor('/processing/ophys/ImageSegmentation/PlaneSegmentation'),
      'nwbfile.processing["ophys"]["ImageSegmentation"]["PlaneSegmentation"]',
    );
    assert.equal(pynwbAccessor('/units/spike_times'), 'nwbfile.units.spike_times');
    assert.equal(pynwbAccessor('/intervals/trials'), 'nwbfile.trials');
    assert.equal(pynwbAccessor('/general/extracellular_ephys/electrodes'), 'nwbfile.electrodes');
    assert.equal(pynwbAccessor('/general/subject'), 'nwbfile.subject');
    assert.equal(pynwbAccessor('/stimulus/presentation/stim 1'), 'nwbfile.stimulus["stim 1"]');
    assert.equal(pynwbAccessor('/specifications/core'), null);
  });

  it('streams a DANDI asset with DandiAPIClient, remfile, h5py and pynwb', () => {
    const code = pythonSnippet(
      {
        kind: 'dandi',
        apiUrl: 'https://api.dandiarchive.org/api',
        assetId: 'abc',
        dandisetId: '000003',
        version: 'draft',
        path: 'sub-01/sub-01.nwb',
      },
      '/units',
    );
    for (const line of [
      'from dandi.dandiapi import DandiAPIClient',
      'with DandiAPIClient() as client:',
      '    asset = client.get_dandiset(dandiset_id, version).get_asset_by_path(asset_path)',
      '    s3_url = asset.get_content_url(follow_redirects=1, strip_query=True)',
      'file = remfile.File(s3_url)',
      'h5_file = h5py.File(file, "r")',
      'io = NWBHDF5IO(file=h5_file, load_namespaces=True)',
      'asset_path = "sub-01/sub-01.nwb"',
      'obj = nwbfile.units',
    ]) {
      assert.ok(code.split('\n').includes(line), `snippet has: ${line}\n${code}`);
    }
  });

  it('names a non-default instance and quotes hostile names safely', () => {
    const code = pythonSnippet(
      {
        kind: 'dandi',
        apiUrl: 'http://127.0.0.1:9000/api',
        assetId: 'x',
        dandisetId: '000001',
        version: '0.1.0',
        path: 'a"b\n.nwb',
      },
      '/acquisition/evil"\nname',
    );
    assert.ok(code.includes('DandiAPIClient(api_url="http://127.0.0.1:9000/api")'));
    assert.ok(code.includes('asset_path = "a\\"b\\n.nwb"'));
    assert.ok(code.includes('nwbfile.acquisition["evil\\"\\nname"]'));
  });

  it('opens a local file with pynwb', () => {
    const code = pythonSnippet({ kind: 'local', path: '/data/x.nwb' }, '/acquisition/ts');
    assert.ok(code.includes('io = NWBHDF5IO("/data/x.nwb", mode="r", load_namespaces=True)'));
    assert.ok(code.includes('obj = nwbfile.acquisition["ts"]'));
  });
});
