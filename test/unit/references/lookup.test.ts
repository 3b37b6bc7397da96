import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { DandiClient } from '../../../src/dandi/client';
import { KNOWN_INSTANCES } from '../../../src/dandi/instances';
import { parseReferenceOffline, type DandiReference } from '../../../src/dandi/references';
import type { DandiInstance, PathRecord } from '../../../src/dandi/types';
import { ReferenceLookup, type Existence } from '../../../src/references/lookup';
import { activeApiUrl } from '../../../src/references/rewrite';
import { startArchive } from '../../archive/server';
import type { StandInArchive } from '../../archive/types';

const ref = (text: string): DandiReference => parseReferenceOffline(text) as DandiReference;

function found(answer: Existence): Extract<Existence, { status: 'found' }> {
  assert.equal(answer.status, 'found', answer.status === 'found' ? '' : answer.message);
  return answer as Extract<Existence, { status: 'found' }>;
}

describe('ReferenceLookup against the stand-in archive', function () {
  this.timeout(60_000);
  let archive: StandInArchive;
  let instance: DandiInstance;
  let client: DandiClient;
  let clock = 0;
  const lookup = (draftTtlMs = 30_000) => new ReferenceLookup(() => client, { draftTtlMs, now: () => clock });
  const apiRequests = (part: string) => archive.log.filter(e => e.origin === 'api' && e.url.includes(part));
  /** A folder of the scale Dandiset's draft with files in it, as the archive lists it. */
  let folder: string;
  let files: PathRecord[];

  before(async () => {
    archive = await startArchive();
    instance = { name: 'stand-in', apiUrl: archive.apiUrl, webUrl: archive.webUrl };
    client = new DandiClient({ instance, retry: { attempts: 1 } });
    const top = await client.listPaths(archive.ids.scale, 'draft', '');
    const subject = top.items.find(p => p.asset === null && p.path.startsWith('sub-'));
    assert.ok(subject, 'the scale Dandiset has subject folders');
    const session = (await client.listPaths(archive.ids.scale, 'draft', subject.path)).items.find(
      p => p.asset === null,
    );
    assert.ok(session, 'a subject folder has sessions');
    folder = session.path;
    files = (await client.listPaths(archive.ids.scale, 'draft', folder)).items.filter(p => p.asset);
    assert.ok(files.length >= 3, 'a session folder holds several files');
  });
  after(() => archive.close());
  beforeEach(() => {
    archive.faults.reset();
    archive.clearLog();
    clock = 0;
  });

  it('resolves an unversioned public reference on the custom instance to the latest published version', async () => {
    const record = await client.getDandiset('000003');
    const latest = record.most_recent_published_version?.version;
    assert.ok(latest, '000003 has a published version');
    const answer = found(await lookup().exists(ref('DANDI:000003')));
    assert.equal(answer.target.version, latest);
    assert.equal(answer.target.latestPublished, latest);
    assert.equal(answer.target.reference.instance.apiUrl, archive.apiUrl);
    assert.equal(activeApiUrl(answer.target, archive.apiUrl), `${archive.apiUrl}/dandisets/000003/`);
  });

  it('says what does not exist: a Dandiset, a version never published, a file, a folder', async () => {
    const look = lookup();
    const published = (await client.getDandiset('000003')).most_recent_published_version?.version;
    const cases: [string, RegExp][] = [
      ['DANDI:999999', /Dandiset 999999 does not exist/],
      ['DANDI:000003/0.999999.9999', new RegExp(`no version 0\\.999999\\.9999.*latest is ${published}`)],
      [
        `dandi://dandi/${archive.ids.scale}@draft/${folder}/no-such-file.nwb`,
        /No file ".*no-such-file\.nwb"/,
      ],
      [`dandi://dandi/${archive.ids.scale}@draft/no-such-folder/x.nwb`, /No file "no-such-folder\/x\.nwb"/],
      [`dandi://dandi/${archive.ids.scale}@draft/no-such-folder/`, /No folder "no-such-folder"/],
      [`dandi://dandi/${archive.ids.scale}@draft/${folder}`, /is a folder, not a file/],
    ];
    for (const [text, message] of cases) {
      const answer = await look.exists(ref(text));
      assert.equal(answer.status, 'missing', `${text}: ${answer.status}`);
      if (answer.status === 'missing') assert.match(answer.message, message, text);
    }
  });

  it('takes a web files?location= naming a file as that file (PatchSeq manifests link files this way)', async () => {
    const file = files[0];
    const url = `${archive.webUrl}/dandiset/${archive.ids.scale}/draft/files?location=${encodeURIComponent(file.path)}`;
    const parsed = parseReferenceOffline(url, { instances: [instance] }) as DandiReference;
    assert.equal(parsed.kind, 'folder', 'the parser reads location= as a folder');
    const target = found(await lookup().exists(parsed)).target;
    assert.equal(target.asset?.assetId, file.asset?.asset_id);
    assert.equal(target.folder, undefined);
  });

  it('batches the files of one folder into one listing, and concurrent references into one request', async () => {
    const look = lookup();
    const texts = [
      ...files.map(f => `dandi://dandi/${archive.ids.scale}@draft/${f.path}`),
      `dandi://dandi/${archive.ids.scale}@draft/${folder}/missing.nwb`,
    ];
    const answers = await Promise.all(texts.map(t => look.exists(ref(t))));
    assert.deepEqual(
      answers.map(a => a.status),
      [...files.map(() => 'found'), 'missing'],
    );
    answers.slice(0, files.length).forEach((a, i) => {
      const target = found(a).target;
      assert.equal(target.asset?.assetId, files[i].asset?.asset_id);
      assert.equal(target.asset?.size, files[i].aggregate_size);
    });
    assert.equal(apiRequests('/assets/paths/').length, 1, 'one listing of the folder');
    assert.equal(
      apiRequests(`/dandisets/${archive.ids.scale}/`).length,
      2,
      'the Dandiset record and the listing',
    );
  });

  it('keeps published answers for the session and draft answers briefly', async () => {
    const ttl = 1000;
    const look = lookup(ttl);
    const published = (await client.getDandiset('000003')).most_recent_published_version?.version ?? '';
    const top = (await client.listPaths('000003', published, '')).items[0];
    const publishedFile = `dandi://dandi/000003@${published}/${top.path}${top.asset ? '' : '/'}`;
    const draftFile = `dandi://dandi/${archive.ids.scale}@draft/${files[0].path}`;
    archive.clearLog();
    for (const text of [publishedFile, draftFile]) found(await look.exists(ref(text)));
    const first = apiRequests('/').length;
    assert.ok(first >= 4, `looked up both (${first} requests)`);

    archive.clearLog();
    clock += ttl / 2;
    for (const text of [publishedFile, draftFile]) found(await look.exists(ref(text)));
    assert.equal(apiRequests('/').length, 0, 'within the draft time to live nothing is asked again');

    archive.clearLog();
    clock += ttl * 2;
    for (const text of [publishedFile, draftFile]) found(await look.exists(ref(text)));
    assert.equal(apiRequests(`/versions/${published}/assets/paths/`).length, 0, 'published listing kept');
    assert.equal(apiRequests('/versions/draft/assets/paths/').length, 1, 'draft listing asked again');
  });

  it('finds a folder with its totals, and an asset by id', async () => {
    const look = lookup();
    const parent = folder.slice(0, folder.lastIndexOf('/'));
    const entry = (await client.listPaths(archive.ids.scale, 'draft', parent)).items.find(
      p => p.path === folder,
    );
    const answer = found(await look.exists(ref(`dandi://dandi/${archive.ids.scale}@draft/${folder}/`)));
    assert.deepEqual(answer.target.folder, {
      path: folder,
      size: entry?.aggregate_size,
      files: entry?.aggregate_files,
    });
    const assetId = files[0].asset?.asset_id ?? '';
    const byId = found(
      await look.exists(
        parseReferenceOffline(
          `${archive.apiUrl}/dandisets/${archive.ids.scale}/versions/draft/assets/${assetId}/`,
          {
            instances: [instance],
          },
        ),
      ),
    );
    assert.equal(byId.target.asset?.path, files[0].path);
  });

  it('does not call a failed lookup missing (server errors, a server that is down)', async () => {
    archive.faults.set({ html503: { count: 1000, scope: 'api' } });
    const answer = await lookup().exists(ref('DANDI:000003'));
    assert.equal(answer.status, 'unknown');
    archive.faults.reset();

    const closed = await new Promise<number>(resolve => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const down = new DandiClient({
      instance: { name: 'down', apiUrl: `http://127.0.0.1:${closed}/api`, webUrl: null },
      retry: { attempts: 1 },
    });
    const offline = await new ReferenceLookup(() => down).exists(ref('DANDI:000003'));
    assert.equal(offline.status, 'unknown');
  });

  it('looks up only references of the active instance (public ids count on a custom one)', async () => {
    const look = lookup();
    assert.ok(look.onActiveInstance(ref('DANDI:000003')), 'DANDI ids are read on a custom instance');
    assert.equal(look.onActiveInstance(ref('LINC:000003')), undefined);
    archive.clearLog();
    const answer = await look.exists(ref('LINC:000003'));
    assert.equal(answer.status, 'unknown');
    assert.equal(archive.log.length, 0, 'nothing is asked about another archive');

    const dandi = KNOWN_INSTANCES[0];
    const onDandi = new ReferenceLookup(() => new DandiClient({ instance: dandi }));
    assert.equal(onDandi.onActiveInstance(ref('DANDI:000003'))?.instance, dandi);
    assert.equal(onDandi.onActiveInstance(ref('DANDI-SANDBOX:000003')), undefined);
  });
});
