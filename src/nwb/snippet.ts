/**
 * Python that opens exactly the selected object: for a DANDI asset the streaming recipe of the
 * DANDI quick-start (DandiAPIClient → S3 URL → remfile → h5py → pynwb), for a local file pynwb.
 * The object is reached through pynwb's attributes where there is one (nwbfile.acquisition["x"],
 * nwbfile.units, ...), with the h5py path alongside.
 */
import type { SourceDescription } from '../shared/protocol';
import { trimSlashes } from '../dandi/instances';

const DEFAULT_API = 'https://api.dandiarchive.org/api';

/** pynwb attributes of series and tables that are reached with `.name` rather than `["name"]`. */
const FIELDS = new Set([
  'data',
  'timestamps',
  'starting_time',
  'control',
  'control_description',
  'sync',
  'electrodes',
  'rois',
  'external_file',
  'starting_frame',
  'format',
  'dimension',
  'imaging_plane',
  'device',
  'reference_images',
  'confidence',
  'nodes',
  'edges',
  'skeleton',
  'waveform_mean',
  'waveform_sd',
  'spike_times',
  'obs_intervals',
  'id',
  'image_mask',
  'pixel_mask',
  'voxel_mask',
]);

/** Python's escapes for these; other characters that need one get \xHH or \uHHHH. */
const NAMED: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Code units written as escapes: controls (C0, DEL, C1), line and paragraph separators (editors
 * split lines on them), lone surrogate halves, the BOM, and the bidi controls that make code read
 * differently from how it runs ("Trojan Source").
 */
function needsEscape(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0xd800 && code <= 0xdfff) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    [0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0xfeff].includes(code)
  );
}

const hex = (code: number, width: number): string => code.toString(16).padStart(width, '0');

/**
 * A double-quoted Python string literal of any text (a name or path read from a file or the
 * archive): it cannot end early, span lines or hide characters, whatever the text holds.
 */
export function pythonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += ch + text[++i]; // a well-formed pair is a character like any other
    } else if (NAMED[ch] !== undefined) out += NAMED[ch];
    else if (needsEscape(code)) out += code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
    else out += ch;
  }
  return `${out}"`;
}

const py = pythonString;

/** `DandiAPIClient()` for the main archive, with `api_url` for another instance. */
export function clientExpression(apiUrl: string): string {
  return trimSlashes(apiUrl) === DEFAULT_API ? 'DandiAPIClient()' : `DandiAPIClient(api_url=${py(apiUrl)})`;
}

/**
 * Python that sets `variable` to a remote asset's S3 URL through DandiAPIClient (the imports it
 * needs first), as the DANDI quick-start does.
 */
export function assetUrlLines(
  source: Exclude<SourceDescription, { kind: 'local' }>,
  variable: string,
): string[] {
  const client = clientExpression(source.apiUrl);
  return [
    'from dandi.dandiapi import DandiAPIClient',
    '',
    `dandiset_id = ${py(source.dandisetId)}`,
    `version = ${py(source.version)}`,
    `asset_path = ${py(source.path)}`,
    '',
    '# embargoed Dandisets: DandiAPIClient(token="<your API key>") and get_content_url(follow_redirects=1)',
    `with ${client} as client:`,
    '    asset = client.get_dandiset(dandiset_id, version).get_asset_by_path(asset_path)',
    `    ${variable} = asset.get_content_url(follow_redirects=1, strip_query=True)`,
  ];
}

/** pynwb expression for an HDF5 path, or null when pynwb has no attribute for it. */
export function pynwbAccessor(path: string): string | null {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return 'nwbfile';
  const item = (name: string) => `[${py(name)}]`;
  const [head, ...rest] = parts;
  let base: string | null = null;
  let remaining: string[] = [];
  const take = (expr: string, consumed: number) => {
    base = expr;
    remaining = parts.slice(consumed);
  };
  if (head === 'acquisition' && rest.length) take(`nwbfile.acquisition${item(rest[0])}`, 2);
  else if (head === 'analysis' && rest.length) take(`nwbfile.analysis${item(rest[0])}`, 2);
  else if (head === 'scratch' && rest.length) take(`nwbfile.scratch${item(rest[0])}`, 2);
  else if (head === 'processing' && rest.length) {
    take(`nwbfile.processing${item(rest[0])}`, 2);
    if (rest.length > 1) take(`${base}${item(rest[1])}`, 3);
  } else if (head === 'stimulus' && rest[0] === 'presentation' && rest.length > 1)
    take(`nwbfile.stimulus${item(rest[1])}`, 3);
  else if (head === 'stimulus' && rest[0] === 'templates' && rest.length > 1)
    take(`nwbfile.stimulus_template${item(rest[1])}`, 3);
  else if (head === 'units') take('nwbfile.units', 1);
  else if (head === 'intervals' && rest[0] === 'trials') take('nwbfile.trials', 2);
  else if (head === 'intervals' && rest[0] === 'epochs') take('nwbfile.epochs', 2);
  else if (head === 'intervals' && rest.length) take(`nwbfile.intervals${item(rest[0])}`, 2);
  else if (head === 'general') {
    const [g, name] = rest;
    if (g === 'subject') take('nwbfile.subject', 2);
    else if (g === 'devices' && name) take(`nwbfile.devices${item(name)}`, 3);
    else if (g === 'extracellular_ephys' && name === 'electrodes') take('nwbfile.electrodes', 3);
    else if (g === 'extracellular_ephys' && name) take(`nwbfile.electrode_groups${item(name)}`, 3);
    else if (g === 'optophysiology' && name) take(`nwbfile.imaging_planes${item(name)}`, 3);
    else if (g === 'intracellular_ephys' && name === 'sweep_table') take('nwbfile.sweep_table', 3);
    else if (g === 'intracellular_ephys' && name === 'intracellular_recordings')
      take('nwbfile.intracellular_recordings', 3);
    else if (g === 'intracellular_ephys' && name) take(`nwbfile.icephys_electrodes${item(name)}`, 3);
  }
  if (base === null) return null;
  // Known fields are attributes (series.data); anything else is a container item or table column.
  let expr: string = base;
  for (const name of remaining) expr += FIELDS.has(name) ? `.${name}` : item(name);
  return expr;
}

/** Python that sets `obj` to the object at `path` (pynwb, else h5py) and prints it; needs `nwbfile` and `h5_file`. */
export function objectLines(path: string): string[] {
  const accessor = pynwbAccessor(path);
  return accessor
    ? [`obj = ${accessor}`, `# the same object through h5py: h5_file[${py(path)}]`, 'print(obj)']
    : [`obj = h5_file[${py(path)}]  # no pynwb attribute for this path`, 'print(obj)'];
}

/** Python that opens the NWB file at `url_variable` (an S3 URL) lazily: remfile, h5py, pynwb. */
export function streamLines(urlVariable: string): string[] {
  return [
    `file = remfile.File(${urlVariable})`,
    'h5_file = h5py.File(file, "r")',
    'io = NWBHDF5IO(file=h5_file, load_namespaces=True)',
    'nwbfile = io.read()',
  ];
}

/** The imports {@link streamLines} needs. */
export const STREAM_IMPORTS = ['import h5py', 'import remfile', 'from pynwb import NWBHDF5IO'];

/** An NWB-Zarr store (hdmf-zarr) rather than an HDF5 file. */
export function isZarrSource(source: SourceDescription): boolean {
  return /\.zarr\/?$/i.test(source.path);
}

/**
 * Python that sets `nwbfile` and `h5_file` for a source: the h5py file under pynwb, or for an
 * NWB-Zarr store (hdmf-zarr's NWBZarrIO, remote through fsspec) its root Zarr group.
 */
export function openFileLines(source: SourceDescription): string[] {
  if (isZarrSource(source)) {
    const where = source.kind === 'local' ? [] : ['', ...assetUrlLines(source, 's3_url')];
    return [
      'from hdmf_zarr.nwb import NWBZarrIO',
      ...where,
      '',
      `io = NWBZarrIO(${source.kind === 'local' ? py(source.path) : 's3_url'}, mode="r")`,
      'nwbfile = io.read()',
      'h5_file = io.file  # the root Zarr group (named as for HDF5, so the lines below read alike)',
    ];
  }
  if (source.kind === 'local') {
    return [
      'from pynwb import NWBHDF5IO',
      '',
      `io = NWBHDF5IO(${py(source.path)}, mode="r", load_namespaces=True)`,
      'nwbfile = io.read()',
      'h5_file = io._file',
    ];
  }
  return [...STREAM_IMPORTS, ...assetUrlLines(source, 's3_url'), '', ...streamLines('s3_url')];
}

export function pythonSnippet(source: SourceDescription, path: string): string {
  return [...openFileLines(source), '', ...objectLines(path), ''].join('\n');
}
