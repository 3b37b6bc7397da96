import * as vscode from 'vscode';
import { getLog } from './log';
import { registerBrowse } from './tree/registerBrowse';
import { registerDownloads } from './commands/registerDownloads';
import { registerViewer } from './editor/registerViewer';
import { stopSpareWorkers } from './hdf5/workerPool';

/** Composition root: builds the shared services, then each feature registers its own parts. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = getLog();
  context.subscriptions.push(log);
  const services = registerBrowse(context, log);
  registerDownloads(services);
  const viewer = registerViewer(services);
  log.info(`DANDI extension activated (VS Code ${vscode.version})`);
  return { services, viewer };
}

export function deactivate(): Promise<void> {
  // Everything else is disposed through context.subscriptions; the spare HDF5 worker is global.
  return stopSpareWorkers();
}

/** Returned from activate() so the VS Code test suite can reach the live objects. */
export interface ExtensionApi {
  services: ReturnType<typeof registerBrowse>;
  viewer: ReturnType<typeof registerViewer>;
}
