import * as assert from 'node:assert/strict';
import { ownersIds, get, getJson, header, type PageBody, tokenHeader, useArchive } from './helpers';

type Item = { identifier: string; is_starred: boolean; embargo_status: string };

describe('stand-in archive: authentication and embargo', () => {
  const archive = useArchive();
  const owner = (): Record<string, string> => tokenHeader(archive().apiKeys.owner);
  const other = (): Record<string, string> => tokenHeader(archive().apiKeys.other);

  it('accepts "token <key>" with any keyword case and rejects unknown keys with 401 Invalid token.', async () => {
    const a = archive();
    assert.equal(
      await getJson<string>(`${a.apiUrl}/auth/token/`, { Authorization: `TOKEN ${a.apiKeys.owner}` }),
      a.apiKeys.owner,
    );
    const bad = await get(`${a.apiUrl}/dandisets/`, tokenHeader('0'.repeat(40)));
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, { detail: 'Invalid token.' });
    assert.equal(header(bad, 'www-authenticate'), 'Token');
    const anon = await get(`${a.apiUrl}/auth/token/`);
    assert.equal(anon.status, 401);
    assert.deepEqual(anon.json, { detail: 'Authentication credentials were not provided.' });
  });

  it('serves /users/me/ to authenticated users only', async () => {
    const a = archive();
    const me = await getJson<{ username: string; status: string }>(`${a.apiUrl}/users/me/`, owner());
    assert.equal(me.username, 'owner');
    assert.equal(me.status, 'APPROVED');
    assert.equal((await get(`${a.apiUrl}/users/me/`)).status, 401);
  });

  it('guards the embargoed Dandiset: anonymous 401, non-owner 403, owner 200', async () => {
    const a = archive();
    const url = `${a.apiUrl}/dandisets/${a.ids.embargoed}/`;
    const anon = await get(url);
    assert.equal(anon.status, 401);
    assert.deepEqual(anon.json, { detail: 'Authentication credentials were not provided.' });
    const notOwner = await get(url, other());
    assert.equal(notOwner.status, 403);
    assert.deepEqual(notOwner.json, { detail: 'You do not have permission to perform this action.' });
    const mine = await getJson<Item>(url, owner());
    assert.equal(mine.embargo_status, 'EMBARGOED');
    assert.equal((await get(`${url}versions/draft/assets/`)).status, 401);
    assert.equal((await get(`${url}versions/draft/assets/`, other())).status, 403);
    const listed = await getJson<PageBody>(`${url}versions/draft/assets/`, owner());
    assert.equal(listed.count, 2);
  });

  it('answers embargoed=true and starred=true without credentials with bare-string 401s', async () => {
    const a = archive();
    const emb = await get(`${a.apiUrl}/dandisets/?embargoed=true`);
    assert.equal(emb.status, 401);
    assert.equal(
      emb.json,
      'Authentication credentials must be provided when attempting to access embargoed dandisets',
    );
    const starred = await get(`${a.apiUrl}/dandisets/?starred=true`);
    assert.equal(starred.status, 401);
    assert.equal(starred.json, 'Must be authenticated to filter by starred dandisets.');
  });

  it('includes embargoed Dandisets for their owner with embargoed=true; user=me lists owned ones', async () => {
    const a = archive();
    const all = await getJson<PageBody<Item>>(
      `${a.apiUrl}/dandisets/?embargoed=true&page_size=1000`,
      owner(),
    );
    assert.ok(all.results.some(d => d.identifier === a.ids.embargoed));
    const otherView = await getJson<PageBody<Item>>(
      `${a.apiUrl}/dandisets/?embargoed=true&page_size=1000`,
      other(),
    );
    assert.ok(!otherView.results.some(d => d.identifier === a.ids.embargoed));
    const mine = await getJson<PageBody<Item>>(
      `${a.apiUrl}/dandisets/?user=me&embargoed=true&page_size=1000`,
      owner(),
    );
    // Every generated Dandiset but the curator's (the hostile one, the Zarr corpora), the embargoed one included.
    assert.deepEqual(
      mine.results.map(d => d.identifier),
      ownersIds(a).sort(),
    );
    assert.ok(mine.results.some(d => d.identifier === '990004'));
    assert.equal((await getJson<PageBody>(`${a.apiUrl}/dandisets/?user=me`, other())).count, 0);
    assert.equal((await get(`${a.apiUrl}/dandisets/?user=me`)).status, 401);
  });

  it("lists the owner's starred Dandisets with is_starred", async () => {
    const a = archive();
    const starred = await getJson<PageBody<Item>>(`${a.apiUrl}/dandisets/?starred=true`, owner());
    assert.deepEqual(
      starred.results.map(d => d.identifier),
      ['000003', '000064', '990002'],
    );
    assert.ok(starred.results.every(d => d.is_starred));
    const anonView = await getJson<Item>(`${a.apiUrl}/dandisets/000003/`);
    assert.equal(anonView.is_starred, false);
  });

  it('lets only the owner resolve downloads of embargoed assets', async () => {
    const a = archive();
    const list = await getJson<PageBody<{ asset_id: string }>>(
      `${a.apiUrl}/dandisets/${a.ids.embargoed}/versions/draft/assets/`,
      owner(),
    );
    const aid = list.results[0]?.asset_id as string;
    assert.equal((await get(`${a.apiUrl}/assets/${aid}/download/`)).status, 401);
    assert.equal((await get(`${a.apiUrl}/assets/${aid}/download/`, other())).status, 403);
    assert.equal((await get(`${a.apiUrl}/assets/${aid}/download/`, owner())).status, 302);
    const meta = await getJson<{ access: { status: string }[] }>(`${a.apiUrl}/assets/${aid}/`, owner());
    assert.equal(meta.access[0]?.status, 'dandi:EmbargoedAccess');
  });
});
