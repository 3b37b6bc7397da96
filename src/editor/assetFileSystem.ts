/**
 * A read-only file system for `dandi-asset:` URIs, so VS Code can open remote assets in the NWB
 * viewer (the workbench stats a resource before it opens an editor for it). The viewer streams the
 * bytes itself; `readFile` (used by text editors, diff, "Open With > Text") serves only small
 * files and refuses big ones with a clear message instead of downloading gigabytes.
 */
import * as vscode from 'vscode';
import { assetRefOfUri } from './assetUriOf';
import { trimSlashes } from '../dandi/instances';
import { NetError } from '../net/errors';
import { discard, httpGet, readBody } from '../net/request';

/** Largest asset `readFile` downloads whole. */
/** A stalled archive must not hold an editor open forever. */
const READ_TIMEOUT_MS = 60_000;
const MAX_READ_BYTES = 16 * 1024 * 1024;

export class AssetFileSystemProvider implements vscode.FileSystemProvider {
  private readonly _onDidChangeFile = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this._onDidChangeFile.event;

  stat(uri: vscode.Uri): vscode.FileStat {
    const ref = this._ref(uri);
    return {
      type: vscode.FileType.File,
      ctime: 0,
      mtime: 0,
      size: ref.size ?? 0,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const ref = this._ref(uri);
    if (ref.size === undefined || ref.size > MAX_READ_BYTES) {
      const size = ref.size === undefined ? 'of unknown size' : `${(ref.size / 1024 / 1024).toFixed(0)} MiB`;
      throw vscode.FileSystemError.NoPermissions(
        `${ref.path} is ${size}: DANDI assets are streamed by the NWB viewer, not read whole. Download it to open it with another editor.`,
      );
    }
    // No credentials here: the HTTP layer follows the redirect to the blob host (through the proxy).
    let bytes: Buffer;
    try {
      const response = await httpGet(
        `${trimSlashes(ref.apiUrl)}/assets/${encodeURIComponent(ref.assetId)}/download/`,
        {
          signal: AbortSignal.timeout(READ_TIMEOUT_MS),
        },
      );
      if (response.status < 200 || response.status >= 300) {
        discard(response.body);
        throw vscode.FileSystemError.Unavailable(`${ref.path}: the archive answered ${response.status}`);
      }
      // The size in the Uri is only what the tree said: stop at the cap whatever the server sends.
      bytes = await readBody(response, MAX_READ_BYTES);
    } catch (error) {
      if (error instanceof NetError && error.code === 'too-large') {
        throw vscode.FileSystemError.NoPermissions(
          `${ref.path} is larger than ${MAX_READ_BYTES / 1024 / 1024} MiB: download it to open it with another editor.`,
        );
      }
      throw error instanceof NetError
        ? vscode.FileSystemError.Unavailable(`${ref.path}: ${error.message}`)
        : error;
    }
    return bytes;
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this._onDidChangeFile.dispose();
  }

  private _ref(uri: vscode.Uri) {
    try {
      return assetRefOfUri(uri);
    } catch (e) {
      throw vscode.FileSystemError.FileNotFound(
        `${uri.toString(true)}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
}
