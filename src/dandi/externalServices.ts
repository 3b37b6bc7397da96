/**
 * "Open with" external services per file, the same table as the web UI
 * (dandi-archive web/src/utils/externalServices.ts, dandi-api.md 7.4): a service is offered when
 * its regex matches the asset path and the size is within its limit. Placeholders are substituted
 * verbatim (no URL-encoding), as the website does, so the choices and links match it.
 */
export interface ExternalService {
  name: string;
  regex: RegExp;
  maxSize: number;
  /** Template with $placeholders$, or a builder for the ones that need code (Neuroglancer). */
  url: string | ((asset: ExternalAsset) => string);
  /** Not offered for embargoed Dandisets (the service reads the bucket directly). */
  openDataOnly?: boolean;
}

export interface ExternalAsset {
  /** API root with trailing slash, e.g. `https://api.dandiarchive.org/api/`. */
  apiRoot: string;
  dandisetId: string;
  version: string;
  assetId: string;
  path: string;
  size: number;
  /** Unsigned S3 URL from `paths` (`asset.url`). */
  s3Url: string;
  embargoed: boolean;
}

const INF = Number.POSITIVE_INFINITY;

export const EXTERNAL_SERVICES: readonly ExternalService[] = [
  {
    name: 'Bioimagesuite/Viewer',
    regex: /\.nii(\.gz)?$/,
    maxSize: 1e9,
    url: 'https://bioimagesuiteweb.github.io/unstableapp/viewer.html?image=$asset_url$',
  },
  {
    name: 'MetaCell/NWBExplorer',
    regex: /\.nwb$/,
    maxSize: 1e9,
    url: 'https://nwbexplorer.opensourcebrain.org/nwbfile=$asset_url$',
  },
  {
    name: 'VTK/ITK Viewer',
    regex: /\.ome\.zarr$/,
    maxSize: INF,
    url: 'https://kitware.github.io/itk-vtk-viewer/app/?gradientOpacity=0.3&image=$asset_url$',
  },
  {
    name: 'OME Zarr validator',
    regex: /\.(ome|nii)\.zarr$/,
    maxSize: INF,
    url: 'https://ome.github.io/ome-ngff-validator/?source=$asset_url$',
  },
  {
    name: 'Neurosift',
    regex: /\.nii(\.gz)?$/,
    maxSize: INF,
    url: 'https://neurosift.app/dandiset/$dandiset_id$?tab=$asset_path$',
  },
  {
    name: 'Neurosift',
    regex: /\.nwb$/,
    maxSize: INF,
    url: 'https://neurosift.app/nwb?url=$asset_dandi_url$&dandisetId=$dandiset_id$&dandisetVersion=$dandiset_version$',
  },
  {
    name: 'Neurosift',
    regex: /\.nwb\.lindi\.(json|tar)$/,
    maxSize: INF,
    url: 'https://neurosift.app/nwb?url=$asset_dandi_url$&st=lindi&dandisetId=$dandiset_id$&dandisetVersion=$dandiset_version$',
  },
  {
    name: 'Neurosift',
    regex: /\.avi$/,
    maxSize: INF,
    url: 'https://v1.neurosift.app?p=/avi&url=$asset_dandi_url$&dandisetId=$dandiset_id$&dandisetVersion=$dandiset_version$',
  },
  {
    name: 'Neuroglancer',
    regex: /\.nii(\.gz)?$|\.zarr$/,
    maxSize: INF,
    openDataOnly: true,
    url: asset =>
      'https://neuroglancer-demo.appspot.com/#!' +
      encodeURIComponent(
        JSON.stringify({
          layers: [{ type: 'image', source: s3Source(asset), tab: 'rendering', name: asset.assetId }],
          selectedLayer: { visible: true, layer: asset.assetId },
          layout: '4panel',
        }),
      ),
  },
  {
    name: 'NeuroGlass',
    regex: /\.nii(\.gz)?$|\.(ome|nii)\.zarr$/,
    maxSize: INF,
    url: 'https://www.neuroglass.io/new?resource=$asset_dandi_metadata_url$',
  },
];

/** Neuroglancer's source string: `zarr://` or `nifti://` plus the S3 URL. */
function s3Source(asset: ExternalAsset): string {
  const url = asset.s3Url.replace(/\/$/, '');
  return /\.zarr$/.test(asset.path) ? `zarr://${url}` : `nifti://${url}`;
}

/** The services offered for an asset, with their URLs filled in. */
export function servicesFor(asset: ExternalAsset): { name: string; url: string }[] {
  const out: { name: string; url: string }[] = [];
  for (const service of EXTERNAL_SERVICES) {
    if (!service.regex.test(asset.path) || asset.size > service.maxSize) continue;
    if (service.openDataOnly && asset.embargoed) continue;
    out.push({
      name: service.name,
      url: typeof service.url === 'function' ? service.url(asset) : fill(service.url, asset),
    });
  }
  return out;
}

function fill(template: string, asset: ExternalAsset): string {
  const dandiUrl = `${asset.apiRoot}assets/${asset.assetId}/download/`;
  const s3 = asset.s3Url.replace(/\/$/, '');
  const values: Record<string, string> = {
    $dandiset_id$: asset.dandisetId,
    $dandiset_version$: asset.version,
    $asset_path$: asset.path,
    $asset_dandi_url$: dandiUrl,
    $asset_dandi_metadata_url$: `${asset.apiRoot}assets/${asset.assetId}/`,
    $asset_s3_url$: s3,
    $asset_url$: asset.embargoed ? dandiUrl : s3,
  };
  return template.replace(/\$[a-z_]+\$/g, key => values[key] ?? key);
}
