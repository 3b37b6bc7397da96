import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { DandiApiError, DandiReferenceError } from '../../dandi/errors';
import { KNOWN_INSTANCES, instanceLabel, trimSlashes } from '../../dandi/instances';
import { parseReference, type DandiReference } from '../../dandi/references';
import type { BrowseContext, RevealOptions } from '../../tree/browseContext';
import type { RevealTarget } from '../../tree/browseTypes';
import type { TreeElement } from '../../tree/model';
import { plainText } from '../../util/plainText';

/** How long a switch of instance may take to show in the session (a settings write and a key read). */
const SWITCH_WAIT_MS = 10_000;

/**
 * Parses a reference, resolves it on the active instance and reveals it in the explorer, loading
 * each level on the way (Dandiset ▸ version ▸ folders ▸ asset). Tells the user what it could not
 * find instead of throwing.
 */
export async function revealReference(
  browse: BrowseContext,
  input: string | DandiReference,
  options: RevealOptions = {},
): Promise<TreeElement | undefined> {
  const { session, explorer } = browse;
  try {
    await session.webUrl(); // so the active instance's web origin is recognised offline
    let reference =
      typeof input === 'string'
        ? await parseReference(input, { defaultInstance: session.instance, instances: [session.instance] })
        : input;
    if (reference.instance.apiUrl !== session.instance.apiUrl) {
      const next = await chooseInstance(browse, reference, options.otherInstance ?? 'ask');
      if (!next) return undefined;
      reference = next;
    }
    const element = await vscode.window.withProgress(
      { location: { viewId: explorer.id }, title: 'Opening reference' },
      async () => {
        const resolved = await session.client().resolveReference(reference);
        if (!resolved.dandiset) {
          throw new DandiApiError(
            'not-found',
            `Asset ${reference.assetId} exists (${resolved.asset?.path ?? ''}) but the URL does not say which Dandiset it belongs to; use a URL with /dandisets/<id>/versions/<version>/assets/<asset id>/.`,
          );
        }
        const target: RevealTarget = { dandisetId: resolved.dandiset.identifier };
        if (reference.version || reference.kind !== 'dandiset') target.version = resolved.version;
        if (resolved.asset) Object.assign(target, { path: resolved.asset.path, isFolder: false });
        else if (resolved.folder) Object.assign(target, { path: resolved.folder.path, isFolder: true });
        else if (reference.kind === 'path-prefix' && reference.path?.includes('/'))
          Object.assign(target, {
            path: reference.path.slice(0, reference.path.lastIndexOf('/')),
            isFolder: true,
          });
        return explorer.provider.model.reveal(target);
      },
    );
    await explorer.view.reveal(element, {
      select: true,
      focus: true,
      expand: options.expand ?? element.kind !== 'asset',
    });
    return element;
  } catch (e) {
    const message =
      e instanceof DandiApiError || e instanceof DandiReferenceError
        ? e.message
        : `Could not open the reference: ${e instanceof Error ? e.message : String(e)}`;
    browse.log.warn(`Open reference failed: ${message}`);
    void vscode.window.showWarningMessage(plainText(message));
    return undefined;
  }
}

/**
 * A reference for another instance. A custom active instance (a mirror, a local archive) takes
 * public DANDI references as its own, since ids are shared; between two known instances we ask.
 */
async function chooseInstance(
  browse: BrowseContext,
  reference: DandiReference,
  mode: 'ask' | 'active' | 'switch',
): Promise<DandiReference | undefined> {
  const active = browse.session.instance;
  const activeIsCustom = !KNOWN_INSTANCES.some(i => i.apiUrl === active.apiUrl);
  if (mode === 'active' || (mode === 'ask' && activeIsCustom && reference.instance.name === 'dandi'))
    return { ...reference, instance: active };
  const known = KNOWN_INSTANCES.find(i => i.apiUrl === reference.instance.apiUrl);
  let choice: string | undefined = mode === 'switch' ? 'switch' : undefined;
  if (!choice) {
    const switchLabel = `Switch to ${instanceLabel(reference.instance)}`;
    const lookLabel = `Look in ${browse.session.label}`;
    const picked = await vscode.window.showInformationMessage(
      plainText(
        `This reference is on ${instanceLabel(reference.instance)}, but the tree shows ${browse.session.label}.`,
      ),
      switchLabel,
      lookLabel,
    );
    choice = picked === switchLabel ? 'switch' : picked === lookLabel ? 'active' : undefined;
  }
  if (choice === 'active') return { ...reference, instance: active };
  if (choice !== 'switch') return undefined;
  const wanted = trimSlashes((known ?? reference.instance).apiUrl);
  const switched = () => trimSlashes(browse.session.instance.apiUrl) === wanted;
  let sub: vscode.Disposable | undefined;
  const changed = new Promise<void>(resolve => {
    sub = browse.session.onDidChangeClient(() => resolve());
  });
  try {
    await vscode.commands.executeCommand(
      Commands.selectInstance,
      known ? known.name : 'custom',
      known ? undefined : reference.instance.apiUrl,
    );
    // The settings may already have held this value (no change event): wait a bounded time only.
    if (!switched())
      await Promise.race([changed, new Promise<void>(resolve => setTimeout(resolve, SWITCH_WAIT_MS))]);
  } finally {
    sub?.dispose();
  }
  if (!switched()) {
    void vscode.window.showWarningMessage(
      plainText(
        `Could not switch to ${instanceLabel(reference.instance)}: check the dandi.instance and dandi.apiUrl settings.`,
      ),
    );
    return undefined;
  }
  await browse.session.ready;
  return { ...reference, instance: browse.session.instance };
}
