/**
 * Event lists: a time per event and, when the object has one, a text per event. AnnotationSeries
 * (NWB 2 and 1.x) and any TimeSeries whose data are text; ndx-events Events (times only),
 * LabeledEvents and TTLs (integer data named by a `labels` attribute).
 */
import type { EventList } from '../shared/protocol';
import { toArrayBuffer } from '../shared/binary';
import type { NwbFile } from './nwbFile';
import { joinPath, toNumber, valueToStrings, valueToText } from './reader';

const DEFAULT_MAX_EVENTS = 200_000;

/** Types shown as event lists whatever their data (the TimeSeries with text data are added by the registry). */
export const EVENT_TYPES = ['AnnotationSeries', 'Events', 'LabeledEvents', 'TTLs'] as const;

export async function eventList(
  nwb: NwbFile,
  path: string,
  maxEvents = DEFAULT_MAX_EVENTS,
  signal?: AbortSignal,
): Promise<EventList> {
  const r = nwb.reader;
  const dataEntry = await r.entry(joinPath(path, 'data'));
  const data = dataEntry?.kind === 'dataset' ? await r.datasetInfo(dataEntry.path) : null;
  const timestamps = await r.entry(joinPath(path, 'timestamps'));
  const startPath = joinPath(path, 'starting_time');
  let total: number;
  let times: Float64Array;
  if (timestamps?.kind === 'dataset') {
    total = (await r.datasetInfo(timestamps.path)).shape[0] ?? 0;
    if (data && data.shape.length > 0) total = Math.min(total, data.shape[0]);
    const n = Math.min(total, Math.max(1, maxEvents));
    times =
      n > 0
        ? await r.readNumbers(timestamps.path, { start: [0], count: [n] }, { signal })
        : new Float64Array(0);
  } else if ((await r.exists(startPath)) && data && data.shape.length > 0) {
    const start = toNumber(await r.scalar(startPath)) ?? 0;
    const rate = (await r.attrNumber(startPath, 'rate')) ?? NaN;
    if (!(rate > 0)) throw new Error(`${path} has starting_time without a positive rate`);
    total = data.shape[0];
    times = Float64Array.from(
      { length: Math.min(total, Math.max(1, maxEvents)) },
      (_, i) => start + i / rate,
    );
  } else {
    throw new Error(`${path} has no timestamps (nor starting_time with data) to place its events`);
  }
  const n = times.length;
  const [tMin, tMax] = minMax(times);
  const result: EventList = {
    path,
    total,
    times: toArrayBuffer(times),
    truncated: n < total,
    tMin,
    tMax,
  };
  if (data && dataEntry && n > 0 && data.shape.length === 1) {
    const values = await r.readValues(dataEntry.path, { start: [0], count: [n] }, { signal });
    if (data.dtype.class === 'string') {
      result.labels = values.map(valueToText);
      result.labelSource = 'data';
    } else {
      // LabeledEvents / TTLs: data index into `labels` (on the group in ndx-events 0.2, on data before).
      const names = valueToStrings(
        (await r.attr(path, 'labels')) ?? (await r.attr(dataEntry.path, 'labels')),
      );
      result.labels = values.map(v => {
        const k = toNumber(v);
        return k !== undefined && Number.isInteger(k) && names[k] ? names[k] : valueToText(v);
      });
      result.labelSource = names.length ? 'labels' : 'data';
    }
  }
  return result;
}

/** [min, max] of the finite values (times may hold NaN for events that were never placed). */
function minMax(values: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values)
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : [0, 0];
}
