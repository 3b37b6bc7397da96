import type * as vscode from 'vscode';
import { parseAssetUri, type RemoteAssetRef } from '../dandi/assetUri';

/**
 * The asset a `dandi-asset:` Uri names. vscode.Uri holds the path decoded (a `%` in a file name
 * stays a `%`) and re-encodes the query when printed, so the text parseAssetUri reads is rebuilt
 * from the parts rather than from uri.toString().
 */
export function assetRefOfUri(uri: vscode.Uri): RemoteAssetRef {
  const path = uri.path
    .split('/')
    .map(segment => encodeURIComponent(segment))
    .join('/');
  return parseAssetUri(`${uri.scheme}://${uri.authority}${path}?${uri.query}`);
}
