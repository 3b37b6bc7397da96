/**
 * Files written by libhdf5 (h5py) at test time for group layouts the fixtures may lack: dense
 * groups whose fractal heap needs indirect blocks, groups that track and index creation order,
 * old-style symbol tables with a B-tree of depth 3 (6000 links), soft, dangling and external links,
 * names whose UTF-8 byte order differs from their UTF-16 order, links deleted from a dense group,
 * a user block, and a superblock extension (a persistent free-space manager's).
 */

/** Link names whose strcmp order is not JavaScript's string order (U+FB00 sorts before U+1F600 as bytes). */
const NAMES = `["é", "ü", "日本", "\\U0001F600", "\\uFB00", "a", "Z", "z"]`;

/**
 * Defines `fill(group, names, data)`: a link per name, its kind by the name's prefix (soft: to
 * /data, dangling: a soft link to nothing, ext: an external link, else a hard link to `data`),
 * and `shuffled(count)`: names out of alphabetical order, every third long so that a dense
 * group's heap needs several direct blocks, with soft, dangling and external links among them.
 */
const FILL = `
import sys, h5py, numpy as np
from h5py import h5g, h5p
def fill(group, names, data):
    for name in names:
        if name.startswith('soft'):
            group[name] = h5py.SoftLink('/data')
        elif name.startswith('dangling'):
            group[name] = h5py.SoftLink('/nowhere/' + name)
        elif name.startswith('ext'):
            group[name] = h5py.ExternalLink('other.h5', '/some/path/' + name)
        else:
            group[name] = data
def shuffled(count):
    kinds = ['', 'soft_', '', 'ext_', '', 'dangling_', '']
    return [kinds[i % 7] + ('long_name_' * 30 if i % 3 == 0 else '') + 'n%02d' % ((i * 17) % count) for i in range(count)]
`;

export const LINK_FILES: Record<string, string> = {
  'latest.h5': `${FILL}
f = h5py.File(sys.argv[1], 'w', libver='latest')
data = f.create_dataset('data', data=np.arange(3))
fill(f.create_group('compact'), ['x', 'a', 'dangling', 'B', 'ext', 'soft', 'q'], data)
f['compact'].create_group('sub').create_group('deeper')
fill(f.create_group('dense'), shuffled(40), data)
fill(f.create_group('compact_order', track_order=True), ['z', 'a', 'm', 'é', 'b'], data)
fill(f.create_group('dense_order', track_order=True), shuffled(40), data)
fill(f.create_group('unicode'), ${NAMES}, data)
fill(f.create_group('unicode_dense'), ${NAMES} + ['pad%02d' % i for i in range(30)], data)
gcpl = h5p.create(h5p.GROUP_CREATE)
gcpl.set_link_creation_order(h5p.CRT_ORDER_TRACKED)
tracked = h5py.Group(h5g.create(f.id, b'tracked_only', gcpl=gcpl))
fill(tracked, ['z', 'y', 'x', 'w', 'v'], data)
fill(h5py.Group(h5g.create(f.id, b'tracked_dense', gcpl=gcpl)), shuffled(20), data)
`,
  'deleted.h5': `${FILL}
f = h5py.File(sys.argv[1], 'w', libver='latest')
data = f.create_dataset('data', data=np.arange(3))
for track in (False, True):
    g = f.create_group('churn_%s' % track, track_order=track)
    fill(g, shuffled(40), data)
    for name in shuffled(40)[::3]:
        del g[name]
    fill(g, ['late_%d' % i for i in range(6)], data)
`,
  'earliest.h5': `${FILL}
f = h5py.File(sys.argv[1], 'w', libver='earliest')
data = f.create_dataset('data', data=np.arange(3))
many = f.create_group('many')
for i in range(6000):
    many['link%05d' % ((i * 7919) % 6000)] = data
fill(f.create_group('mixed'), ['x', 'a', 'dangling', 'B', 'ext', 'soft', 'q', 'r', 'later'], data)
fill(f.create_group('unicode'), ${NAMES}, data)
f['mixed'].create_group('inner').create_group('innermost')
`,
  'userblock.h5': `${FILL}
f = h5py.File(sys.argv[1], 'w', userblock_size=512, track_order=True)
data = f.create_dataset('data', data=np.arange(3))
fill(f.create_group('old_style'), ['b', 'a', 'c', 'd', 'e'], data)
fill(f.create_group('ordered', track_order=True), shuffled(12), data)
`,
  'extension.h5': `${FILL}
f = h5py.File(sys.argv[1], 'w', libver='latest', fs_strategy='fsm', fs_persist=True)
data = f.create_dataset('data', data=np.arange(3))
fill(f.create_group('group'), ['b', 'a', 'soft'], data)
`,
};
