import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseArgs, runCli } from '../../../scripts/archive';
import { defaultFixturesDir } from '../../archive/server';
import { getJson } from './helpers';

describe('stand-in archive: command line', () => {
  const nwbDir = join(defaultFixturesDir(), 'nwb');

  it('prints one JSON line first with --json, and serves what it prints', async function () {
    this.timeout(60_000);
    const lines: string[] = [];
    const archive = await runCli(['--json', '--port', '0', '--corpus', nwbDir, '--latency', '0'], line =>
      lines.push(line),
    );
    try {
      const info = JSON.parse(lines[0] as string) as Record<string, unknown>;
      assert.deepEqual(Object.keys(info), [
        'apiUrl',
        'webUrl',
        'blobOrigin',
        'controlUrl',
        'ids',
        'hostileId',
        'apiKeys',
      ]);
      assert.equal(info.apiUrl, archive.apiUrl);
      const served = await getJson<{ services: { api: { url: string } } }>(`${info.apiUrl as string}/info/`);
      assert.equal(served.services.api.url, info.apiUrl);
    } finally {
      await archive.close();
    }
  });

  it('prints the human-readable addresses without --json', async function () {
    this.timeout(60_000);
    const lines: string[] = [];
    const archive = await runCli([], line => lines.push(line));
    try {
      assert.equal(
        lines[0],
        `DANDI stand-in archive\n  API: ${archive.apiUrl}\n  Web: ${archive.webUrl}\n  Blobs: ${archive.blobOrigin}`,
      );
    } finally {
      await archive.close();
    }
  });

  it('parses repeated options and rejects bad ones with a clear message', () => {
    const { options, json } = parseArgs([
      '--corpus',
      nwbDir,
      '--corpus',
      nwbDir,
      '--large',
      join(nwbDir, 'h5wasm__array.h5'),
      '--expiry',
      '60',
      '--verbose',
    ]);
    assert.equal(json, false);
    assert.equal(options.corpusDirs?.length, 2);
    assert.equal(options.presignExpirySeconds, 60);
    assert.equal(options.verbose, true);
    assert.throws(() => parseArgs(['--port', 'abc']), /--port needs a whole number, got "abc"/);
    assert.throws(() => parseArgs(['--bogus']), /unknown argument "--bogus"/);
    assert.throws(
      () => parseArgs(['--large', '/nonexistent/file.nwb']),
      /not found: \/nonexistent\/file.nwb/,
    );
  });
});
