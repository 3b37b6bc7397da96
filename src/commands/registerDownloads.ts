// PLACEHOLDER until the Downloads work lands.
import type { ExtensionServices } from '../services';

export function registerDownloads(_services: ExtensionServices): void {}
