import * as assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareTarget, unsafePathReason } from '../../../src/download/paths';
import { writeDandisetYaml } from '../../../src/download/planner';
import { TempDirs } from './support';

describe('download paths', () => {
  const temps = new TempDirs();
  afterEach(() => temps.cleanup());

  it('accepts ordinary asset paths, including spaces and punctuation the archive allows', () => {
    for (const ok of [
      'sub-01/sub-01_ses-1.nwb',
      'a b/c#d&e+f~g=h,i(j).nwb',
      'README',
      'x.ome.zarr/0/0/0',
      'données/fichier.nwb',
      '..notes.txt',
      'sub/.dandi/x',
    ]) {
      assert.equal(unsafePathReason(ok), undefined, ok);
    }
  });

  it('refuses paths that escape, are absolute, empty, or invalid on Windows, with a reason each', () => {
    const cases: [string, RegExp][] = [
      ['../escape.nwb', /"\.\." segment/],
      ['sub-01/../../x.nwb', /"\.\." segment/],
      ['./x.nwb', /"\." segment/],
      ['/abs.nwb', /absolute/],
      ['C:/x.nwb', /absolute/],
      ['a//b.nwb', /empty segment/],
      ['a/', /empty segment/],
      ['', /empty/],
      ['sub-02/bad\u0007name.nwb', /control characters/],
      ['new\nline', /control characters/],
      ['con.txt', /reserved device name/],
      ['sub/NUL', /reserved device name/],
      ['lpt9.tar.gz', /reserved device name/],
      ['COM1', /reserved device name/],
      ['name.', /ends with a dot or a space/],
      ['name ', /ends with a dot or a space/],
      ['a<b', /not allowed/],
      ['ab:c', /not allowed/],
      ['a"b', /not allowed/],
      ['a|b', /not allowed/],
      ['a?b', /not allowed/],
      ['a*b', /not allowed/],
      ['a\\b', /not allowed/],
      ['x'.repeat(600), /longer than/],
      // The downloader's own files: a temp folder beside a target, the record of verified files.
      ['x.nwb.dandidownload/data', /temporary folders/],
      ['sub/y.dandidownload', /temporary folders/],
      ['.dandi/vscode-downloads.json', /keep their records/],
    ];
    for (const [path, reason] of cases)
      assert.match(unsafePathReason(path) ?? 'accepted', reason, JSON.stringify(path));
  });

  it('refuses every spelling of a control folder (.git, .hg, .svn, .vscode) a file system may fold', () => {
    const controlFolder = /is, or may be taken for, \.(git|hg|svn|vscode) /;
    const cases: [string, RegExp][] = [
      ['.git/config', controlFolder],
      ['.git/HEAD', controlFolder],
      ['sub/.git/hooks/post-checkout', controlFolder],
      ['.GIT/config', controlFolder],
      ['.Git./config', controlFolder],
      ['.git /config', controlFolder],
      ['.git. . /config', controlFolder],
      ['GIT~1/config', controlFolder],
      ['git~2/config', controlFolder],
      ['.GIT~1/config', controlFolder],
      ['.git::$INDEX_ALLOCATION/config', controlFolder],
      ['.g\u200cit/config', controlFolder],
      ['.\u200dgit/config', controlFolder],
      ['.gi\u200bt/config', controlFolder],
      ['\ufeff.git/config', controlFolder],
      ['.gi\u00adt/config', controlFolder],
      ['.g\u2060it/config', controlFolder],
      ['\uff0e\uff47\uff49\uff54/config', controlFolder], // full-width ．ｇｉｔ (NFKC)
      ['.vscode/tasks.json', controlFolder],
      ['.VSCode/settings.json', controlFolder],
      ['VSCODE~1/settings.json', controlFolder],
      ['.hg/hgrc', controlFolder],
      ['HG~1/hgrc', controlFolder],
      ['.svn/entries', controlFolder],
      ['sub/.SVN/entries', controlFolder],
      ['.git', controlFolder],
      // Windows devices, with and without extensions.
      ['CONIN$', /reserved device name/],
      ['conout$.txt', /reserved device name/],
      ['CLOCK$', /reserved device name/],
      ['sub/nul .txt', /reserved device name/],
      ['COM\u00b9.log', /reserved device name/],
      // Bidirectional controls anywhere in a name.
      ['sub/report\u202Etxt.exe', /bidirectional control/],
      ['a\u2066b.nwb', /bidirectional control/],
      ['a\u200fb.nwb', /bidirectional control/],
      ['a\u200eb/c.nwb', /bidirectional control/],
      ['\u0085next', /control characters/],
      // The downloader's own names, folded as the strictest destination folds them.
      ['.DANDI/vscode-downloads.json', /keep their records/],
      ['.Dandi/x', /keep their records/],
      ['sub/x.nwb.DandiDownload', /temporary folders/],
    ];
    for (const [path, reason] of cases)
      assert.match(unsafePathReason(path) ?? 'accepted', reason, JSON.stringify(path));
    for (const ok of [
      '.gitignore',
      '.github/workflows/ci.yml',
      'git/config',
      '.gitx/config',
      'sub/.vscodeignore',
      'vscode/settings.json',
      'GIT~X/y',
      '.g1t/config',
      'console.txt',
      'comics/conin.txt',
      'sub/\u00e9t\u00e9.nwb',
      '.zattrs',
    ]) {
      assert.equal(unsafePathReason(ok), undefined, JSON.stringify(ok));
    }
  });

  it("compares the downloader's own names as the destination compares names", () => {
    const exact = { foldsCase: false, foldsUnicode: false };
    assert.equal(unsafePathReason('.DANDI/x', exact), undefined);
    assert.equal(unsafePathReason('sub/x.DANDIDOWNLOAD', exact), undefined);
    assert.match(unsafePathReason('.dandi/x', exact) ?? '', /keep their records/);
    const caseFolding = { foldsCase: true, foldsUnicode: false };
    assert.match(unsafePathReason('.DANDI/x', caseFolding) ?? '', /keep their records/);
    // Control folders are refused whatever the destination: the folder may be copied elsewhere.
    assert.match(unsafePathReason('.GIT/config', exact) ?? '', /\.git/);
  });

  it('refuses a target whose parent folder is a link leading outside the destination', async () => {
    const root = await temps.make();
    const destination = join(root, 'dest');
    const outside = join(root, 'outside');
    await mkdir(destination);
    await mkdir(outside);
    await symlink(outside, join(destination, 'link'));
    await assert.rejects(prepareTarget(destination, 'link/file.nwb'), /link that leads outside/);
    await assert.rejects(prepareTarget(destination, 'link/deeper/file.nwb'), /link that leads outside/);
    assert.deepEqual(await readdir(outside), [], 'not even an empty folder appeared through the link');
    const ok = await prepareTarget(destination, 'sub/file.nwb');
    assert.equal(ok, join(destination, 'sub', 'file.nwb'));
    // A link that stays inside the destination may be gone through.
    await symlink(join(destination, 'sub'), join(destination, 'alias'));
    assert.equal(
      await prepareTarget(destination, 'alias/deeper/file.nwb'),
      join(destination, 'alias', 'deeper', 'file.nwb'),
    );
    assert.deepEqual(await readdir(join(destination, 'sub')), ['deeper']);
    await writeFile(join(destination, 'plain'), 'x');
    await assert.rejects(prepareTarget(destination, 'plain/file.nwb'), /is a file, not a folder/);
  });

  it('writes dandiset.yaml over a link planted at its place instead of through it', async () => {
    const root = await temps.make();
    const destination = join(root, 'dest');
    const victim = join(root, 'victim.txt');
    await mkdir(join(destination, '000001'), { recursive: true });
    await writeFile(victim, 'keep me');
    await symlink(victim, join(destination, '000001', 'dandiset.yaml'));
    assert.equal(
      await writeDandisetYaml(destination, { localPath: '000001/dandiset.yaml', content: 'name: x\n' }),
      'written',
    );
    assert.equal(await readFile(victim, 'utf8'), 'keep me');
    assert.equal(await readFile(join(destination, '000001', 'dandiset.yaml'), 'utf8'), 'name: x\n');
    assert.equal((await lstat(join(destination, '000001', 'dandiset.yaml'))).isSymbolicLink(), false);
  });
});
