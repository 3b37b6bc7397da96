import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { Settings } from '../../constants';
import type { DandiClient } from '../../dandi/client';
import { buildPlan, writeDandisetYaml, type DownloadPlan, type DownloadTarget } from '../../download/planner';
import { runDownload } from '../../download/engine';
import { isInside } from '../../download/paths';
import type {
  DownloadProgress,
  DownloadSummary,
  ExistingFilePolicy,
  PlannedFile,
} from '../../download/types';
import { formatBytes } from '../../tree/model';
import { abortOnCancel, linkedAbort } from '../../util/abortOnCancel';
import { plainText } from '../../util/plainText';
import { mayDownloadTo } from './workspaceFolderConsent';

/** Optional second argument of the download commands, for programmatic use (tasks, tests). */
export interface DownloadCommandOptions {
  /** Aborts like the notification's Cancel button. */
  signal?: AbortSignal;
  /** Overrides dandi.download.existingFiles (no question asked). */
  existing?: ExistingFilePolicy;
  /** Overrides dandi.downloadFolder. */
  destination?: string;
  onProgress?: (progress: DownloadProgress) => void;
}

export function commandOptions(value: unknown): DownloadCommandOptions {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const out: DownloadCommandOptions = {};
  if (v.signal instanceof AbortSignal) out.signal = v.signal;
  if (v.existing === 'skip' || v.existing === 'overwrite') out.existing = v.existing;
  if (typeof v.destination === 'string' && isAbsolute(v.destination)) out.destination = v.destination;
  if (typeof v.onProgress === 'function') out.onProgress = v.onProgress as (p: DownloadProgress) => void;
  return out;
}

/** What a download command needs from the extension. */
export interface DownloadDeps {
  client: DandiClient;
  apiKey: string | undefined;
  log: vscode.LogOutputChannel;
  /** Remembers the answers about download folders that workspace settings chose (globalState). */
  memento: vscode.Memento;
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

/** dandi.downloadFolder as an absolute path, when set (relative to the first workspace folder). */
function configuredFolder(): string | undefined {
  const configured = (config().get<string>(Settings.downloadFolder) ?? '').trim();
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!configured) return undefined;
  const expanded = configured.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
  if (isAbsolute(expanded)) return expanded;
  return workspace ? resolve(workspace.fsPath, expanded) : undefined;
}

/** Where a download goes without asking: dandi.downloadFolder, else the first workspace folder. */
export function defaultDestination(): string | undefined {
  return configuredFolder() ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/**
 * dandi.downloadFolder, else the first workspace folder, else a folder the user picks. A folder
 * that the workspace's settings put outside the workspace needs the user's yes (once per folder).
 */
export async function resolveDestination(memento: vscode.Memento): Promise<string | undefined> {
  const configured = configuredFolder();
  if (configured) return (await mayDownloadTo(configured, memento)) ? configured : undefined;
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (workspace) return workspace.fsPath;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Download Here',
    title: 'DANDI: Where should the download go?',
  });
  return picked?.[0]?.fsPath;
}

/**
 * A destination passed to the command (by another extension, a task, a link) that lies outside the
 * download folder and every workspace folder may hold anything of the user's: overwriting there is
 * refused (the user's own downloads never pass a destination; they pick one in a dialog).
 */
function assertMayOverwriteAt(destination: string): void {
  const roots = [configuredFolder(), ...(vscode.workspace.workspaceFolders ?? []).map(f => f.uri.fsPath)];
  const target = resolve(destination);
  if (roots.some(root => root !== undefined && isInside(resolve(root), target))) return;
  throw new Error(
    `refused to overwrite files in ${target}: it is outside the download folder and the workspace (download there with existing files skipped, or set dandi.downloadFolder)`,
  );
}

/** Asks before deleting files a Zarr lacks from a folder the extension did not create for it. */
async function confirmStrayRemoval(folder: string, strays: readonly string[]): Promise<boolean> {
  const listed = `${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', …' : ''}`;
  const remove = 'Delete Them';
  const choice = await vscode.window.showWarningMessage(
    plainText(
      `DANDI: ${strays.length} files in ${folder} are not in the downloaded Zarr (${listed}). This folder was not created by the download; delete them?`,
    ),
    { modal: true },
    remove,
  );
  return choice === remove;
}

/** The existing-files policy; `ask` shows a Quick Pick only when some targets already exist. */
async function resolvePolicy(
  destination: string,
  files: readonly PlannedFile[],
): Promise<ExistingFilePolicy | undefined> {
  const setting = config().get<string>(Settings.existingFiles) ?? 'skip';
  if (setting === 'overwrite') return 'overwrite';
  if (setting !== 'ask') return 'skip';
  let existing = 0;
  for (const f of files) {
    if (await stat(join(destination, ...f.localPath.split('/'))).catch(() => undefined)) existing++;
  }
  if (existing === 0) return 'skip';
  const items: (vscode.QuickPickItem & { policy: ExistingFilePolicy })[] = [
    {
      label: 'Skip identical files',
      description: 'download only what differs (same size and dandi-etag are kept)',
      policy: 'skip',
    },
    { label: 'Overwrite', description: `download all ${files.length} files again`, policy: 'overwrite' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: plainText(`${existing} of ${files.length} files already exist in ${destination}`),
    placeHolder: 'What should happen to files that already exist?',
    ignoreFocusOut: true,
  });
  return picked?.policy;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function progressMessage(p: DownloadProgress): string {
  const parts = [
    `${p.filesDone}/${p.filesTotal} files`,
    `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`,
  ];
  if (p.rate > 0) parts.push(`${formatBytes(p.rate)}/s`);
  if (p.etaSeconds !== undefined && p.rate > 0) parts.push(`${formatDuration(p.etaSeconds)} left`);
  return parts.join(' · ');
}

/**
 * A listing quicker than this shows no notification: it would only flash, and then linger while
 * it fades, over the download's own progress (one asset, a small folder).
 */
const LISTING_NOTICE_AFTER_MS = 500;

/** Lists every target into one plan (duplicates of the same asset at the same place dropped). */
async function planAll(
  deps: DownloadDeps,
  targets: readonly DownloadTarget[],
  external?: AbortSignal,
): Promise<DownloadPlan[] | undefined> {
  const controller = linkedAbort(external);
  const listing = (async (): Promise<DownloadPlan[] | undefined> => {
    const plans: DownloadPlan[] = [];
    for (const target of targets) {
      if (controller.signal.aborted) return undefined;
      try {
        plans.push(await buildPlan(deps.client, target, controller.signal));
      } catch (e) {
        // Cancelling the listing is not an error to report.
        if (controller.signal.aborted) return undefined;
        throw e;
      }
    }
    return controller.signal.aborted ? undefined : plans;
  })();
  let timer: NodeJS.Timeout | undefined;
  try {
    const slow = await Promise.race([
      listing.then(
        () => false,
        () => false,
      ),
      new Promise<boolean>(resolve => (timer = setTimeout(() => resolve(true), LISTING_NOTICE_AFTER_MS))),
    ]);
    if (slow) {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'DANDI: listing assets…',
          cancellable: true,
        },
        async (_progress, token) => {
          const subscription = token.onCancellationRequested(controller.abort);
          await listing.catch(() => undefined).finally(() => subscription.dispose());
        },
      );
    }
    return await listing;
  } finally {
    clearTimeout(timer);
    controller.dispose();
  }
}

/**
 * The whole download command: destination, listing, existing-files policy, the engine under a
 * cancellable progress notification, and a summary. Returns the summary (the VS Code tests read it)
 * or undefined when the user backed out.
 */
export async function downloadTargets(
  deps: DownloadDeps,
  targets: readonly DownloadTarget[],
  options: DownloadCommandOptions = {},
): Promise<DownloadSummary | undefined> {
  if (targets.length === 0) {
    void vscode.window.showWarningMessage('DANDI: nothing to download here.');
    return undefined;
  }
  const destination = options.destination ?? (await resolveDestination(deps.memento));
  if (!destination) return undefined;
  const plans = await planAll(deps, targets, options.signal);
  if (!plans) return undefined;
  return downloadPlans(deps, plans, destination, options);
}

/**
 * Downloads listed plans into `destination` (the rest of {@link downloadTargets}). `options.destination`
 * is set only when the caller, not the user, chose the folder.
 */
export async function downloadPlans(
  deps: DownloadDeps,
  plans: readonly DownloadPlan[],
  destination: string,
  options: DownloadCommandOptions = {},
): Promise<DownloadSummary | undefined> {
  const seen = new Set<string>();
  const files = plans
    .flatMap(p => p.files)
    .filter(f => {
      const key = `${f.assetId} ${f.localPath}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  const title = plans.length === 1 ? plans[0].title : `${plans.length} selections`;
  const policy = options.existing ?? (await resolvePolicy(destination, files));
  if (!policy) return undefined;
  if (options.destination && policy === 'overwrite') assertMayOverwriteAt(options.destination);
  for (const plan of plans) {
    if (plan.dandisetYaml) {
      const result = await writeDandisetYaml(destination, plan.dandisetYaml);
      deps.log.info(`${plan.dandisetYaml.localPath}: ${result}`);
    }
  }
  deps.log.info(
    `Downloading ${title}: ${files.length} files, ${formatBytes(files.reduce((n, f) => n + f.size, 0))} into ${destination} (existing files: ${policy})`,
  );
  const summary = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: plainText(`DANDI: downloading ${title}`),
      cancellable: true,
    },
    async (progress, token) => {
      const controller = abortOnCancel(token, options.signal);
      let lastPercent = 0;
      return runDownload(files, {
        destination,
        existing: policy,
        reservedPaths: plans.flatMap(plan => (plan.dandisetYaml ? [plan.dandisetYaml.localPath] : [])),
        apiKey: deps.apiKey,
        signal: controller.signal,
        parallelFiles: config().get<number>(Settings.parallelFiles),
        parallelParts: config().get<number>(Settings.parallelParts),
        onLog: (level, message) => deps.log[level](message),
        confirmStrayRemoval,
        onProgress: p => {
          const percent =
            p.bytesTotal > 0
              ? (100 * p.bytesDone) / p.bytesTotal
              : (100 * p.filesDone) / Math.max(1, p.filesTotal);
          const increment = Math.max(0, percent - lastPercent);
          lastPercent = Math.max(lastPercent, percent);
          progress.report({ message: progressMessage(p), increment });
          options.onProgress?.(p);
        },
      }).finally(() => controller.dispose());
    },
  );
  void showSummary(deps, summary, title, destination);
  return summary;
}

async function showSummary(
  deps: DownloadDeps,
  summary: DownloadSummary,
  title: string,
  destination: string,
): Promise<void> {
  const counts = [
    `${summary.downloaded.length} downloaded`,
    `${summary.skipped.length} skipped as identical`,
  ];
  const refused = summary.failed.filter(f => f.reason.startsWith('refused:'));
  if (summary.failed.length > refused.length) counts.push(`${summary.failed.length - refused.length} failed`);
  if (refused.length > 0) {
    const names = refused.slice(0, 3).map(f => JSON.stringify(f.path));
    counts.push(
      `${refused.length} refused as unsafe (${names.join(', ')}${refused.length > 3 ? ', …' : ''})`,
    );
  }
  deps.log.info(
    `Download of ${title} ${summary.cancelled ? 'cancelled' : 'finished'}: ${counts.join(', ')} (${destination})`,
  );
  for (const f of summary.failed) deps.log.error(`failed: ${f.path}: ${f.reason}`);
  const details = 'Show Details';
  let message: string;
  if (summary.cancelled) {
    message = `DANDI: download of ${title} cancelled (${counts.join(', ')}). Running it again resumes where it stopped.`;
  } else if (summary.failed.length > 0) {
    const first = summary.failed[0];
    message = `DANDI: ${title}: ${counts.join(', ')}. ${first.path}: ${first.reason}`;
  } else {
    message = `DANDI: ${title}: ${counts.join(', ')}.`;
  }
  const show =
    summary.failed.length > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(plainText(message), details);
  if (choice === details) deps.log.show(true);
}
