/**
 * `dandi_downloadAssets`: downloads Dandisets, folders or assets through the extension's download
 * engine (the same path as the tree's Download: layout, resume, verification, refusal of unsafe
 * paths). Before anything is written the user confirms what, how many files, how many bytes and
 * where (prepareInvocation lists the targets to say so).
 */
import { isAbsolute } from 'node:path';
import type * as vscode from 'vscode';
import type { DandiClient } from '../dandi/client';
import { parseReference } from '../dandi/references';
import { buildPlan, targetFromResolved, type DownloadTarget } from '../download/planner';
import type { ExtensionServices } from '../services';
import { formatBytes } from '../tree/model';
import { defaultDestination, downloadTargets, resolveDestination } from '../commands/download/downloadFlow';
import { DANDISET_ID, VERSION, versionOrLatest } from './archiveTools';
import { jsonResult, ToolInput, ToolInputError, type ToolBody } from './toolKit';

interface DownloadRequest {
  targets: DownloadTarget[];
  destination?: string;
}

/** `references` (any DANDI reference), or `dandisetId` + `version` + `paths` (assets, or folders ending in `/`). */
async function readRequest(
  services: ExtensionServices,
  raw: unknown,
  signal: AbortSignal,
): Promise<DownloadRequest> {
  const input = new ToolInput(raw);
  const references = input.strings('references', { maxItems: 1000 });
  const dandisetId = input.string('dandisetId', DANDISET_ID);
  const asked = input.string('version', VERSION);
  const paths = input.strings('paths', { maxItems: 1000 });
  const destination = input.string('destination', { maxLength: 4096 });
  input.done();
  if (destination && !isAbsolute(destination))
    throw new ToolInputError(`"destination" must be an absolute folder path; got "${destination}".`);
  if (references.length === 0 && !dandisetId)
    throw new ToolInputError(
      'Say what to download: "references", or "dandisetId" (with "paths" for part of it).',
    );
  if (references.length > 0 && dandisetId)
    throw new ToolInputError('Give either "references" or "dandisetId" and "paths", not both.');
  const client = services.client();
  const targets: DownloadTarget[] = [];
  for (const text of references) targets.push(await referenceTarget(client, text, signal));
  if (dandisetId) {
    const version = await versionOrLatest(client, dandisetId, asked, signal);
    if (paths.length === 0) targets.push({ kind: 'dandiset', dandisetId, version });
    for (const path of paths) targets.push(await pathTarget(client, dandisetId, version, path, signal));
  }
  return { targets, destination };
}

async function referenceTarget(
  client: DandiClient,
  text: string,
  signal: AbortSignal,
): Promise<DownloadTarget> {
  const reference = await parseReference(text, {
    instances: [client.instance],
    defaultInstance: client.instance,
    signal,
  });
  if (reference.instance.apiUrl.replace(/\/+$/, '') !== client.apiUrl)
    throw new ToolInputError(
      `"${text}" is on ${reference.instance.name}, not on the active instance ${client.instance.name}; switch instances first.`,
    );
  return targetFromResolved(await client.resolveReference(reference, signal));
}

async function pathTarget(
  client: DandiClient,
  dandisetId: string,
  version: string,
  path: string,
  signal: AbortSignal,
): Promise<DownloadTarget> {
  const clean = path.replace(/^\/+/, '');
  if (clean.endsWith('/')) return { kind: 'folder', dandisetId, version, path: clean };
  const asset = await client.findAssetByPath(dandisetId, version, clean, signal);
  if (asset) return { kind: 'asset', assetId: asset.asset_id, dandisetId, version, asset };
  if (await client.findFolder(dandisetId, version, clean, signal))
    return { kind: 'folder', dandisetId, version, path: `${clean}/` };
  throw new ToolInputError(`No asset or folder "${clean}" in ${dandisetId}/${version}.`);
}

export function downloadAssetsTool(services: ExtensionServices): ToolBody {
  return {
    async prepare(raw, signal) {
      const request = await readRequest(services, raw, signal);
      const client = services.client();
      const plans = [];
      for (const target of request.targets) plans.push(await buildPlan(client, target, signal));
      const ids = new Set<string>();
      const files = plans.flatMap(p => p.files).filter(f => !ids.has(f.assetId) && ids.add(f.assetId));
      const bytes = files.reduce((n, f) => n + f.size, 0);
      const where = request.destination ?? defaultDestination() ?? 'a folder you will be asked to pick';
      const what = plans.map(p => p.title);
      const listed = what.slice(0, 5).join(', ') + (what.length > 5 ? `, and ${what.length - 5} more` : '');
      const messages: vscode.LanguageModelToolConfirmationMessages = {
        title: `Download ${files.length} ${files.length === 1 ? 'file' : 'files'} (${formatBytes(bytes)}) from DANDI?`,
        message: `${listed}: ${files.length} ${files.length === 1 ? 'file' : 'files'}, ${formatBytes(bytes)}, from ${client.instance.name} into ${where}.`,
      };
      return { invocationMessage: `Downloading ${listed}`, confirmationMessages: messages };
    },

    async run(raw, signal) {
      const request = await readRequest(services, raw, signal);
      const client = services.client();
      const destination = request.destination ?? (await resolveDestination(services.context.globalState));
      if (!destination)
        return jsonResult({ downloaded: 0, note: 'No folder was picked; nothing was downloaded.' });
      const summary = await downloadTargets(
        {
          client,
          apiKey: await services.apiKey(client.apiUrl),
          log: services.log,
          memento: services.context.globalState,
        },
        request.targets,
        { signal, destination },
      );
      if (!summary)
        return jsonResult({ downloaded: 0, note: 'The user backed out; nothing was downloaded.' });
      return jsonResult({
        destination,
        cancelled: summary.cancelled,
        downloaded: summary.downloaded.length,
        skippedAsIdentical: summary.skipped.length,
        failed: summary.failed.slice(0, 50),
        files: summary.downloaded.slice(0, 200),
      });
    },
  };
}
