/**
 * NWB 1.x UnitTimes (`/processing/<module>/UnitTimes/<unit>/times`): one group per unit with its
 * spike times, answered as the same {@link UnitsRaster} the Units table gives, so the units view
 * draws both.
 */
import type { UnitsRaster } from '../shared/protocol';
import type { NwbFile } from './nwbFile';
import { joinPath, valueToText } from './reader';
import { rasterWindow } from './units';

const MAX_PAGE = 1000;
/** Descriptions that say nothing (NWB 1 writers filled the required field with these). */
const EMPTY_DESCRIPTIONS = new Set(['', 'none', 'n/a', 'na', 'no description']);

/** The unit groups of a UnitTimes: children with a `times` dataset, in the file's order. */
async function unitTimesUnits(nwb: NwbFile, path: string): Promise<{ name: string; times: string }[]> {
  const units: { name: string; times: string }[] = [];
  for (const child of await nwb.reader.list(path)) {
    if (child.kind !== 'group') continue;
    const times = await nwb.reader.entry(joinPath(child.path, 'times'));
    if (times?.kind === 'dataset') units.push({ name: child.name, times: times.path });
  }
  return units;
}

export async function unitTimesRaster(
  nwb: NwbFile,
  path: string,
  unitStart: number,
  unitCount: number,
  t0?: number,
  t1?: number,
  signal?: AbortSignal,
): Promise<UnitsRaster> {
  const all = await unitTimesUnits(nwb, path);
  if (all.length === 0) throw new Error(`${path} has no unit groups with spike times`);
  const first = Math.max(0, Math.min(Math.floor(unitStart), all.length));
  const page = all.slice(first, first + Math.max(0, Math.min(Math.floor(unitCount), MAX_PAGE)));
  const perUnit: Float64Array[] = [];
  for (const unit of page) {
    signal?.throwIfAborted();
    perUnit.push(
      await nwb.reader.readNumbers(unit.times, undefined, { signal, maxElements: nwb.limits.maxElements }),
    );
  }
  const units = await Promise.all(
    page.map(async (unit, i) => {
      const row = first + i;
      const description = await nwb.reader
        .scalar(joinPath(joinPath(path, unit.name), 'unit_description'))
        .then(valueToText, () => '');
      const extra = EMPTY_DESCRIPTIONS.has(description.trim().toLowerCase()) ? '' : ` · ${description}`;
      return { row, id: row, label: `${unit.name}${extra}` };
    }),
  );
  return {
    path,
    unitCount: all.length,
    units,
    // The extent is the page's units' spikes, as NWB 1 keeps no single spike_times dataset.
    ...rasterWindow(perUnit, perUnit, t0, t1),
  };
}
