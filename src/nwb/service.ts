/**
 * The host's answers to the webview's data requests, as plain functions of an {@link NwbFile}
 * (no `vscode`): the editor registers each of these on a panel's messenger. The requests of the
 * views come from their entries in ./viewRegistry.ts; the ones every view and the hierarchy share
 * are here. Requests that need VS Code (init, saving files) are handled in src/editor.
 */
import type { HostMethods, SourceDescription } from '../shared/protocol';
import type { RequestContext } from '../shared/messenger';
import { exportCsv } from './csv';
import { inspectObject } from './inspect';
import type { NwbFile } from './nwbFile';
import { nwbOverview } from './overview';
import { checkPath } from './params';
import { pythonSnippet } from './snippet';
import { fileObjects } from './walk';
import { VIEWS, type ViewHandler, type ViewMethod } from './viewRegistry';
import { resolveView } from './views';

/** Requests the editor answers itself: they need VS Code (dialogs, clipboard, commands). */
type EditorMethod =
  | 'init'
  | 'export/png'
  | 'clipboard/write'
  | 'file/download'
  | 'video/show'
  | 'video/openExternal'
  | 'notebook/open';

export type DataMethod = Exclude<keyof HostMethods, EditorMethod>;
/** Requests not tied to one view: a new request is either here or in its view's entry, or this does not compile. */
type CoreMethod = Exclude<DataMethod, ViewMethod>;

export type DataHandlers = {
  [M in DataMethod]: (
    params: HostMethods[M]['params'],
    ctx: RequestContext,
  ) => Promise<HostMethods[M]['result']>;
};

function coreHandlers(nwb: NwbFile, source: SourceDescription): { [M in CoreMethod]: ViewHandler<M> } {
  return {
    'nwb/overview': () => nwbOverview(nwb),
    'h5/children': async (_, { path, offset, limit }) => {
      const all = await nwb.reader.list(checkPath(path));
      const start = Math.max(0, offset ?? 0);
      const end = limit === undefined ? all.length : start + Math.max(0, limit);
      return { entries: all.slice(start, end), total: all.length };
    },
    'h5/attributes': (_, { path }) => nwb.reader.attributeList(checkPath(path)),
    'h5/walk': () => fileObjects(nwb),
    'h5/datasetInfo': (_, { path }) => nwb.reader.datasetInfo(checkPath(path)),
    inspect: (_, { path }) => inspectObject(nwb, checkPath(path)),
    'view/resolve': (_, { path }) => resolveView(nwb, checkPath(path)),
    'snippet/python': async (_, { path }) => ({ code: pythonSnippet(source, checkPath(path)) }),
    // Saving is the editor's part; here the CSV text only.
    'export/csv': async (_, params, { signal }) => {
      checkPath(params.path);
      return exportCsv(nwb, params, signal);
    },
  };
}

/** A handler with its parameter type erased (every handler is one); the messenger checks the method name. */
type AnyHandler = (nwb: NwbFile, params: never, ctx: RequestContext) => Promise<unknown>;

/** Every view's handlers in one map; a request claimed by two entries is a programming error. */
export function viewHandlers(): Map<ViewMethod, AnyHandler> {
  const out = new Map<ViewMethod, AnyHandler>();
  for (const [kind, entry] of Object.entries(VIEWS)) {
    for (const [method, handler] of Object.entries(entry.handlers) as [ViewMethod, AnyHandler][]) {
      if (out.has(method))
        throw new Error(`the request ${method} has two handlers (the second in the ${kind} view)`);
      out.set(method, handler);
    }
  }
  return out;
}

export function dataHandlers(nwb: NwbFile, source: SourceDescription): DataHandlers {
  const all = new Map<DataMethod, AnyHandler>(viewHandlers());
  for (const [method, handler] of Object.entries(coreHandlers(nwb, source)) as [CoreMethod, AnyHandler][])
    all.set(method, handler);
  const handlers: Partial<Record<DataMethod, (params: unknown, ctx: RequestContext) => Promise<unknown>>> =
    {};
  // Every handler returns a promise, even when validation throws synchronously.
  for (const [method, handler] of all) {
    const fn = handler as (nwb: NwbFile, params: unknown, ctx: RequestContext) => Promise<unknown>;
    handlers[method] = async (params, ctx) => fn(nwb, params, ctx);
  }
  return handlers as DataHandlers;
}
