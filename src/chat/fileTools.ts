/**
 * The tools that open a file: `dandi_describeFile` (an NWB file's objects with type, shape, dtype,
 * unit and time range) and `dandi_pythonSnippet` (the Python that opens one object). A file is a
 * DANDI asset (Dandiset, version, path) or a local file, opened exactly as the NWB viewer opens it
 * (NwbDocument: HDF5 through the worker engine, Zarr through the hdmf-zarr adapter, with the same
 * caches and credentials), and closed again when the tool is done.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import { formatAssetUri } from '../dandi/assetUri';
import { NwbDocument } from '../editor/nwbDocument';
import { inspectFile } from '../hdf5/inspect';
import type { Hdf5File } from '../hdf5/types';
import type { NwbBackend } from '../nwb/backend';
import { describeObjects, sessionFields, type WalkedNode } from '../nwb/describe';
import type { NwbFile } from '../nwb/nwbFile';
import { checkPath } from '../nwb/params';
import { pythonSnippet } from '../nwb/snippet';
import { ZarrNwbBackend } from '../nwbzarr/backend';
import type { ExtensionServices } from '../services';
import { DANDISET_ID, VERSION, versionOrLatest } from './archiveTools';
import { jsonResult, textResult, ToolInput, ToolInputError, type ToolBody } from './toolKit';

/** Reads the file fields every file tool takes: `dandisetId` + `version` + `path`, or `localPath`. */
function fileTarget(
  input: ToolInput,
): { dandisetId: string; version?: string; path: string } | { local: string } {
  const local = input.string('localPath', { maxLength: 4096 });
  const dandisetId = input.string('dandisetId', DANDISET_ID);
  const version = input.string('version', VERSION);
  const path = input.string('path', { maxLength: 4096 });
  if (local) {
    if (dandisetId || path)
      throw new ToolInputError('Give either "localPath" or "dandisetId" and "path", not both.');
    return { local };
  }
  if (!dandisetId || !path)
    throw new ToolInputError('Name the file: "dandisetId" and "path" (an asset path), or "localPath".');
  return { dandisetId, version, path: path.replace(/^\/+/, '') };
}

function localFile(path: string): string {
  if (isAbsolute(path)) return path;
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!workspace)
    throw new ToolInputError(`"${path}" is relative and no folder is open; give an absolute path.`);
  return resolve(workspace, path);
}

/** Opens the named file as the viewer would; the caller disposes the document. */
async function openTarget(
  services: ExtensionServices,
  target: ReturnType<typeof fileTarget>,
  signal: AbortSignal,
): Promise<{ document: NwbDocument; nwb: NwbFile }> {
  let uri: vscode.Uri;
  if ('local' in target) {
    const path = localFile(target.local);
    if (!(await stat(path).catch(() => undefined))) throw new ToolInputError(`No file at ${path}.`);
    uri = vscode.Uri.file(path);
  } else {
    const client = services.client();
    const version = await versionOrLatest(client, target.dandisetId, target.version, signal);
    const asset = await client.findAssetByPath(target.dandisetId, version, target.path, signal);
    if (!asset)
      throw new ToolInputError(
        `No asset at "${target.path}" in ${target.dandisetId}/${version} on ${client.instance.name} (dandi_listAssets lists the paths).`,
      );
    uri = vscode.Uri.parse(
      formatAssetUri({
        apiUrl: client.apiUrl,
        assetId: asset.asset_id,
        path: asset.path,
        dandisetId: target.dandisetId,
        version,
        size: asset.size,
      }),
    );
  }
  const document = await NwbDocument.open(uri, services, signal);
  if (!document.nwb) {
    document.dispose();
    throw new Error(`Could not open ${uri.scheme === 'file' ? uri.fsPath : uri.path}: ${document.error}`);
  }
  return { document, nwb: document.nwb };
}

/** The engine's walk of either backend (what `npm run inspect` prints), as `/`-rooted nodes. */
async function walkNodes(backend: NwbBackend): Promise<WalkedNode[]> {
  if (backend instanceof ZarrNwbBackend) {
    const report = await backend.inspect();
    return report.nodes.map(node => ({
      path: `/${node.path.split('/').filter(Boolean).join('/')}`,
      kind: node.kind === 'array' ? 'dataset' : 'group',
      neurodataType: node.neurodataType,
      shape: node.shape,
      dtype: node.dtype,
    }));
  }
  if (!('walk' in backend)) throw new Error('this file cannot be walked');
  const report = await inspectFile(backend as Hdf5File);
  return report.nodes.map(node => ({
    path: node.path,
    kind: node.kind === 'group' ? 'group' : node.kind === 'dataset' ? 'dataset' : 'link',
    neurodataType: node.neurodataType,
    shape: node.shape,
    dtype: node.dtype,
  }));
}

export function describeFileTool(services: ExtensionServices): ToolBody {
  return {
    async run(raw, signal) {
      const input = new ToolInput(raw);
      const target = fileTarget(input);
      const under = input.string('objectPath', { maxLength: 4096 });
      const includeDatasets = input.boolean('includeDatasets', false);
      const maxObjects = input.integer('maxObjects', { min: 1, max: 500, default: 100 });
      input.done();
      const { document, nwb } = await openTarget(services, target, signal);
      try {
        const nodes = await walkNodes(nwb.h5);
        const { objects, matched } = await describeObjects(nwb, nodes, {
          under: under ? checkPath(under.startsWith('/') ? under : `/${under}`) : undefined,
          includeDatasets,
          maxObjects,
          signal,
        });
        const source = document.source;
        return jsonResult({
          file:
            source.kind === 'local' ? source.path : `${source.dandisetId}/${source.version}/${source.path}`,
          size: nwb.h5.info.size,
          nwbVersion: await nwb.version(),
          session: await sessionFields(nwb),
          objectCount: matched,
          ...(matched > objects.length
            ? {
                note: `${objects.length} of ${matched} objects shown; narrow with objectPath or raise maxObjects`,
              }
            : {}),
          objects,
        });
      } finally {
        document.dispose();
      }
    },
  };
}

export function pythonSnippetTool(services: ExtensionServices): ToolBody {
  return {
    async run(raw, signal) {
      const input = new ToolInput(raw);
      const target = fileTarget(input);
      const objectPath = input.string('objectPath', { required: true, maxLength: 4096 });
      input.done();
      const path = checkPath(objectPath.startsWith('/') ? objectPath : `/${objectPath}`);
      const { document, nwb } = await openTarget(services, target, signal);
      try {
        if (!(await nwb.reader.entry(path)))
          throw new ToolInputError(`The file has no object at ${path} (dandi_describeFile lists them).`);
        return textResult(pythonSnippet(document.source, path));
      } finally {
        document.dispose();
      }
    },
  };
}
