/**
 * "Open as notebook": the plot chosen per neurodata type (through inheritance), the cells for a
 * DANDI asset, a local file and a Dandiset, nbformat validity and compiling cells (Debian's
 * python3-nbformat and python3), and names from files that cannot break out of their literals.
 */
import * as assert from 'node:assert/strict';
import {
  markdownLiteral,
  notebookCells,
  toIpynb,
  type NotebookSubject,
  type SelectedObject,
} from '../../../src/notebook/notebook';
import { plotKindOf, type PlotKind } from '../../../src/notebook/plots';
import { pythonString } from '../../../src/nwb/snippet';
import type { SourceDescription } from '../../../src/shared/protocol';
import { checkNotebook, evaluatePythonStrings } from '../../support/notebookCheck';

const ASSET: SourceDescription = {
  kind: 'dandi',
  apiUrl: 'https://api.dandiarchive.org/api',
  assetId: 'a1',
  dandisetId: '000728',
  version: '0.240827.1809',
  path: 'sub-01/sub-01_ophys.nwb',
};
const LOCAL: SourceDescription = { kind: 'local', path: '/data/session.nwb' };

/** The plot each object gets, with its type chain as the host resolves it. */
const OBJECTS: { object: SelectedObject; plot: PlotKind; expect: RegExp }[] = [
  {
    object: { path: '/processing/ophys/DfOverF', neurodataType: 'DfOverF', inheritance: ['DfOverF'] },
    plot: 'roiResponse',
    expect: /frames, rois = 1000, 5/,
  },
  {
    object: {
      path: '/processing/ophys/Fluorescence/RoiResponseSeries',
      neurodataType: 'RoiResponseSeries',
      inheritance: ['RoiResponseSeries', 'TimeSeries'],
    },
    plot: 'roiResponse',
    expect: /series\.data\[:frames, :rois\]/,
  },
  {
    object: {
      path: '/processing/ophys/ImageSegmentation/PlaneSegmentation',
      neurodataType: 'PlaneSegmentation',
      inheritance: ['PlaneSegmentation', 'DynamicTable'],
    },
    plot: 'planeSegmentation',
    expect: /"image_mask" in obj\.colnames[\s\S]*"pixel_mask" in obj\.colnames/,
  },
  {
    object: { path: '/units', neurodataType: 'Units', inheritance: ['Units', 'DynamicTable'] },
    plot: 'units',
    expect: /eventplot[\s\S]*waveform_mean/,
  },
  {
    object: {
      path: '/acquisition/CurrentClampSeries_01',
      neurodataType: 'CurrentClampSeries',
      inheritance: ['CurrentClampSeries', 'PatchClampSeries', 'TimeSeries'],
    },
    plot: 'sweep',
    expect: /intracellular_recordings[\s\S]*sweep_table/,
  },
  {
    object: {
      path: '/general/intracellular_ephys/intracellular_recordings',
      neurodataType: 'IntracellularRecordingsTable',
      inheritance: ['IntracellularRecordingsTable', 'AlignedDynamicTable', 'DynamicTable'],
    },
    plot: 'sweep',
    expect: /first_sweep\(obj\)/,
  },
  {
    object: {
      path: '/acquisition/ElectricalSeries',
      neurodataType: 'ElectricalSeries',
      inheritance: ['ElectricalSeries', 'TimeSeries'],
    },
    plot: 'timeseries',
    expect: /seconds, channels = 10\.0, 4[\s\S]*obj\.timestamps is not None[\s\S]*obj\.rate/,
  },
  {
    object: {
      path: '/acquisition/TwoPhotonSeries',
      neurodataType: 'TwoPhotonSeries',
      inheritance: ['TwoPhotonSeries', 'ImageSeries', 'TimeSeries'],
    },
    plot: 'imageSeries',
    expect: /obj\.data\[0\]/,
  },
  {
    object: { path: '/processing/ophys/SummaryImages', neurodataType: 'Images', inheritance: ['Images'] },
    plot: 'images',
    expect: /obj\.images\.values\(\)/,
  },
  {
    object: {
      path: '/processing/ophys/SummaryImages/max',
      neurodataType: 'GrayscaleImage',
      inheritance: ['GrayscaleImage', 'Image'],
    },
    plot: 'image',
    expect: /imshow\(np\.asarray\(obj\.data\)/,
  },
  {
    object: {
      path: '/intervals/trials',
      neurodataType: 'TimeIntervals',
      inheritance: ['TimeIntervals', 'DynamicTable'],
    },
    plot: 'intervals',
    expect: /axvspan/,
  },
  {
    object: {
      path: '/processing/behavior/Position/pos',
      neurodataType: 'SpatialSeries',
      inheritance: ['SpatialSeries', 'TimeSeries'],
    },
    plot: 'spatial',
    expect: /xy\[:, 0\], xy\[:, 1\]/,
  },
  {
    object: { path: '/processing/behavior/Position', neurodataType: 'Position', inheritance: ['Position'] },
    plot: 'spatial',
    expect: /obj\.spatial_series\.values\(\)/,
  },
  {
    object: {
      path: '/processing/behavior/PoseEstimation',
      neurodataType: 'PoseEstimation',
      inheritance: ['PoseEstimation'],
    },
    plot: 'pose',
    expect: /pose_estimation_series/,
  },
  {
    object: { path: '/acquisition/untyped', inheritance: [], view: 'timeseries' },
    plot: 'timeseries',
    expect: /series_times\(obj, count\)/,
  },
  {
    object: { path: '/acquisition/ts/data', inheritance: [], view: 'dataset' },
    plot: 'dataset',
    expect: /data\[:1000\]/,
  },
  {
    object: { path: '/general/subject', neurodataType: 'Subject', inheritance: ['Subject'], view: 'group' },
    plot: 'none',
    expect: /print\(obj\)/,
  },
];

const cellsOf = (subject: NotebookSubject) => notebookCells(subject);
const codeOf = (subject: NotebookSubject) =>
  cellsOf(subject)
    .filter(c => c.kind === 'code')
    .map(c => c.source);

describe('Open as notebook', () => {
  describe('the plot for each neurodata type', () => {
    for (const { object, plot, expect } of OBJECTS) {
      it(`${object.neurodataType ?? `untyped (${object.view})`} → ${plot}`, () => {
        assert.equal(plotKindOf(object.inheritance, object.view), plot);
        const code = codeOf({ kind: 'file', source: ASSET, object }).join('\n\n');
        assert.match(code, expect);
        const hasPlot = /import matplotlib\.pyplot as plt/.test(code);
        assert.equal(hasPlot, plot !== 'none', `a plot cell only when there is a plot (${plot})`);
      });
    }

    it('prefers the most specific family: a pose keypoint series is a trajectory, a TwoPhotonSeries frames', () => {
      assert.equal(plotKindOf(['PoseEstimationSeries', 'SpatialSeries', 'TimeSeries']), 'spatial');
      assert.equal(plotKindOf(['VoltageClampStimulusSeries', 'PatchClampSeries', 'TimeSeries']), 'sweep');
      assert.equal(plotKindOf(['OnePhotonSeries', 'ImageSeries', 'TimeSeries']), 'imageSeries');
      assert.equal(plotKindOf(['MyExtensionSeries', 'ElectricalSeries', 'TimeSeries']), 'timeseries');
    });

    it('validates against nbformat and compiles every code cell, for every kind of object', function () {
      this.timeout(120_000);
      for (const { object } of OBJECTS) {
        for (const source of [ASSET, LOCAL]) {
          const ipynb = JSON.stringify(toIpynb(cellsOf({ kind: 'file', source, object })));
          assert.ok(checkNotebook(ipynb).length >= 3);
        }
      }
    });
  });

  it('streams a DANDI asset as the quick-start does, then reaches the object', () => {
    const object = OBJECTS[0].object;
    const cells = cellsOf({ kind: 'file', source: ASSET, object });
    assert.deepEqual(
      cells.map(c => c.kind),
      ['markdown', 'code', 'markdown', 'code', 'markdown', 'code', 'markdown', 'code'],
    );
    const title = cells[0].source;
    for (const fact of [
      '`000728`',
      '`0.240827.1809`',
      '`sub-01/sub-01_ophys.nwb`',
      '`/processing/ophys/DfOverF`',
      '`DfOverF`',
    ])
      assert.ok(title.includes(fact), `the title names ${fact}:\n${title}`);
    assert.match(cells[1].source, /^# %pip install dandi remfile h5py pynwb matplotlib$/m);
    const stream = cells[3].source.split('\n');
    const order = [
      'from dandi.dandiapi import DandiAPIClient',
      'with DandiAPIClient() as client:',
      '    asset = client.get_dandiset(dandiset_id, version).get_asset_by_path(asset_path)',
      '    s3_url = asset.get_content_url(follow_redirects=1, strip_query=True)',
      'file = remfile.File(s3_url)',
      'h5_file = h5py.File(file, "r")',
      'io = NWBHDF5IO(file=h5_file, load_namespaces=True)',
      'nwbfile = io.read()',
    ].map(line => stream.indexOf(line));
    assert.ok(
      order.every(i => i >= 0),
      `every step of the recipe is there:\n${cells[3].source}`,
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'in the quick-start order',
    );
    assert.match(cells[5].source, /^obj = nwbfile\.processing\["ophys"\]\["DfOverF"\]$/m);
  });

  it('names a custom instance by its API URL', () => {
    const source = { ...ASSET, apiUrl: 'http://127.0.0.1:8123/api' };
    const code = codeOf({ kind: 'file', source }).join('\n');
    assert.ok(code.includes('DandiAPIClient(api_url="http://127.0.0.1:8123/api")'));
    const dandiset = codeOf({
      kind: 'dandiset',
      apiUrl: source.apiUrl,
      dandisetId: '000001',
      version: 'draft',
    });
    assert.ok(dandiset.join('\n').includes('client = DandiAPIClient(api_url="http://127.0.0.1:8123/api")'));
  });

  it('opens a local file with pynwb alone', () => {
    const code = codeOf({ kind: 'file', source: LOCAL, object: OBJECTS[3].object }).join('\n');
    assert.ok(code.includes('io = NWBHDF5IO("/data/session.nwb", mode="r", load_namespaces=True)'));
    assert.ok(!/remfile|DandiAPIClient/.test(code.replace(/^#.*$/gm, '')), 'no streaming for a local file');
    assert.match(code, /^# %pip install pynwb matplotlib$/m);
  });

  it('opens an NWB-Zarr store with hdmf-zarr, locally and from DANDI', () => {
    const object = OBJECTS[0].object;
    const local = codeOf({ kind: 'file', source: { kind: 'local', path: '/data/x.nwb.zarr' }, object });
    assert.ok(local.join('\n').includes('io = NWBZarrIO("/data/x.nwb.zarr", mode="r")'));
    const remote = codeOf({ kind: 'file', source: { ...ASSET, path: 'sub-01/x.nwb.zarr' }, object }).join(
      '\n',
    );
    assert.ok(remote.includes('    s3_url = asset.get_content_url(follow_redirects=1, strip_query=True)'));
    assert.ok(remote.includes('io = NWBZarrIO(s3_url, mode="r")'));
    assert.ok(!/h5py|remfile/.test(remote.replace(/^#.*$/gm, '')), 'no HDF5 readers for a Zarr store');
    assert.match(remote, /^# %pip install dandi hdmf-zarr fsspec aiohttp pynwb matplotlib$/m);
    assert.ok(
      checkNotebook(
        JSON.stringify(toIpynb(cellsOf({ kind: 'file', source: { ...ASSET, path: 'x.nwb.zarr' }, object }))),
      ).length >= 3,
    );
  });

  it('lists a Dandiset’s assets and streams its first NWB file', () => {
    const subject: NotebookSubject = {
      kind: 'dandiset',
      apiUrl: 'https://api.dandiarchive.org/api/',
      dandisetId: '000728',
      version: 'draft',
      name: 'Allen `Institute` <b>name</b>',
    };
    const cells = cellsOf(subject);
    const code = cells
      .filter(c => c.kind === 'code')
      .map(c => c.source)
      .join('\n');
    for (const line of [
      'client = DandiAPIClient()',
      'dandiset = client.get_dandiset(dandiset_id, version)',
      'assets = list(dandiset.get_assets())',
      'nwb_assets = [asset for asset in assets if asset.path.endswith(".nwb")]',
      's3_url = asset.get_content_url(follow_redirects=1, strip_query=True)',
      'io = NWBHDF5IO(file=h5_file, load_namespaces=True)',
    ])
      assert.ok(code.split('\n').includes(line), `the Dandiset notebook has: ${line}\n${code}`);
    assert.ok(cells[0].source.includes('- **Name:** ``Allen `Institute` <b>name</b>``'), cells[0].source);
    assert.ok(checkNotebook(JSON.stringify(toIpynb(cells))).length >= 3);
  });

  it('a file from the tree without a selected object lists the file’s objects', () => {
    const cells = cellsOf({ kind: 'file', source: ASSET });
    assert.match(cells[cells.length - 1].source, /nwbfile\.objects\.values\(\)/);
    assert.ok(!cells.some(c => /import matplotlib/.test(c.source)));
  });

  it('writes nbformat 4.5 with a python3 kernelspec, ids and multiline sources', () => {
    const ipynb = toIpynb(cellsOf({ kind: 'file', source: ASSET, object: OBJECTS[0].object }));
    assert.equal(ipynb.nbformat, 4);
    assert.equal(ipynb.nbformat_minor, 5);
    assert.equal(ipynb.metadata.kernelspec.name, 'python3');
    const ids = ipynb.cells.map(c => c.id);
    assert.equal(new Set(ids).size, ids.length, 'cell ids are unique');
    for (const cell of ipynb.cells) {
      cell.source.slice(0, -1).forEach(line => assert.ok(line.endsWith('\n')));
      assert.ok(!cell.source[cell.source.length - 1].endsWith('\n'));
    }
  });

  describe('names from files', () => {
    const HOSTILE = [
      'a"b\'c',
      'line\nbreak\r\n',
      'x"""; import os; os.system("rm -rf ~") #',
      'back\\slash\\',
      'nul\u0000bell\u0007del\u007f c1\u0085',
      'sep\u2028para\u2029',
      'trojan\u202e\u2066evil\u2069\u202c',
      'bom\ufeff',
      'lone \ud800 high and \udc00 low',
      'emoji 🧠 and ü, 日本語',
      '`code` <script>alert(1)</script> | pipe',
    ];

    it('Python reads every name back exactly from its literal', function () {
      this.timeout(30_000);
      const literals = HOSTILE.map(pythonString);
      for (const literal of literals) {
        assert.ok(!/[\n\r\u2028\u2029\u0085]/.test(literal), `one line: ${JSON.stringify(literal)}`);
        assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(literal), `no bidi controls: ${literal}`);
      }
      assert.deepEqual(evaluatePythonStrings(literals), HOSTILE);
    });

    it('a hostile asset path and object path leave the notebook valid and its code intact', function () {
      this.timeout(60_000);
      // An HDF5 name holds anything but '/' (where a path splits).
      for (const name of HOSTILE.map(text => text.replaceAll('/', '\\'))) {
        const source = { ...ASSET, path: `sub-01/${name}.nwb` };
        const object: SelectedObject = {
          path: `/acquisition/${name}`,
          neurodataType: `Type${name}`,
          inheritance: ['TimeSeries'],
        };
        const cells = cellsOf({ kind: 'file', source, object });
        const sources = checkNotebook(JSON.stringify(toIpynb(cells)));
        const objectCell = sources.find(s => s.startsWith('obj = ')) ?? '';
        const literal = objectCell.match(/^obj = nwbfile\.acquisition\[(.*)\]$/m)?.[1];
        assert.ok(literal, `the object is reached by one subscript:\n${objectCell}`);
        assert.deepEqual(evaluatePythonStrings([literal]), [name]);
        // The Markdown title keeps every value inside code spans, on its own line.
        const title = cells[0].source.split('\n');
        assert.equal(title.length, 7, `one line per fact:\n${cells[0].source}`);
      }
    });

    it('Markdown code spans outlast any run of backticks in the text', () => {
      assert.equal(markdownLiteral('plain'), '`plain`');
      assert.equal(markdownLiteral('a `b` c'), '``a `b` c``');
      assert.equal(markdownLiteral('``x'), '``` ``x ```');
      assert.equal(markdownLiteral('two\nlines'), '`two lines`');
    });
  });
});
