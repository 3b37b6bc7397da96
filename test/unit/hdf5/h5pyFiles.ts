/**
 * Small HDF5 files written at test time by libhdf5 itself (Debian's h5py, installed when missing),
 * for layouts no fixture has: big-endian compound members, a big-endian bool attribute as h5py
 * writes it on s390x. The script gets the output path as `sys.argv[1]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON } from '../../conformance/judge';
import { ensureDebianPackages } from '../../support/debianPackages';

export interface WrittenFile {
  path: string;
  remove(): void;
}

export function writeWithH5py(name: string, script: string): WrittenFile {
  ensureDebianPackages(['python3-h5py']);
  const dir = mkdtempSync(join(tmpdir(), 'h5py-file-'));
  const path = join(dir, name);
  execFileSync(PYTHON, ['-c', script, path], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * One attribute of every kind the fixtures lack (integers and floats of each width in both byte
 * orders, fixed strings of each padding and character set, vlen strings with empty ones, 2-D,
 * bool and other enums, object and region references, compounds with a vlen member, an array
 * type, vlen sequences, a committed datatype, null and empty dataspaces), at most six an object
 * so a 'latest' header keeps them in the header; datasets with unlimited, scalar and null shapes.
 */
export function writeTypedAttributes(libver: 'earliest' | 'latest'): WrittenFile {
  return writeWithH5py(`typed-${libver}.h5`, TYPED_ATTRIBUTES.replace('LIBVER', `'${libver}'`));
}

const TYPED_ATTRIBUTES = `
import sys, h5py, numpy as np
path = sys.argv[1]
libver = LIBVER
with h5py.File(path, 'w', libver=libver) as f:
    class Rotating:
        # At most 6 attributes an object: a 'latest' header keeps them compact (no dense heap).
        def __init__(self):
            self.n = 0
        @property
        def g(self):
            return f.require_group(f'g{self.n // 6}')
        def __setitem__(self, name, value):
            self.g.attrs[name] = value
            self.n += 1
        def create(self, name, **kw):
            self.g.attrs.create(name, **kw)
            self.n += 1
    a = Rotating()
    for kind in 'iu':
        for width in (1, 2, 4, 8):
            for order in '<>':
                dt = np.dtype(f'{order}{kind}{width}')
                a[f'{kind}{width}{order}'] = np.array([1, -2 if kind == 'i' else 200, 3], dtype=dt) if width > 1 else np.array([1, 2, 3], dtype=dt)
                a[f'{kind}{width}{order}s'] = dt.type(7)
    for width in (2, 4, 8):
        for order in '<>':
            dt = np.dtype(f'{order}f{width}')
            a[f'f{width}{order}'] = np.array([[1.5, -2.25], [np.inf, np.nan]], dtype=dt)
    for pad in ('NULLTERM', 'NULLPAD', 'SPACEPAD'):
        for cset in ('ASCII', 'UTF8'):
            tid = h5py.h5t.C_S1.copy()
            tid.set_size(6)
            tid.set_strpad(getattr(h5py.h5t, 'STR_' + pad))
            tid.set_cset(getattr(h5py.h5t, 'CSET_' + cset))
            data = np.array([b'ab', b'cdef  ', b'\\xc3\\xa9t'], dtype='S6')
            sid = h5py.h5s.create_simple((3,))
            at = h5py.h5a.create(a.g.id, f'fixed_{pad}_{cset}'.encode(), tid, sid)
            at.write(data, mtype=tid)
            a.n += 1
    a['vstr'] = 'hello'
    a['vstr_utf8'] = 'h\\u00e9llo'
    a['vstr_list'] = ['', 'a', 'bc']
    a.create('vstr_ascii', data=np.array([b'x', b''], dtype=object), dtype=h5py.string_dtype('ascii'))
    a.create('vstr_2d', data=np.array([['a', 'bb'], ['', 'dddd']], dtype=object), dtype=h5py.string_dtype())
    a['bool'] = np.bool_(True)
    a['bools'] = np.array([True, False, True])
    a.create('enum', data=np.array([0, 2, 1], dtype='i1'), dtype=h5py.enum_dtype({'RED': 0, 'GREEN': 1, 'BLUE': 2}, basetype='i1'))
    a.create('enum_be', data=np.array([0, 300], dtype='>i2'), dtype=h5py.enum_dtype({'LOW': 0, 'HIGH': 300}, basetype='>i2'))
    ds = f.create_dataset('data', data=np.arange(12, dtype='<f4').reshape(3, 4), maxshape=(None, 4), chunks=(1, 4))
    f.create_dataset('scalar', data=np.float64(2.5))
    f.create_dataset('be', data=np.arange(5, dtype='>i4'))
    f.create_dataset('empty', shape=(0,), dtype='i4')
    f.create_dataset('null', data=h5py.Empty('f4'))
    a['ref'] = f['data'].ref
    a.create('refs', data=np.array([f['data'].ref, f['g0'].ref, h5py.Reference()], dtype=h5py.ref_dtype), dtype=h5py.ref_dtype)
    a['regref'] = ds.regionref[1:2, 0:3]
    comp = np.dtype([('x', '<i4'), ('y', '<f8'), ('name', 'S3')])
    a['compound'] = np.array([(1, 2.5, b'ab'), (3, 4.5, b'xyz')], dtype=comp)
    compbe = np.dtype([('x', '>i4'), ('y', '>f8')])
    a['compound_be'] = np.array([(1, 2.5), (3, 4.5)], dtype=compbe)
    compv = np.dtype([('n', '<i2'), ('s', h5py.string_dtype()), ('z', '<f4')])
    a['compound_vlen'] = np.array([(1, 'one', 1.5), (2, '', 2.5)], dtype=compv)
    at = h5py.h5a.create(a.g.id, b'array_type', h5py.h5t.array_create(h5py.h5t.STD_I16BE, (2, 3)), h5py.h5s.create_simple((2,)))
    at.write(np.arange(12, dtype='<i2').reshape(2, 2, 3), mtype=h5py.h5t.array_create(h5py.h5t.NATIVE_INT16, (2, 3)))
    a.n += 1
    a.create('vlen_seq', data=np.array([np.array([1, 2, 3], 'i4'), np.array([], 'i4'), np.array([9], 'i4')], dtype=object), dtype=h5py.vlen_dtype('<i4'))
    a.create('vlen_f8', data=np.array([np.array([0.5], 'f8'), np.array([1.5, 2.5], 'f8')], dtype=object), dtype=h5py.vlen_dtype('<f8'))
    f['named'] = np.dtype('<i8')
    a.create('committed', data=np.array([5, 6], 'i8'), dtype=f['named'])
    f.create_dataset('committed_ds', data=np.arange(3, dtype='i8'), dtype=f['named'])
    a['null'] = h5py.Empty('f4')
    a['empty'] = np.zeros((0,), dtype='i4')
    a['empty2'] = np.zeros((2, 0), dtype='f8')
    a['opaque'] = np.void(b'\\x01\\x02\\x03')
    a['unicode_name_\\u00e9'] = 1
    a.create('vstr_array', data=np.array([['a', 'bb'], ['', 'c']], dtype=object), dtype=np.dtype((h5py.string_dtype(), (2,))))
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(h5py.h5t.VARIABLE)
    at = h5py.h5a.create(a.g.id, b'vstr_null', tid, h5py.h5s.create_simple((2,)))
    at.write(np.zeros(2, 'u8'), mtype=tid)  # two NULL char pointers
    a.n += 1
    f.create_dataset('vds', data=['a', 'b'], dtype=h5py.string_dtype())
`;
