/**
 * The message and action elements the browse tree shows instead of (or after) children: an empty
 * listing's note, and a failed load's error with the actions that can fix it (sign in, retry,
 * change the API URL or instance, clear the search). Pure builders with stable ids; the model
 * indexes what they return.
 */
import { DandiApiError } from '../dandi/errors';
import { ROOT_KEY, type ActionElement, type MessageElement, type TreeElement } from './model';

export function messageElement(
  parentId: string | undefined,
  code: string,
  text: string,
  severity: MessageElement['severity'],
  detail?: string,
): MessageElement {
  return {
    kind: 'message',
    id: `${parentId ?? ROOT_KEY}/message:${code}`,
    parentId,
    text,
    severity,
    detail,
  };
}

function actionElement(
  parentId: string | undefined,
  action: ActionElement['action'],
  label: string,
): ActionElement {
  return {
    kind: 'action',
    id: `${parentId ?? ROOT_KEY}/action:${action}`,
    parentId,
    label,
    action,
  };
}

/** The error message under `parent` (the root when undefined) and the actions that suit its kind. */
export function problemElements(
  parent: TreeElement | undefined,
  error: unknown,
  signedIn: () => boolean,
): TreeElement[] {
  const owner = parent?.id;
  const text = error instanceof Error ? error.message : String(error);
  const detail = error instanceof DandiApiError ? error.detail : undefined;
  const out: TreeElement[] = [messageElement(owner, 'error', text, 'error', detail)];
  const kind = error instanceof DandiApiError ? error.kind : 'network';
  if (kind === 'unauthorized' || (kind === 'forbidden' && !signedIn()))
    out.push(actionElement(owner, 'signIn', 'Sign In...'));
  if (kind === 'network' || kind === 'unavailable' || kind === 'invalid-response') {
    out.push(actionElement(owner, 'retry', 'Retry'));
    if (!parent)
      out.push(
        actionElement(owner, 'changeApiUrl', 'Change API URL...'),
        actionElement(owner, 'selectInstance', 'Select Archive Instance...'),
      );
  } else if (kind !== 'unauthorized' && kind !== 'not-found') {
    out.push(actionElement(owner, 'retry', 'Retry'));
  }
  if (kind === 'bad-request' && !parent) out.push(actionElement(owner, 'clearSearch', 'Clear Search'));
  return out;
}
