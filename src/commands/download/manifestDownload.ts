/**
 * "Download DANDI References in File or Selection": the references of a manifest (a CSV/TSV such
 * as the PatchSeq release's `archive_uri` column, a list of URLs, any text; src/manifest) are
 * resolved to assets, shown for confirmation with their count and total size (a multi-select Quick
 * Pick, all checked), and the checked ones downloaded by the engine the tree's Download uses. Each
 * file lands at `<dandiset>/<asset path>`, so files of the same name from different folders never
 * collide.
 */
import * as vscode from 'vscode';
import { DandiApiError } from '../../dandi/errors';
import { parseReference, type DandiReference } from '../../dandi/references';
import { localTarget } from '../../download/layout';
import { buildPlan, targetFromResolved, type DownloadPlan } from '../../download/planner';
import type { DownloadSummary, PlannedFile } from '../../download/types';
import { scanManifest, type ManifestReference } from '../../manifest/manifest';
import { formatBytes } from '../../tree/model';
import { linkedAbort } from '../../util/abortOnCancel';
import { plainText } from '../../util/plainText';
import {
  commandOptions,
  downloadPlans,
  resolveDestination,
  type DownloadCommandOptions,
  type DownloadDeps,
} from './downloadFlow';

/** Programmatic options: the download command's, plus `pick: 'all'` to take every file unasked. */
export interface ManifestOptions extends DownloadCommandOptions {
  pickAll?: boolean;
}

export function manifestOptions(value: unknown): ManifestOptions {
  const pickAll = typeof value === 'object' && value !== null && (value as { pick?: unknown }).pick === 'all';
  return { ...commandOptions(value), ...(pickAll ? { pickAll } : {}) };
}

/** Lookups quicker than this show no progress notification. */
const LOOKUP_NOTICE_AFTER_MS = 500;

interface FoundFile {
  file: PlannedFile;
  plan: DownloadPlan;
  from: ManifestReference;
  where: string;
}

/** The text to scan: the selection when there is one, else the whole document. */
export async function manifestText(arg: unknown): Promise<{ text: string; label: string } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (arg instanceof vscode.Uri && editor?.document.uri.toString() !== arg.toString()) {
    const document = await vscode.workspace.openTextDocument(arg);
    return { text: document.getText(), label: vscode.workspace.asRelativePath(arg) };
  }
  if (!editor) return undefined;
  const name = vscode.workspace.asRelativePath(editor.document.uri);
  const selected = editor.selections.filter(s => !s.isEmpty);
  if (selected.length === 0) return { text: editor.document.getText(), label: name };
  return {
    text: selected.map(s => editor.document.getText(s)).join('\n'),
    label: `the selection in ${name}`,
  };
}

/** A web `files?location=` URL names a folder; in a manifest it often names one file. */
async function resolveOne(deps: DownloadDeps, reference: DandiReference, signal: AbortSignal) {
  try {
    return await deps.client.resolveReference(reference, signal);
  } catch (e) {
    const path = reference.path?.replace(/\/$/, '');
    if (!(e instanceof DandiApiError && e.kind === 'not-found' && reference.kind === 'folder' && path))
      throw e;
    return deps.client.resolveReference({ ...reference, kind: 'asset-path', path }, signal);
  }
}

/** Every reference as files to download; the ones that fail are reported, not fatal. */
async function listFiles(
  deps: DownloadDeps,
  references: readonly ManifestReference[],
  signal: AbortSignal,
): Promise<{ found: FoundFile[]; problems: string[] }> {
  const found: FoundFile[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const item of references) {
    signal.throwIfAborted();
    try {
      const active = deps.client.instance;
      const reference = item.reference.instance
        ? (item.reference as DandiReference)
        : await parseReference(item.text, { instances: [active], defaultInstance: active, signal });
      if (reference.instance.apiUrl.replace(/\/+$/, '') !== deps.client.apiUrl)
        throw new Error(`it is on ${reference.instance.name}, not on the active instance ${active.name}`);
      const resolved = await resolveOne(deps, reference, signal);
      const plan = await buildPlan(deps.client, targetFromResolved(resolved), signal);
      const dandisetId = resolved.dandiset?.identifier ?? reference.dandisetId;
      for (const file of plan.files) {
        if (seen.has(file.assetId)) continue;
        seen.add(file.assetId);
        const localPath = dandisetId
          ? localTarget({ kind: 'dandiset', dandisetId }, file.path)
          : file.localPath;
        found.push({
          file: { ...file, localPath },
          plan,
          from: item,
          where: dandisetId ? `${dandisetId}/${resolved.version}` : 'DANDI',
        });
      }
    } catch (e) {
      if (signal.aborted) throw e;
      problems.push(`line ${item.line}: ${item.text}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { found, problems };
}

async function confirmFiles(found: FoundFile[], label: string, destination: string): Promise<FoundFile[]> {
  type Item = vscode.QuickPickItem & { found: FoundFile };
  const items: Item[] = found.map(f => ({
    label: f.file.path,
    description: formatBytes(f.file.size),
    detail: `${f.where} · line ${f.from.line}${f.from.label ? ` · ${f.from.label}` : ''}`,
    picked: true,
    found: f,
  }));
  const total = found.reduce((n, f) => n + f.file.size, 0);
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    ignoreFocusOut: true,
    title: plainText(
      `DANDI: download ${found.length} ${found.length === 1 ? 'file' : 'files'} (${formatBytes(total)}) referenced in ${label} into ${destination}`,
    ),
    placeHolder: 'Uncheck what not to download; Enter downloads the checked files',
    matchOnDetail: true,
  });
  return picked?.map(item => item.found) ?? [];
}

export async function downloadManifest(
  deps: DownloadDeps,
  text: string,
  label: string,
  options: ManifestOptions = {},
): Promise<DownloadSummary | undefined> {
  const active = deps.client.instance;
  const scan = scanManifest(text, { instances: [active], defaultInstance: active });
  if (scan.references.length === 0) {
    void vscode.window.showWarningMessage(plainText(`DANDI: no DANDI references in ${label}.`));
    return undefined;
  }
  deps.log.info(
    `${label}: ${scan.references.length} DANDI references (${scan.format}${scan.duplicates ? `, ${scan.duplicates} repeated` : ''})`,
  );
  const link = linkedAbort(options.signal);
  const lookup = listFiles(deps, scan.references, link.signal).catch((e: unknown) => {
    if (link.signal.aborted) return undefined; // cancelled: nothing to report
    throw e;
  });
  let listed: Awaited<typeof lookup>;
  let timer: NodeJS.Timeout | undefined;
  try {
    // A quick lookup shows no notification: it would only flash, then linger over the confirmation.
    const slow = await Promise.race([
      lookup.then(
        () => false,
        () => false,
      ),
      new Promise<boolean>(resolve => (timer = setTimeout(() => resolve(true), LOOKUP_NOTICE_AFTER_MS))),
    ]);
    if (slow)
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: plainText(`DANDI: looking up ${scan.references.length} references in ${label}…`),
          cancellable: true,
        },
        async (_progress, token) => {
          const subscription = token.onCancellationRequested(link.abort);
          await lookup.catch(() => undefined).finally(() => subscription.dispose());
        },
      );
    listed = await lookup;
  } finally {
    clearTimeout(timer);
    link.dispose();
  }
  if (!listed) return undefined;
  for (const problem of listed.problems) deps.log.warn(`${label}: ${problem}`);
  if (listed.problems.length > 0)
    void vscode.window.showWarningMessage(
      plainText(
        `DANDI: ${listed.problems.length} of ${scan.references.length} references in ${label} could not be resolved (${listed.problems[0]}${listed.problems.length > 1 ? '; more in the log' : ''}).`,
      ),
    );
  if (listed.found.length === 0) return undefined;
  const destination = options.destination ?? (await resolveDestination(deps.memento));
  if (!destination) return undefined;
  const chosen = options.pickAll ? listed.found : await confirmFiles(listed.found, label, destination);
  if (chosen.length === 0) return undefined;
  // One plan per reference, holding the files picked from it (dandiset.yaml only when all were).
  const plans = new Map<DownloadPlan, PlannedFile[]>();
  for (const f of chosen) plans.set(f.plan, [...(plans.get(f.plan) ?? []), f.file]);
  const picked = [...plans].map(([plan, files]) => ({
    title: plans.size === 1 ? `${files.length} files from ${label}` : plan.title,
    files,
    ...(plan.dandisetYaml && files.length === plan.files.length ? { dandisetYaml: plan.dandisetYaml } : {}),
  }));
  return downloadPlans(deps, picked, destination, options);
}
