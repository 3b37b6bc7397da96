"""Reference reading of every Zarr v2 array under the stores given, with Debian's zarr 2.13
(python3-zarr): metadata and values (whole arrays up to FULL elements, else two corners) as JSON
on stdout. Floats that JSON cannot hold are written as "NaN", "Infinity", "-Infinity"; int64 and
uint64 values as strings (exact); bytes as UTF-8 text."""
import json
import math
import os
import sys

import numpy as np
import zarr

FULL = 20000
CORNER = 6


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    if isinstance(value, (np.bool_, bool)):
        return int(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if math.isnan(f):
            return 'NaN'
        if math.isinf(f):
            return 'Infinity' if f > 0 else '-Infinity'
        return f
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    return value


def values(data, dtype):
    flat = np.asarray(data).reshape(-1, order='C')
    if dtype.kind in 'iu' and dtype.itemsize == 8:
        return [str(int(v)) for v in flat]
    if dtype.kind == 'b':
        return [int(v) for v in flat]
    return [plain(v) for v in flat.tolist()]


def describe(store, path, array):
    out = {
        'store': store,
        'path': path,
        'shape': list(array.shape),
        'chunks': list(array.chunks),
        'dtype': array.dtype.str,
        'fill_value': plain(array.fill_value) if array.fill_value is not None else None,
        'attributes': plain(array.attrs.asdict()),
        'reads': [],
    }
    try:
        size = int(np.prod(array.shape))
        if size <= FULL:
            out['reads'].append({'selection': None, 'values': values(array[...], array.dtype)})
        else:
            lo = tuple(slice(0, min(n, CORNER)) for n in array.shape)
            hi = tuple(slice(max(0, n - CORNER), n) for n in array.shape)
            for sel in (lo, hi):
                out['reads'].append({
                    'selection': [[s.start, s.stop] for s in sel],
                    'values': values(array[sel], array.dtype),
                })
    except Exception as error:  # noqa: BLE001 - the reference reader's own failure is reported
        out['error'] = f'{type(error).__name__}: {error}'
    return out


def main():
    result = []
    for store in sys.argv[1:]:
        if os.path.exists(os.path.join(store, 'zarr.json')):
            continue
        paths = []
        for folder, _dirs, files in os.walk(store):
            if '.zarray' in files:
                paths.append(os.path.relpath(folder, store).replace(os.sep, '/').lstrip('.'))
        for path in sorted(paths):
            try:
                array = zarr.open_array(zarr.DirectoryStore(store), path=path, mode='r')
            except Exception as error:  # noqa: BLE001 - numcodecs 0.11 refuses newer codec keys
                result.append({'store': store, 'path': path, 'error': f'{type(error).__name__}: {error}'})
                continue
            result.append(describe(store, path, array))
    json.dump(result, sys.stdout)


main()
