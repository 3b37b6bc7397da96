/**
 * The NWBFile as pynwb prints it: top-level fields (session_description, identifier, times,
 * experimenter, ...), the subject, devices, and sections (acquisition, each processing module,
 * stimulus, intervals, units, electrodes, imaging planes, icephys) whose objects carry a
 * neurodata_type and a one-line summary (shape, duration, rate, unit, rows).
 */
import type { H5Entry } from '../hdf5/types';
import type { NwbOverview, ObjectSummary, OverviewField, OverviewSection } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, valueToText } from './reader';
import { seriesInfo } from './timeseries';
import { resolveView } from './views';

/** [pynwb name, label, HDF5 path] in the order pynwb users expect. */
const FILE_FIELDS: [string, string, string][] = [
  ['session_description', 'Session description', '/session_description'],
  ['identifier', 'Identifier', '/identifier'],
  ['session_start_time', 'Session start time', '/session_start_time'],
  ['timestamps_reference_time', 'Timestamps reference time', '/timestamps_reference_time'],
  ['file_create_date', 'File created', '/file_create_date'],
  ['experimenter', 'Experimenter', '/general/experimenter'],
  ['experiment_description', 'Experiment description', '/general/experiment_description'],
  ['session_id', 'Session id', '/general/session_id'],
  ['institution', 'Institution', '/general/institution'],
  ['lab', 'Lab', '/general/lab'],
  ['keywords', 'Keywords', '/general/keywords'],
  ['related_publications', 'Related publications', '/general/related_publications'],
  ['notes', 'Notes', '/general/notes'],
  ['protocol', 'Protocol', '/general/protocol'],
  ['pharmacology', 'Pharmacology', '/general/pharmacology'],
  ['surgery', 'Surgery', '/general/surgery'],
  ['virus', 'Virus', '/general/virus'],
  ['stimulus_notes', 'Stimulus notes', '/general/stimulus'],
  ['data_collection', 'Data collection', '/general/data_collection'],
  ['source_script', 'Source script', '/general/source_script'],
];

const SUBJECT_FIELDS: [string, string][] = [
  ['subject_id', 'Subject id'],
  ['species', 'Species'],
  ['sex', 'Sex'],
  ['age', 'Age'],
  ['date_of_birth', 'Date of birth'],
  ['genotype', 'Genotype'],
  ['strain', 'Strain'],
  ['weight', 'Weight'],
  ['description', 'Description'],
];

export async function nwbOverview(nwb: NwbFile): Promise<NwbOverview> {
  const fields = await readFields(nwb, FILE_FIELDS);
  const subject = (await nwb.reader.exists('/general/subject'))
    ? await readFields(
        nwb,
        SUBJECT_FIELDS.map(([name, label]) => [name, label, `/general/subject/${name}`]),
      )
    : [];
  const sections: OverviewSection[] = [];
  const add = async (name: string, label: string, path: string) => {
    try {
      const items = await summarizeChildren(nwb, path);
      if (items.length) sections.push({ name, label, path, items });
    } catch (e) {
      // One unreadable group must not hide the rest of the file.
      sections.push({
        name,
        label,
        path,
        items: [{ name, path, kind: 'group', view: 'group', summary: `unreadable: ${errorText(e)}` }],
      });
    }
  };
  await add('acquisition', 'Acquisition', '/acquisition');
  if (await nwb.reader.exists('/processing')) {
    for (const module of await nwb.reader.list('/processing')) {
      if (module.kind === 'group')
        await add(`processing/${module.name}`, `Processing: ${module.name}`, module.path);
    }
  }
  await add('stimulus', 'Stimulus', '/stimulus/presentation');
  await add('stimulus_template', 'Stimulus templates', '/stimulus/templates');
  await add('intervals', 'Intervals', '/intervals');
  await addSingle(nwb, sections, 'units', 'Units', '/units');
  await addSingle(nwb, sections, 'electrodes', 'Electrodes', '/general/extracellular_ephys/electrodes');
  await add('electrode_groups', 'Electrode groups', '/general/extracellular_ephys');
  await add('imaging_planes', 'Imaging planes', '/general/optophysiology');
  await add('icephys', 'Intracellular ephys', '/general/intracellular_ephys');
  await add('analysis', 'Analysis', '/analysis');
  await add('scratch', 'Scratch', '/scratch');
  const namespaces = (await nwb.types.namespaces()).map(ns => `${ns.name} ${ns.version}`);
  return {
    nwbVersion: await nwb.version(),
    fields,
    subject,
    devices: await summarizeChildren(nwb, '/general/devices'),
    sections,
    namespaces,
  };
}

async function readFields(nwb: NwbFile, spec: [string, string, string][]): Promise<OverviewField[]> {
  const out: OverviewField[] = [];
  for (const [name, label, path] of spec) {
    const entry = await nwb.reader.entry(path);
    if (entry?.kind !== 'dataset') continue;
    try {
      const value = valueToText(await nwb.reader.scalar(path));
      if (value !== '') out.push({ name, label, value, path });
    } catch {
      // Unreadable fields are left out rather than failing the page.
    }
  }
  return out;
}

async function addSingle(
  nwb: NwbFile,
  sections: OverviewSection[],
  name: string,
  label: string,
  path: string,
): Promise<void> {
  const entry = await nwb.reader.entry(path);
  if (entry) sections.push({ name, label, path, items: [await summarize(nwb, entry)] });
}

async function summarizeChildren(nwb: NwbFile, path: string): Promise<ObjectSummary[]> {
  const entry = await nwb.reader.entry(path);
  if (entry?.kind !== 'group') return [];
  const out: ObjectSummary[] = [];
  for (const child of await nwb.reader.list(path)) {
    // Plain text fields of /general/... are shown as fields, not objects.
    if (child.kind === 'dataset' && child.neurodataType === undefined && path.startsWith('/general'))
      continue;
    if (child.name === 'electrodes' && path === '/general/extracellular_ephys') continue;
    out.push(await summarize(nwb, child));
  }
  return out;
}

export async function summarize(nwb: NwbFile, entry: H5Entry): Promise<ObjectSummary> {
  const base = {
    name: entry.name,
    path: entry.path,
    kind: entry.kind === 'group' ? 'group' : entry.kind === 'dataset' ? 'dataset' : 'link',
  } as const;
  if (entry.kind === 'externalLink' || entry.kind === 'brokenLink') {
    return {
      ...base,
      view: 'group',
      summary: `${entry.kind === 'externalLink' ? 'external link' : 'broken link'} → ${entry.target ?? '?'}`,
    };
  }
  try {
    const resolved = await resolveView(nwb, entry.path);
    return {
      ...base,
      neurodataType: resolved.neurodataType,
      view: resolved.view,
      summary: await summaryText(nwb, entry, resolved.view),
    };
  } catch (e) {
    return {
      ...base,
      neurodataType: entry.neurodataType,
      view: entry.kind === 'dataset' ? 'dataset' : 'group',
      summary: `unreadable: ${errorText(e)}`,
    };
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function summaryText(nwb: NwbFile, entry: H5Entry, view: string): Promise<string> {
  if (entry.kind === 'dataset') return `${shapeText(entry.shape ?? [])} ${entry.dtype ?? ''}`.trim();
  if (entry.kind !== 'group') return entry.target ? `→ ${entry.target}` : entry.kind;
  const colnames = await nwb.reader.attr(entry.path, 'colnames');
  if (colnames !== undefined) {
    const id = await nwb.reader.entry(joinPath(entry.path, 'id'));
    const rows = id?.shape?.[0] ?? 0;
    const columns = Array.isArray(colnames) ? colnames.length : 1;
    return `${rows} rows × ${columns} columns`;
  }
  if (view === 'timeseries' || view === 'imageSeries' || view === 'spatial') {
    try {
      const info = await seriesInfo(nwb, entry.path);
      const parts = [`${shapeText(info.shape)} ${info.dtype.display}`];
      if (info.sampleCount > 1) parts.push(`${formatSeconds(info.tEnd - info.tStart)}`);
      if (info.timing.kind === 'rate') parts.push(`at ${formatRate(info.timing.rate)}`);
      else if (info.timing.kind === 'timestamps') parts.push('timestamps');
      parts.push(`unit ${info.unit}`);
      return parts.join(' · ');
    } catch {
      // Containers such as Position fall through to the child count.
    }
  }
  return `${entry.childCount ?? 0} objects`;
}

export function shapeText(shape: number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '';
  if (s >= 3600) return `${(s / 3600).toFixed(2)} h`;
  if (s >= 60) return `${(s / 60).toFixed(2)} min`;
  if (s >= 1) return `${s.toFixed(s >= 10 ? 1 : 3)} s`;
  return `${(s * 1000).toFixed(2)} ms`;
}

export function formatRate(hz: number): string {
  if (hz >= 1000) return `${+(hz / 1000).toFixed(3)} kHz`;
  return `${+hz.toFixed(3)} Hz`;
}
