/** The webview's end of the typed RPC (src/shared/protocol.ts) and the VS Code webview API. */
import { Messenger, RequestError } from '../../src/shared/messenger';
import type { HostEvent, HostMethods, WebviewEvent, WebviewMethodMap } from '../../src/shared/protocol';

// A mapped copy of the interface: interfaces lack the implicit index signature MethodMap needs.
type HostMethodMap = { [M in keyof HostMethods]: HostMethods[M] };
export type ViewerApi = Messenger<WebviewMethodMap, HostMethodMap, WebviewEvent, HostEvent>;
export type Method = keyof HostMethods & string;
export type Params<M extends Method> = HostMethods[M]['params'];
export type Result<M extends Method> = HostMethods[M]['result'];

/** acquireVsCodeApi may be called only once per webview. */
export const vscodeApi = acquireVsCodeApi<unknown>();

/** Creates the messenger and attaches the message listener (before the ready handshake). */
export function connect(): ViewerApi {
  const messenger: ViewerApi = new Messenger({
    post: message => vscodeApi.postMessage(message),
    onDiagnostic: text => console.debug(`[nwb viewer] ${text}`),
  });
  window.addEventListener('message', (event: MessageEvent<unknown>) => messenger.handle(event.data));
  return messenger;
}

/** True for the rejection of a request the webview itself cancelled (navigation). */
export function isCancelled(e: unknown): boolean {
  if (e instanceof RequestError) return e.code === 'cancelled' || e.code === 'disposed';
  return e instanceof DOMException && e.name === 'AbortError';
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
