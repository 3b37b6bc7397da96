// PLACEHOLDER until the NWB viewer work lands.
import type { ExtensionServices } from '../services';

export function registerViewer(_services: ExtensionServices): object {
  return {};
}
