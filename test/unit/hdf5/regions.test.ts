// Region references decoded by the engine, judged by h5py (libhdf5's H5Rget_region) on files
// libhdf5 writes here: hundreds of references into one global heap collection; and the global
// heap of a file whose superblock gives 4-byte offsets and lengths.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { PYTHON } from '../../conformance/judge';
import type { H5Value, Hdf5File } from '../../../src/hdf5/types';
import { writeWithH5py, type WrittenFile } from './h5pyFiles';
import { open } from './helpers';

const REFERENCES = 600;
const NOTE = 'a variable-length string, kept in the global heap';

/** `data` (1,000 float64) and `refs`: REFERENCES hyperslab references into it, then a 2-D one. */
const WRITE = `
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    data = f.create_dataset('data', data=np.arange(1000.0))
    grid = f.create_dataset('grid', data=np.zeros((20, 30)))
    refs = [data.regionref[i:i + 1 + i % 3] for i in range(${REFERENCES})]
    refs.append(grid.regionref[2:5, 10:30:10])
    f.create_dataset('refs', data=refs, dtype=h5py.regionref_dtype)
`;

/** A file whose superblock gives 4-byte offsets and lengths, with a vlen string attribute. */
const LENGTHS_4 = `
import sys, h5py
fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
fcpl.set_sizes(4, 4)
fid = h5py.h5f.create(sys.argv[1].encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl)
with h5py.File(fid) as f:
    f.attrs['note'] = '${NOTE}'
`;

/** A reference to a regular hyperslab of unlimited count (stored as all ones), then a plain one. */
const UNLIMITED_COUNT = `
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    d = f.create_dataset('data', data=np.arange(100.0), maxshape=(None,), chunks=(10,))
    space = d.id.get_space()
    space.select_hyperslab((2,), (h5py.h5s.UNLIMITED,), stride=(10,), block=(3,))
    endless = h5py.h5r.create(f.id, b'data', h5py.h5r.DATASET_REGION, space)
    f.create_dataset('refs', data=[endless, d.regionref[5:9]], dtype=h5py.regionref_dtype)
`;

/**
 * Two references, the first one's selection longer than its heap object: its count of blocks (in
 * a file written by libhdf5, patched after) says 1,000 where the object holds 3, as a damaged or
 * hostile file may. libhdf5 (h5py's) crashes on it.
 */
const CUT_SHORT = `
import sys, struct, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    d = f.create_dataset('data', data=np.arange(100.0))
    f.create_dataset('refs', data=[d.regionref[[1, 5, 9]], d.regionref[5:9]], dtype=h5py.regionref_dtype)
raw = bytearray(open(sys.argv[1], 'rb').read())
at = raw.index(b'GCOL') + 16
while struct.unpack_from('<H', raw, at)[0] != 1:
    at += 16 + ((struct.unpack_from('<Q', raw, at + 8)[0] + 7) // 8) * 8
# Object 1 (after its 16-byte header): the dataset's address (8), then a version 1 selection (h5py
# stores this one as a hyperslab of three blocks): type, version, reserved, length, rank, count.
count = at + 16 + 8 + 20
assert struct.unpack_from('<I', raw, at + 28)[0] == 1 and struct.unpack_from('<I', raw, count)[0] == 3
struct.pack_into('<I', raw, count, 1000)
open(sys.argv[1], 'wb').write(raw)
`;

/** The same two references, the first one's heap object cut short instead: its size says 20 bytes. */
const OBJECT_CUT = CUT_SHORT.replace(
  "struct.pack_into('<I', raw, count, 1000)",
  "struct.pack_into('<Q', raw, at + 8, 20)",
);

/** Each reference's blocks as libhdf5 reports them: [start, count] per block. */
const JUDGE = `
import sys, json, h5py
with h5py.File(sys.argv[1], 'r') as f:
    out = []
    for ref in f['refs'][:]:
        blocks = h5py.h5r.get_region(ref, f.id).get_select_hyper_blocklist()
        out.append([[[int(s) for s in b[0]], [int(e) - int(s) + 1 for s, e in zip(b[0], b[1])]] for b in blocks])
    print(json.dumps(out))
`;

type Blocks = [number[], number[]][];

function libhdf5Blocks(path: string): Blocks[] {
  return JSON.parse(execFileSync(PYTHON, ['-c', JUDGE, path], { encoding: 'utf8' })) as Blocks[];
}

function engineBlocks(value: H5Value): Blocks {
  const selection = (
    value as { selection?: { kind: string; blocks?: { start: number[]; count: number[] }[] } }
  ).selection;
  assert.equal(selection?.kind, 'hyperslab', JSON.stringify(value));
  return (selection.blocks ?? []).map(b => [b.start, b.count]);
}

/** Writes `script`'s file, reads its `refs` and hands them to `check`; removes the file after. */
async function withRefs(
  name: string,
  script: string,
  check: (values: H5Value[], hits: number, path: string) => void,
): Promise<void> {
  const written = writeWithH5py(name, script);
  try {
    const { values, hits, file } = await readRefs(written);
    try {
      check(values, hits, written.path);
    } finally {
      await file.close();
    }
  } finally {
    written.remove();
  }
}

async function readRefs(written: WrittenFile): Promise<{ values: H5Value[]; hits: number; file: Hdf5File }> {
  const file = await open({ kind: 'local', path: written.path });
  await file.datasetInfo('/refs');
  const before = file.stats().cacheHits;
  const result = await file.read('/refs');
  return { values: result.data as H5Value[], hits: file.stats().cacheHits - before, file };
}

describe('hdf5 region references', function () {
  this.timeout(60_000);

  it(`decodes ${REFERENCES + 1} references as libhdf5 does, reading their heap collection once`, async () => {
    await withRefs('regions.h5', WRITE, (values, hits, path) => {
      assert.equal(values.length, REFERENCES + 1);
      assert.deepEqual(values.map(engineBlocks), libhdf5Blocks(path));
      assert.equal((values[0] as { ref?: string }).ref, '/data');
      assert.equal((values[REFERENCES] as { ref?: string }).ref, '/grid');
      // Each reference names the same collection: reading it once per reference would touch
      // the block cache at least once per reference.
      assert.ok(hits < REFERENCES / 4, `${hits} block cache reads for ${REFERENCES + 1} references`);
    });
  });

  it('reads variable-length strings from the global heap of a file with 4-byte lengths', async () => {
    // libhdf5 pads each collection header and object header to 8 bytes: with 4-byte lengths,
    // 4 bytes of padding follow each length.
    const written = writeWithH5py('lengths-4.h5', LENGTHS_4);
    try {
      const file = await open({ kind: 'local', path: written.path });
      try {
        const [note] = await file.attributes('/');
        assert.equal(note.value, NOTE);
        assert.equal(file.stats().metadataByLibhdf5, 0, 'the JavaScript reader read it, not libhdf5');
      } finally {
        await file.close();
      }
    } finally {
      written.remove();
    }
  });

  it('says a selection longer than its heap object ends early, still names its dataset, and reads the next reference', async () => {
    await withRefs('short-region.h5', CUT_SHORT, values => {
      assert.equal((values[0] as { ref?: string }).ref, '/data', 'its dataset is still named');
      const short = (values[0] as { selection?: { kind: string; message?: string } }).selection;
      assert.equal(short?.kind, 'error', JSON.stringify(values[0]));
      assert.match(String(short?.message), /^the selection ends before its last field \(/);
      assert.deepEqual(engineBlocks(values[1]), [[[5], [4]]]);
    });
  });

  it('answers for a heap object cut short, where libhdf5 never returned: its collection is unreadable, so both references are', async () => {
    await withRefs('cut-object.h5', OBJECT_CUT, values => {
      // Before, libhdf5 was asked to name the first one's dataset, and the read timed out. The
      // collection's objects are found by adding up their sizes: past the cut, garbage.
      assert.deepEqual(values, [null, null]);
    });
  });

  it('says a selection of unlimited count cannot be listed, and reads the next reference', async () => {
    await withRefs('unlimited-region.h5', UNLIMITED_COUNT, values => {
      const endless = (values[0] as { selection?: { kind: string; message?: string } }).selection;
      assert.deepEqual(endless, { kind: 'error', message: 'an unlimited selection cannot be listed' });
      assert.deepEqual(engineBlocks(values[1]), [[[5], [4]]]);
    });
  });
});
