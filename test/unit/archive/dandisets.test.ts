import * as assert from 'node:assert/strict';
import { get, getJson, header, ownersIds, type PageBody, useArchive } from './helpers';

type Item = Record<string, unknown> & { identifier: string };

describe('stand-in archive: Dandisets, versions, info, web UI', () => {
  const archive = useArchive();

  it('serves /info/ with its own API and web URLs, and /server-info on the web origin', async () => {
    const a = archive();
    const info = await getJson<{
      services: { api: { url: string }; webui: { url: string } };
      'cli-minimal-version': string;
    }>(`${a.apiUrl}/info/`);
    assert.equal(info.services.api.url, a.apiUrl);
    assert.equal(info.services.webui.url, a.webUrl);
    assert.equal(info['cli-minimal-version'], '0.74.0');
    assert.deepEqual(await getJson(`${a.webUrl}/server-info`), info);
    assert.equal(a.controlUrl, `${a.webUrl}/__control`);
  });

  it('serves /stats/', async () => {
    const stats = await getJson<{ dandiset_count: number; published_dandiset_count: number; size: number }>(
      `${archive().apiUrl}/stats/`,
    );
    assert.ok(stats.dandiset_count > 370);
    assert.ok(stats.published_dandiset_count >= 8);
    assert.ok(stats.size > 0);
  });

  it('lists the 370 real drafts plus real listings and generated Dandisets, with DandiPagination', async () => {
    const a = archive();
    const p1 = await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?page_size=50`);
    assert.equal(p1.results.length, 50);
    assert.ok((p1.count as number) >= 377);
    assert.equal(p1.previous, null);
    assert.equal(p1.next, `${a.apiUrl}/dandisets/?page=2&page_size=50`);
    const p2 = await getJson<PageBody<Item>>(p1.next as string);
    assert.equal(p2.count, p1.count, 'count on every page');
    assert.equal(p2.previous, `${a.apiUrl}/dandisets/?page_size=50`, 'page 2 previous has no page param');
    const last = await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?page=last&page_size=50`);
    assert.equal(last.next, null);
    const item = p1.results.find(d => d.identifier === '000003') as Item;
    assert.equal(item.contact_person, 'Senzai, Yuta');
    assert.equal((item.most_recent_published_version as { version: string }).version, '0.230629.1955');
    assert.ok(!p1.results.some(d => d.identifier === a.ids.embargoed), 'embargoed hidden by default');
  });

  it('writes every timestamp as UTC with microseconds', async () => {
    const all = await getJson<PageBody<Item>>(`${archive().apiUrl}/dandisets/?page_size=1000`);
    const stamps = all.results.flatMap(d => [
      d.created,
      d.modified,
      ...['draft_version', 'most_recent_published_version'].flatMap(k => {
        const v = d[k] as { created: string; modified: string } | null;
        return v ? [v.created, v.modified] : [];
      }),
    ]);
    for (const ts of stamps) assert.match(String(ts), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('answers 404 Invalid page past the end, for page=0 and page=abc', async () => {
    const a = archive();
    for (const page of ['0', 'abc', '999']) {
      const r = await get(`${a.apiUrl}/dandisets/?page=${page}`);
      assert.equal(r.status, 404, page);
      assert.deepEqual(r.json, { detail: 'Invalid page.' });
    }
  });

  it('clamps page_size to 1000 and falls back to 100 for 0, negative and non-numeric values', async () => {
    const a = archive();
    const all = await getJson<PageBody>(`${a.apiUrl}/dandisets/?page_size=5000`);
    assert.ok((all.count as number) >= 377);
    assert.equal(all.results.length, Math.min(1000, all.count as number));
    for (const size of ['0', '-5', 'ten']) {
      assert.equal(
        (await getJson<PageBody>(`${a.apiUrl}/dandisets/?page_size=${size}`)).results.length,
        100,
        size,
      );
    }
  });

  it('builds next links with the query keys sorted alphabetically', async () => {
    const a = archive();
    const p = await getJson<PageBody>(`${a.apiUrl}/dandisets/?page_size=10&ordering=-id&draft=true`);
    assert.equal(p.next, `${a.apiUrl}/dandisets/?draft=true&ordering=-id&page=2&page_size=10`);
  });

  it('filters draft=false, empty=false and validates booleans', async () => {
    const a = archive();
    const published = await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?draft=false&page_size=1000`);
    assert.ok(published.results.length >= 8);
    assert.ok(published.results.every(d => d.most_recent_published_version !== null));
    const nonEmpty = await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?empty=false&page_size=1000`);
    assert.ok(
      nonEmpty.results.every(
        d =>
          ((d.most_recent_published_version ?? d.draft_version) as { asset_count: number }).asset_count > 0,
      ),
    );
    const bad = await get(`${a.apiUrl}/dandisets/?draft=maybe`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { draft: ['Must be a valid boolean.'] });
  });

  it('orders by id, name, size and stars, descending with "-"', async () => {
    const a = archive();
    const ids = (
      await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?ordering=-id&page_size=3`)
    ).results.map(d => d.identifier);
    assert.deepEqual(ids, [...ids].sort().reverse());
    // The highest generated id (more are added as the archive grows; the hostile one was last once).
    assert.equal(ids[0], [...Object.values(a.ids), a.hostileId].sort().at(-1));
    const bySize = (await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?ordering=-size&page_size=20`))
      .results;
    const sizes = bySize.map(
      d => ((d.most_recent_published_version ?? d.draft_version) as { size: number }).size,
    );
    assert.deepEqual(
      sizes,
      [...sizes].sort((x, y) => y - x),
    );
    assert.ok(
      bySize.some(d => d.identifier === '000026'),
      'the lazily built listing is sized before it is built',
    );
    const byStars = (await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?ordering=-stars&page_size=3`))
      .results;
    assert.ok(byStars.every(d => d.star_count === 1));
    const byName = (await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?ordering=name&page_size=20`))
      .results;
    const names = byName.map(d =>
      ((d.most_recent_published_version ?? d.draft_version) as { name: string }).name.toLowerCase(),
    );
    assert.deepEqual(names, [...names].sort());
  });

  it('searches free text (accent- and case-insensitive) and operators, with a 400 for unknown operators', async () => {
    const a = archive();
    const search = async (q: string): Promise<string[]> =>
      (
        await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?page_size=1000&search=${encodeURIComponent(q)}`)
      ).results.map(d => d.identifier);
    assert.ok((await search('HIPPOCAMPAL granule')).includes('000003'));
    assert.ok((await search('buzsaki')).includes('000003'), 'accent-insensitive (Buzsáki)');
    // Every generated Dandiset the owner owns but the embargoed one (anonymous search).
    assert.deepEqual(
      await search('species:"house mouse" owner:owner'),
      ownersIds(a)
        .filter(id => id !== a.ids.embargoed)
        .sort(),
    );
    const recent = await search('created_after:2024-12-31');
    assert.ok(recent.includes('990001') && !recent.includes('000003'));
    assert.deepEqual(await search('published_before:2021-09-01'), ['000003']);
    const bad = await get(`${a.apiUrl}/dandisets/?search=${encodeURIComponent('foo:bar')}`);
    assert.equal(bad.status, 400);
    assert.match((bad.json as { search: string[] }).search[0] as string, /^Unknown search operator "foo"/);
    const typo = await get(`${a.apiUrl}/dandisets/?search=specie:mouse`);
    assert.match((typo.json as { search: string[] }).search[0] as string, /Did you mean "species"/);
  });

  it('serves one Dandiset with detailed versions, its versions list and both orders', async () => {
    const a = archive();
    const d = await getJson<Item>(`${a.apiUrl}/dandisets/000003/`);
    assert.equal((d.draft_version as { active_uploads: number }).active_uploads, 0);
    const versions = await getJson<PageBody<{ version: string; dandiset: { identifier: string } }>>(
      `${a.apiUrl}/dandisets/000003/versions/`,
    );
    assert.deepEqual(
      versions.results.map(v => v.version),
      ['draft', '0.210812.1448', '0.230629.1955'],
    );
    assert.equal(versions.results[0]?.dandiset.identifier, '000003');
    const desc = await getJson<PageBody<{ version: string }>>(
      `${a.apiUrl}/dandisets/000003/versions/?order=-created`,
    );
    assert.deepEqual(
      desc.results.map(v => v.version),
      ['0.230629.1955', '0.210812.1448', 'draft'],
    );
  });

  it('serves version metadata and info; published versions carry their DOI', async () => {
    const a = archive();
    const meta = await getJson<{ doi: string; version: string; name: string }>(
      `${a.apiUrl}/dandisets/000064/versions/0.221025.1735/`,
    );
    assert.equal(meta.version, '0.221025.1735');
    assert.equal(meta.doi, '10.48324/dandi.000064/0.221025.1735');
    const info = await getJson<{
      metadata: { name: string };
      asset_validation_errors: unknown[];
      version: string;
    }>(`${a.apiUrl}/dandisets/000064/versions/draft/info/`);
    assert.equal(info.version, 'draft');
    assert.deepEqual(info.asset_validation_errors, []);
    const draft = await getJson<{ manifestLocation: string[] }>(
      `${a.apiUrl}/dandisets/000064/versions/draft/`,
    );
    assert.deepEqual(draft.manifestLocation, [`${a.apiUrl}/dandisets/000064/versions/draft/assets/`]);
    assert.equal((await get(`${a.apiUrl}/dandisets/000064/versions/0.999999.9999/`)).status, 404);
  });

  it('keeps hostile metadata as data', async () => {
    const d = await getJson<{ draft_version: { name: string } }>(`${archive().apiUrl}/dandisets/990001/`);
    assert.equal(d.draft_version.name, '<img src=x onerror=alert(1)> Scale test');
  });

  it('answers Django HTML 404 for malformed ids and versions, JSON 404 for unknown objects', async () => {
    const a = archive();
    for (const path of [
      '/dandisets/27/',
      '/dandisets/000003/versions/latest/',
      '/assets/not-a-uuid/',
      '/nope/',
    ]) {
      const r = await get(`${a.apiUrl}${path}`);
      assert.equal(r.status, 404, path);
      assert.match(header(r, 'content-type'), /^text\/html/);
      assert.match(r.text, /<h1>Not Found<\/h1>/);
    }
    const r = await get(`${a.apiUrl}/dandisets/999999/`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { detail: 'Not found.' });
  });

  it('redirects slash-less URLs with 301, keeping the query', async () => {
    const a = archive();
    const r = await get(`${a.apiUrl}/dandisets?page_size=2&ordering=-id`);
    assert.equal(r.status, 301);
    assert.equal(header(r, 'location'), '/api/dandisets/?page_size=2&ordering=-id');
    assert.equal((await get(`${a.apiUrl}/dandisets/000003/versions/draft/assets/abc`)).status, 404);
  });

  it('answers HEAD without a body and refuses other methods with 405', async () => {
    const a = archive();
    const head = await get(`${a.apiUrl}/info/`, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.ok(Number(header(head, 'content-length')) > 100);
    const post = await get(
      `${a.apiUrl}/dandisets/000003/`,
      { 'content-type': 'application/json' },
      'POST',
      '{}',
    );
    assert.equal(post.status, 405);
    assert.deepEqual(post.json, { detail: 'Method "POST" not allowed.' });
  });

  it("serves small HTML pages at the web UI's Dandiset URLs, escaping names", async () => {
    const a = archive();
    for (const path of [
      '/dandiset/000003',
      '/dandiset/000003/draft',
      '/dandiset/990001/draft/files?location=sub-001%2F',
    ]) {
      const r = await get(`${a.webUrl}${path}`);
      assert.equal(r.status, 200, path);
      assert.match(header(r, 'content-type'), /^text\/html/);
    }
    const hostile = await get(`${a.webUrl}/dandiset/990001`);
    assert.ok(!hostile.text.includes('<img'), 'names are escaped');
  });
});
