/** The neurodata type an entry shows, from its NWB attributes (NWB 2 and NWB 1.x). */
import type { H5Value } from './types';

/**
 * The most specific neurodata type. NWB 1.x writes `neurodata_type` `TimeSeries` on every series
 * and lists the real type last in `ancestry`; its interfaces are `Interface` groups named after
 * their type (`Fluorescence`, `ImageSegmentation`…) and its processing modules are `Module`.
 */
export function nwb1Type(
  declared: string | undefined,
  name: string,
  ancestry: () => H5Value,
): string | undefined {
  if (declared === 'Interface') return name;
  if (declared === 'Module') return 'ProcessingModule';
  const chain = ancestry();
  const list = Array.isArray(chain) ? chain : [chain];
  const last = list[list.length - 1];
  return typeof last === 'string' && last !== '' ? last : declared;
}
