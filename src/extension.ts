import * as vscode from 'vscode';
import { registerBrowse } from './commands/registerBrowse';
import { registerDownloads } from './commands/registerDownloads';
import { registerSessionCommands } from './commands/session/sessionCommands';
import { createVscodeSession } from './commands/session/vscodeSession';
import { registerOmeViewer } from './editor/omeOpen';
import { registerViewer } from './editor/registerViewer';
import { closeKeptHdf5Files } from './hdf5/engine';
import { stopSpareWorkers } from './hdf5/workerPool';
import { getLog } from './log';
import type { ExtensionServices } from './services';
import { registerNetworkConfiguration } from './commands/networkConfiguration';
import { registerVideo } from './commands/videoCommands';
import { registerNotebookCommands } from './commands/notebookCommands';
import { videoIndexer } from './editor/videoParts';
import { VideoPoseProvider } from './editor/videoPose';
import { registerLanguageModelTools } from './chat/registerTools';
import { registerReferences } from './references/register';

/**
 * Composition root: builds the session and the shared services, then each feature registers its
 * own parts in one style, `registerX(services)`. Imports run one way (UI and commands → features
 * → core); `npm run lint` enforces it (.dependency-cruiser.cjs).
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = getLog();
  context.subscriptions.push(log, registerNetworkConfiguration(log));
  const session = createVscodeSession(context, log);
  const services: ExtensionServices = {
    context,
    log,
    session,
    client: () => session.client(),
    apiKey: apiUrl => session.apiKey(apiUrl),
    onDidChangeClient: session.onDidChangeClient,
  };
  registerSessionCommands(services);
  const browse = registerBrowse(services);
  registerDownloads(services);
  const viewer = registerViewer(services);
  registerOmeViewer(services);
  registerNotebookCommands(services, viewer);
  const video = registerVideo(
    services,
    videoIndexer(services),
    new VideoPoseProvider(services),
    viewer.provider.clocks,
  );
  // Opening a folder of assets is the sign an open may follow: h5wasm starts in a spare then, not
  // on the first open's path.
  for (const view of [browse.explorer, browse.mine, browse.starred])
    context.subscriptions.push(view.view.onDidExpandElement(() => void viewer.prepareWorker()));
  const tools = registerLanguageModelTools(services);
  const references = registerReferences(services);
  log.info(`DANDI extension activated (VS Code ${vscode.version})`);
  return { services, browse, viewer, video, tools, references };
}

export async function deactivate(): Promise<void> {
  // Everything else is disposed through context.subscriptions; the spare HDF5 worker and the
  // files kept open after their close are global (closed first: closing starts no new spare).
  await closeKeptHdf5Files();
  await stopSpareWorkers();
}

/** Returned from activate() so the VS Code test suite can reach the live objects. */
export interface ExtensionApi {
  services: ExtensionServices;
  browse: ReturnType<typeof registerBrowse>;
  viewer: ReturnType<typeof registerViewer>;
  video: ReturnType<typeof registerVideo>;
  tools: ReturnType<typeof registerLanguageModelTools>;
  references: ReturnType<typeof registerReferences>;
}
