/** CSV text of what a view shows: a series window (raw samples), table rows, or a 1-D/2-D dataset slice. */
import type { H5Value } from '../hdf5/types';
import type { CsvExportParams } from '../shared/protocol';
import { datasetSlice } from './inspect';
import type { NwbFile } from './nwbFile';
import { valueToText } from './reader';
import { sampleRange, sampleTimes } from './seriesTime';
import { MAX_ROWS_PER_REQUEST, tableRows } from './table';
import { seriesInfo } from './timeseries';

export async function exportCsv(
  nwb: NwbFile,
  params: CsvExportParams,
  signal?: AbortSignal,
): Promise<{ csv: string; rows: number }> {
  switch (params.what) {
    case 'series':
      return seriesCsv(nwb, params.path, params.t0, params.t1, params.channels, signal);
    case 'table':
      return tableCsv(nwb, params.path, params.start, params.count, signal);
    case 'dataset':
      return datasetCsv(nwb, params, signal);
  }
}

async function seriesCsv(
  nwb: NwbFile,
  path: string,
  t0: number,
  t1: number,
  channels: number[],
  signal?: AbortSignal,
) {
  const info = await seriesInfo(nwb, path);
  const picked = channels.length ? channels : [0];
  const [start, end] = await sampleRange(nwb, info, t0, t1);
  const count = end - start;
  if (count * info.channelCount > nwb.limits.maxElements)
    throw new Error(`the window has ${count} samples; zoom in to export it`);
  const sel =
    info.shape.length === 1
      ? { start: [start], count: [count] }
      : { start: [start, ...info.shape.slice(1).map(() => 0)], count: [count, ...info.shape.slice(1)] };
  const raw = await nwb.reader.readNumbers(info.dataPath, sel, { signal });
  const time = await sampleTimes(nwb, info, start, count, signal);
  const labels = picked.map(c => info.channelLabels?.[c] ?? `channel ${c}`);
  const lines = [['time_s', ...labels.map(l => `${l} (${info.unit})`)].map(cell).join(',')];
  for (let i = 0; i < count; i++) {
    const row = [String(time[i])];
    for (const c of picked) row.push(String(raw[i * info.channelCount + c] * info.conversion + info.offset));
    lines.push(row.join(','));
  }
  return { csv: lines.join('\n') + '\n', rows: count };
}

async function tableCsv(nwb: NwbFile, path: string, start: number, count: number, signal?: AbortSignal) {
  const lines: string[] = [];
  let written = 0;
  let header: string[] | null = null;
  for (let s = start; written < count;) {
    const page = await tableRows(
      nwb,
      path,
      s,
      Math.min(MAX_ROWS_PER_REQUEST, count - written),
      undefined,
      signal,
    );
    if (!header) {
      header = ['id', ...page.columns];
      lines.push(header.map(cell).join(','));
    }
    if (page.ids.length === 0) break;
    page.ids.forEach((id, i) =>
      lines.push([String(id), ...page.rows[i].map(v => cell(valueToText(v)))].join(',')),
    );
    written += page.ids.length;
    s += page.ids.length;
  }
  return { csv: lines.join('\n') + '\n', rows: written };
}

async function datasetCsv(
  nwb: NwbFile,
  params: Extract<CsvExportParams, { what: 'dataset' }>,
  signal?: AbortSignal,
) {
  const slice = await datasetSlice(nwb, params, signal);
  const values: H5Value[] =
    slice.kind === 'numeric' ? Array.from(new Float64Array(slice.data)) : slice.values;
  const width = slice.shape.length >= 2 ? slice.shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += width)
    lines.push(
      values
        .slice(i, i + width)
        .map(v => cell(valueToText(v)))
        .join(','),
    );
  return { csv: lines.join('\n') + '\n', rows: lines.length };
}

/** RFC 4180 quoting. */
function cell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
