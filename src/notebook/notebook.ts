/**
 * "Open as notebook": the cells of a Jupyter notebook that streams an NWB file as the DANDI
 * quick-start does (or opens a local one with pynwb), reaches the selected object and draws what
 * the viewer shows; for a Dandiset, one that lists its assets and opens the first NWB file. Plain
 * data (no `vscode`): src/commands turns the cells into VS Code's NotebookData, and
 * {@link toIpynb} into nbformat 4.5 JSON.
 */
import {
  STREAM_IMPORTS,
  clientExpression,
  isZarrSource,
  objectLines,
  openFileLines,
  pythonString,
  streamLines,
} from '../nwb/snippet';
import type { SourceDescription, ViewKind } from '../shared/protocol';
import { PLOT_TITLES, plotCode, plotKindOf } from './plots';

export interface NotebookCell {
  kind: 'markdown' | 'code';
  source: string;
}

/** The object selected in the viewer, as the host resolved it. */
export interface SelectedObject {
  path: string;
  neurodataType?: string;
  /** The type and its ancestors (empty for an untyped object). */
  inheritance: readonly string[];
  /** The view the viewer shows for it (decides the plot of untyped objects). */
  view?: ViewKind;
}

export type NotebookSubject =
  /** A file (local or a DANDI asset), with the object to reach and plot when one is selected. */
  | { kind: 'file'; source: SourceDescription; object?: SelectedObject }
  /** A Dandiset version: list its assets, open the first NWB file. */
  | { kind: 'dandiset'; apiUrl: string; dandisetId: string; version: string; name?: string };

/** The notebook-level metadata: a Python 3 kernel. */
export const NOTEBOOK_METADATA = {
  kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
  language_info: { name: 'python' },
};

const markdown = (...lines: string[]): NotebookCell => ({ kind: 'markdown', source: lines.join('\n') });
const code = (...lines: string[]): NotebookCell => ({ kind: 'code', source: lines.join('\n') });

/**
 * Text from a file or the archive as a Markdown code span: nothing in it is Markdown or HTML.
 * The fence is longer than any run of backticks inside; line breaks and controls become spaces.
 */
export function markdownLiteral(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map(run => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

const item = (label: string, value: string): string => `- **${label}:** ${markdownLiteral(value)}`;

function installCell(packages: string): NotebookCell {
  return code('# Uncomment to install what this notebook needs:', `# %pip install ${packages}`);
}

/** Lists the objects of `nwbfile` with their types (no object selected). */
const LIST_OBJECTS = code(
  'for neurodata_object in nwbfile.objects.values():',
  '    print(f"{neurodata_object.neurodata_type:<32} {neurodata_object.name}")',
);

/** The packages a file's notebook imports. */
function installFor(source: SourceDescription): string {
  if (isZarrSource(source))
    return source.kind === 'dandi'
      ? 'dandi hdmf-zarr fsspec aiohttp pynwb matplotlib'
      : 'hdmf-zarr pynwb matplotlib';
  return source.kind === 'dandi' ? 'dandi remfile h5py pynwb matplotlib' : 'pynwb matplotlib';
}

function fileCells(source: SourceDescription, object: SelectedObject | undefined): NotebookCell[] {
  const fileName = source.path.split(/[\\/]/).filter(Boolean).pop() ?? source.path;
  const facts =
    source.kind === 'dandi'
      ? [
          item('Dandiset', source.dandisetId),
          item('Version', source.version),
          item('Asset path', source.path),
        ]
      : [item('Local file', source.path)];
  if (object) {
    facts.push(item('Object', object.path));
    if (object.neurodataType) facts.push(item('Neurodata type', object.neurodataType));
  }
  const type = object?.neurodataType;
  const title = type ? markdownLiteral(type) : object ? 'Object' : 'NWB file';
  const cells = [
    markdown(`# ${title} in ${markdownLiteral(fileName)}`, '', ...facts),
    installCell(installFor(source)),
    markdown(
      source.kind !== 'dandi'
        ? '## Open the file'
        : isZarrSource(source)
          ? '## Stream the store\nThe asset’s S3 URL, read lazily by hdmf-zarr (nothing is downloaded).'
          : '## Stream the file\nThe DANDI quick-start way: the asset’s S3 URL, read lazily with remfile, h5py and pynwb (nothing is downloaded).',
    ),
    code(...openFileLines(source), 'nwbfile'),
  ];
  if (!object) return [...cells, markdown('## Objects in the file'), LIST_OBJECTS];
  cells.push(markdown('## The selected object'), code(...objectLines(object.path)));
  const plotKind = plotKindOf(object.inheritance, object.view);
  const plot = plotCode(plotKind);
  if (plot && plotKind !== 'none')
    cells.push(markdown(`## Plot\n${PLOT_TITLES[plotKind]}, as the viewer shows it.`), code(plot));
  return cells;
}

function dandisetCells(subject: Extract<NotebookSubject, { kind: 'dandiset' }>): NotebookCell[] {
  const facts = [item('Dandiset', subject.dandisetId), item('Version', subject.version)];
  if (subject.name) facts.unshift(item('Name', subject.name));
  return [
    markdown(`# Dandiset ${markdownLiteral(subject.dandisetId)}`, '', ...facts),
    installCell('dandi remfile h5py pynwb matplotlib'),
    markdown('## The assets of this version'),
    code(
      'from dandi.dandiapi import DandiAPIClient',
      '',
      `dandiset_id = ${pythonString(subject.dandisetId)}`,
      `version = ${pythonString(subject.version)}`,
      '',
      '# embargoed Dandisets: DandiAPIClient(token="<your API key>")',
      `client = ${clientExpression(subject.apiUrl)}`,
      'dandiset = client.get_dandiset(dandiset_id, version)',
      'assets = list(dandiset.get_assets())',
      'print(f"{len(assets)} assets")',
      'for asset in assets[:50]:',
      '    print(f"{asset.size:>15,d}  {asset.path}")',
    ),
    markdown(
      '## Stream the first NWB file',
      'Read lazily with remfile, h5py and pynwb (nothing is downloaded).',
    ),
    code(
      ...STREAM_IMPORTS,
      '',
      'nwb_assets = [asset for asset in assets if asset.path.endswith(".nwb")]',
      'if not nwb_assets:',
      '    raise RuntimeError("this version has no .nwb asset")',
      'asset = nwb_assets[0]',
      'print(asset.path)',
      's3_url = asset.get_content_url(follow_redirects=1, strip_query=True)',
      ...streamLines('s3_url'),
      'nwbfile',
    ),
    markdown('## Objects in the file'),
    LIST_OBJECTS,
  ];
}

export function notebookCells(subject: NotebookSubject): NotebookCell[] {
  return subject.kind === 'dandiset' ? dandisetCells(subject) : fileCells(subject.source, subject.object);
}

/** An nbformat 4.5 notebook (the subset this extension writes). */
export interface Ipynb {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: typeof NOTEBOOK_METADATA;
  cells: IpynbCell[];
}

type IpynbCell =
  | { cell_type: 'markdown'; id: string; metadata: Record<string, never>; source: string[] }
  | {
      cell_type: 'code';
      id: string;
      metadata: Record<string, never>;
      source: string[];
      execution_count: null;
      outputs: [];
    };

/** nbformat's multiline string: lines that keep their `\n`, the last without. */
function sourceLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

export function toIpynb(cells: readonly NotebookCell[]): Ipynb {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: NOTEBOOK_METADATA,
    cells: cells.map((cell, i): IpynbCell => {
      const base = { id: `cell-${i + 1}`, metadata: {}, source: sourceLines(cell.source) };
      return cell.kind === 'markdown'
        ? { cell_type: 'markdown', ...base }
        : { cell_type: 'code', ...base, execution_count: null, outputs: [] };
    }),
  };
}
