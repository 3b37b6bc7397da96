/**
 * Finds the NWB version of a file. It lives in several places depending on the writer: the root
 * attribute `nwb_version` (NWB 2.x), a root dataset `/nwb_version` (NWB 1.x and 2017-2018
 * pre-releases), with an `NWB-` prefix (MIES), as a 1-element array (MatNWB 2018), or nowhere.
 */
import { type NwbReader, valueToText } from './reader';
import type { H5Value } from '../hdf5/types';

export async function detectNwbVersion(reader: NwbReader): Promise<string | null> {
  const fromAttr = normalizeVersion(await reader.attr('/', 'nwb_version'));
  if (fromAttr) return fromAttr;
  const entry = await reader.entry('/nwb_version');
  if (entry?.kind === 'dataset') {
    try {
      return normalizeVersion(await reader.scalar('/nwb_version'));
    } catch {
      return null;
    }
  }
  return null;
}

/** `NWB-1.0.5` → `1.0.5`, `['2.0b']` → `2.0b`; null for anything that is not a version. */
export function normalizeVersion(v: H5Value | undefined): string | null {
  if (v === undefined || v === null) return null;
  const text = (Array.isArray(v) ? (v.length === 1 ? valueToText(v[0]) : '') : valueToText(v)).trim();
  const stripped = text.replace(/^NWB[-_ ]?/i, '');
  return /^\d+(\.\d+)*[\w.-]*$/.test(stripped) ? stripped : null;
}
