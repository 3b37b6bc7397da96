import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { type SeedIds } from './types';
import { bytesBlob, type FileDigestCache, fileBlob, generatedBlob } from './blobs';
import { seedOf, uuidFrom } from './content';
import {
  type ArchiveStore,
  type JsonObject,
  type StoredAsset,
  type StoredBlob,
  type StoredDandiset,
  type StoredVersion,
} from './model';
import { encodingFor } from './seedReal';
import { OME_LARGE_ID, seedOmeLarge } from './seedOme';
import { generateZarr } from './zarr';
import { addEmbargoedZarr, seedZarrCorpus, ZARR_CORPUS_ID } from './zarrCorpus';

/** The generated Dandisets (ids in the 99000x range) described in test/archive/README.md. */

export const SEED_IDS: SeedIds = {
  scale: '990001',
  nwbDemo: '990002',
  corpus: '990003',
  embargoed: '990004',
  large: '990005',
  zarr: '990006',
  ibl: '990008',
  videoCorpus: '990009',
  zarrCorpus: ZARR_CORPUS_ID,
  omeLarge: OME_LARGE_ID,
};
export const HOSTILE_ID = '990007';
export const OWNER = 'owner';
export const NWB_DEMO_PUBLISHED = '0.250101.1200';
export const HOSTILE_NAME = '<img src=x onerror=alert(1)> Scale test';
/**
 * Asset paths of the hostile Dandiset that a download must refuse: escapes, Windows devices and
 * controls, and every spelling of a tool's control folder (a `.git/config` with `core.fsmonitor`
 * makes git run a command as soon as VS Code's Git extension looks at the folder).
 */
export const HOSTILE_PATHS = [
  '../escape.nwb',
  'sub-01/../../x.nwb',
  '/abs.nwb',
  'con.txt',
  'sub-02/bad\u0007name.nwb',
  '.git/HEAD',
  '.git/config',
  '.git/objects/4b/825dc642cb6eb9a060e54bf8d69288fbee4904',
  '.git/refs/heads/main',
  '.GIT~1/config',
  'GIT~1/config',
  '.g\u200cit/config',
  '.vscode/tasks.json',
  '.vscode/settings.json',
  'CONIN$',
  'sub-01/report\u202Eslx.nwb',
];
/** The hostile Dandiset's ordinary files, beside the hostile ones: they must arrive. */
export const HOSTILE_NORMAL_PATHS = ['sub-01/ok.nwb', 'sub-02/notes.txt'];
/** What the control-folder files hold: what an attacker would plant there. */
const HOSTILE_TEXT: Record<string, string> = {
  '.git/HEAD': 'ref: refs/heads/main\n',
  '.git/config':
    '[core]\n\trepositoryformatversion = 0\n\tfsmonitor = "touch /tmp/dandi-hostile-fsmonitor-ran"\n',
  '.GIT~1/config': '[core]\n\tfsmonitor = "touch /tmp/dandi-hostile-fsmonitor-ran"\n',
  'GIT~1/config': '[core]\n\tfsmonitor = "touch /tmp/dandi-hostile-fsmonitor-ran"\n',
  '.g\u200cit/config': '[core]\n\tfsmonitor = "touch /tmp/dandi-hostile-fsmonitor-ran"\n',
  '.git/refs/heads/main': '4b825dc642cb6eb9a060e54bf8d69288fbee4904\n',
  '.vscode/tasks.json':
    '{"version":"2.0.0","tasks":[{"label":"x","type":"shell","command":"touch /tmp/dandi-hostile-task-ran","runOptions":{"runOn":"folderOpen"}}]}\n',
  '.vscode/settings.json': '{"git.path":"/tmp/dandi-hostile-git"}\n',
};

const BASE_TIME = Date.parse('2025-01-01T00:00:00Z');

/** Timestamps with microseconds, one microsecond apart in creation order. */
function stamp(index: number): string {
  // 2025-01-01T00:00:SS.mmmuuuZ without a Date per asset (start-up makes 11k of these).
  const micros = index % 1_000_000;
  const seconds = Math.floor(index / 1_000_000);
  return `2025-01-01T00:00:${String(seconds).padStart(2, '0')}.${String(micros).padStart(6, '0')}Z`;
}

function dandisetMetadata(id: string, name: string, description: string, extra: JsonObject = {}): JsonObject {
  return {
    '@context': 'https://raw.githubusercontent.com/dandi/schema/master/releases/0.6.4/context.json',
    schemaKey: 'Dandiset',
    schemaVersion: '0.6.4',
    id: `DANDI:${id}/draft`,
    identifier: `DANDI:${id}`,
    version: 'draft',
    name,
    description,
    license: ['spdx:CC-BY-4.0'],
    access: [{ schemaKey: 'AccessRequirements', status: 'dandi:OpenAccess' }],
    contributor: [
      {
        schemaKey: 'Person',
        name: 'Owner, Olive',
        email: 'owner@example.org',
        roleName: ['dcite:ContactPerson'],
        includeInCitation: true,
      },
    ],
    keywords: ['stand-in', 'generated'],
    assetsSummary: {
      schemaKey: 'AssetsSummary',
      numberOfBytes: 0,
      numberOfFiles: 0,
      species: [
        {
          schemaKey: 'SpeciesType',
          identifier: 'http://purl.obolibrary.org/obo/NCBITaxon_10090',
          name: 'Mus musculus - House mouse',
        },
      ],
      approach: [{ schemaKey: 'ApproachType', name: 'electrophysiological approach' }],
      measurementTechnique: [{ schemaKey: 'MeasurementTechniqueType', name: 'spike sorting technique' }],
      variableMeasured: [],
    },
    dateCreated: '2025-01-01T00:00:00.000000+00:00',
    citation: `Owner, Olive (2025) ${name}. DANDI Archive.`,
    ...extra,
  };
}

export function makeDandiset(
  id: string,
  name: string,
  description: string,
  owners: string[],
  extra: JsonObject = {},
): StoredDandiset {
  const draft: StoredVersion = {
    version: 'draft',
    name,
    status: 'Valid',
    created: stamp(0),
    modified: stamp(0),
    metadata: dandisetMetadata(id, name, description, extra),
    validationErrors: [],
    assets: [],
    generation: 0,
  };
  return {
    identifier: id,
    created: stamp(0),
    embargoStatus: 'OPEN',
    owners,
    starredBy: new Set(),
    versions: [draft],
  };
}

function assetOf(
  dandisetId: string,
  path: string,
  blob: StoredBlob | null,
  index: number,
  extra: JsonObject = {},
): StoredAsset {
  return {
    assetId: uuidFrom(`asset:${dandisetId}:${path}`),
    path,
    blob,
    zarr: null,
    created: stamp(index + 1),
    modified: stamp(index + 1),
    metadata: {
      schemaKey: 'Asset',
      schemaVersion: '0.6.4',
      encodingFormat: encodingFor(path),
      blobDateModified: blob ? blob.lastModified.toISOString() : stamp(index + 1),
      ...extra,
    },
  };
}

function genBlob(dandisetId: string, path: string, size: number, embargoed = false): StoredBlob {
  return generatedBlob(uuidFrom(`blob:${dandisetId}:${path}`), size, new Date(BASE_TIME), embargoed);
}

export function finish(store: ArchiveStore, d: StoredDandiset): void {
  for (const v of d.versions) {
    v.modified = v.assets.reduce((m, a) => (a.modified > m ? a.modified : m), v.created);
    v.generation++;
  }
  store.addDandiset(d);
}

/** 11,200 small generated assets: sub-XXX/ses-YYY/ nesting plus a folder with 1,200 direct children. */
function scale(store: ArchiveStore): void {
  const id = SEED_IDS.scale;
  const d = makeDandiset(id, HOSTILE_NAME, 'Generated paging test. <script>alert("x")</script> & "quotes"', [
    OWNER,
  ]);
  const draft = d.versions[0] as StoredVersion;
  let n = 0;
  for (let s = 1; s <= 40; s++) {
    for (let e = 1; e <= 5; e++) {
      for (let f = 1; f <= 50; f++) {
        const sub = `sub-${String(s).padStart(3, '0')}`;
        const ses = `ses-${String(e).padStart(3, '0')}`;
        const path = `${sub}/${ses}/${sub}_${ses}_run-${String(f).padStart(3, '0')}.nwb`;
        draft.assets.push(assetOf(id, path, genBlob(id, path, 512 + (seedOf(path) % 8192)), n++));
      }
    }
  }
  for (let f = 1; f <= 1200; f++) {
    const path = `stimuli/stim-${String(f).padStart(4, '0')}.png`;
    draft.assets.push(assetOf(id, path, genBlob(id, path, 100 + (f % 300)), n++));
  }
  finish(store, d);
}

export function listFiles(dir: string, exts: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) {
        if (!name.endsWith('.zarr')) walk(full);
      } else if (st.isFile() && exts.test(name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

export const toPosix = (p: string): string => p.split(sep).join('/');

export async function fileAssets(
  id: string,
  files: { file: string; path: string }[],
  cache: FileDigestCache,
  embargoed = false,
): Promise<StoredAsset[]> {
  const blobs = await Promise.all(
    files.map(f => fileBlob(uuidFrom(`blob:${id}:${f.path}`), f.file, cache, embargoed)),
  );
  return files.map((f, i) => assetOf(id, f.path, blobs[i] as StoredBlob, i));
}

export interface GeneratedSeedOptions {
  corpusDirs: string[];
  generatedNwbDir?: string;
  largeFiles: string[];
  digestCache: FileDigestCache;
  /** ../shared/fixtures: its Zarr stores become Dandiset 990010 (zarrCorpus.ts). */
  fixturesDir?: string;
  /** Also serve an embargoed Zarr asset in the embargoed Dandiset. */
  embargoedZarr?: boolean;
}

export async function loadGeneratedSeed(store: ArchiveStore, opts: GeneratedSeedOptions): Promise<void> {
  scale(store);

  // The project's generated NWB files: a draft and one published version with the same assets.
  const demo = makeDandiset(SEED_IDS.nwbDemo, 'Generated NWB demo', "The project's generated NWB fixtures.", [
    OWNER,
  ]);
  const demoFiles = opts.generatedNwbDir ? listFiles(opts.generatedNwbDir, /\.nwb$/i) : [];
  const demoDraft = demo.versions[0] as StoredVersion;
  demoDraft.assets = await fileAssets(
    demo.identifier,
    demoFiles.map(file => ({ file, path: toPosix(relative(opts.generatedNwbDir as string, file)) })),
    opts.digestCache,
  );
  const published: StoredVersion = {
    ...demoDraft,
    version: NWB_DEMO_PUBLISHED,
    status: 'Valid',
    created: '2025-01-01T12:00:00.000000Z',
    metadata: {
      ...demoDraft.metadata,
      version: NWB_DEMO_PUBLISHED,
      id: `DANDI:${demo.identifier}/${NWB_DEMO_PUBLISHED}`,
      doi: `10.48324/dandi.${demo.identifier}/${NWB_DEMO_PUBLISHED}`,
      datePublished: '2025-01-01T12:00:00.000000+00:00',
    },
  };
  demo.versions.push(published);
  demoDraft.status = 'Published';
  finish(store, demo);

  // Every .nwb/.h5/.hdf5 under the corpus folders, with real digests.
  const corpus = makeDandiset(SEED_IDS.corpus, 'NWB/HDF5 corpus', 'Real files written by real tools.', [
    OWNER,
  ]);
  const seen = new Set<string>();
  const corpusFiles: { file: string; path: string }[] = [];
  for (const dir of opts.corpusDirs) {
    for (const file of listFiles(dir, /\.(nwb|h5|hdf5)$/i)) {
      let path = toPosix(relative(dir, file));
      if (seen.has(path)) path = `${basename(dir)}/${path}`;
      seen.add(path);
      corpusFiles.push({ file, path });
    }
  }
  (corpus.versions[0] as StoredVersion).assets = await fileAssets(
    corpus.identifier,
    corpusFiles,
    opts.digestCache,
  );
  finish(store, corpus);

  // Embargoed: readable only with the owner's key; its blobs only through presigned URLs.
  const emb = makeDandiset(
    SEED_IDS.embargoed,
    'Embargoed test Dandiset',
    'Visible to its owner only.',
    [OWNER],
    {
      access: [
        { schemaKey: 'AccessRequirements', status: 'dandi:EmbargoedAccess', embargoedUntil: '2030-01-01' },
      ],
    },
  );
  emb.embargoStatus = 'EMBARGOED';
  const embDraft = emb.versions[0] as StoredVersion;
  embDraft.assets = ['sub-01/sub-01_ecephys.nwb', 'sub-02/sub-02_ecephys.nwb'].map((p, i) =>
    assetOf(emb.identifier, p, genBlob(emb.identifier, p, 4096 + i * 1000, true), i),
  );
  finish(store, emb);

  // Large: the given files plus a generated multi-part (3 × 64 MiB parts) blob.
  const large = makeDandiset(SEED_IDS.large, 'Large files', 'Multi-part dandi-etag test files.', [OWNER]);
  const largeDraft = large.versions[0] as StoredVersion;
  largeDraft.assets = await fileAssets(
    large.identifier,
    opts.largeFiles.map(file => ({ file, path: basename(file) })),
    opts.digestCache,
  );
  const multipart = 'generated/multipart-150MiB.bin';
  largeDraft.assets.push(
    assetOf(
      large.identifier,
      multipart,
      genBlob(large.identifier, multipart, 150 * 1024 * 1024 + 12345),
      largeDraft.assets.length,
    ),
  );
  finish(store, large);

  // Zarr: one Zarr asset and one blob asset.
  const zd = makeDandiset(SEED_IDS.zarr, 'Zarr test Dandiset', 'A Zarr asset and a blob asset.', [OWNER]);
  const zDraft = zd.versions[0] as StoredVersion;
  const zarrPath = 'sub-01/sub-01_sample.ome.zarr';
  const zarrAsset = assetOf(zd.identifier, zarrPath, null, 0, { encodingFormat: 'application/x-zarr' });
  zarrAsset.zarr = generateZarr(
    uuidFrom(`zarr:${zd.identifier}:${zarrPath}`),
    'sub-01_sample.ome.zarr',
    zd.identifier,
  );
  zDraft.assets = [
    zarrAsset,
    assetOf(zd.identifier, 'README.md', genBlob(zd.identifier, 'README.md', 777), 1),
  ];
  finish(store, zd);

  // Hostile paths that the real server would refuse: download code must refuse them too.
  const hostile = makeDandiset(
    HOSTILE_ID,
    'Hostile paths',
    'Asset paths that must never be written as given.',
    ['curator'],
  );
  (hostile.versions[0] as StoredVersion).assets = [...HOSTILE_PATHS, ...HOSTILE_NORMAL_PATHS].map((p, i) => {
    const text = HOSTILE_TEXT[p];
    const blob =
      text === undefined
        ? genBlob(HOSTILE_ID, p, 64 + i)
        : bytesBlob(uuidFrom(`blob:${HOSTILE_ID}:${p}`), Buffer.from(text), new Date(BASE_TIME));
    return assetOf(HOSTILE_ID, p, blob, i);
  });
  finish(store, hostile);

  if (opts.fixturesDir) {
    const dir = opts.fixturesDir;
    seedZarrCorpus(store, dir, id =>
      makeDandiset(id, 'Zarr corpus', 'Real Zarr stores: NWB-Zarr, OME-Zarr and codec fixtures.', [
        'curator',
      ]),
    );
    if (opts.embargoedZarr) addEmbargoedZarr(store, dir, SEED_IDS.embargoed);
  }
  seedOmeLarge(store);

  for (const sid of ['000003', '000064', SEED_IDS.nwbDemo]) store.dandisets.get(sid)?.starredBy.add(OWNER);
}
