# The peer of the HDF5 engine in hdf5Peers.bench: h5py (libhdf5) over fsspec's HTTP files, as Python
# users stream DANDI assets, or over a local file (native libhdf5). One warm process serves many
# requests: one JSON object per stdin line, one JSON answer per stdout line.
#
#   {"op": "walk" | "read" | "minmax", "key": str, "fresh": bool, "url": str | "path": str,
#    "cache": "default" | "block", "blockSize": int, "reads": [[dataset, [[start, stop], ...]], ...],
#    "dataset": str}
#
# "minmax" computes the min and max of every column of `dataset` over all its rows, read a few
# chunks of rows at a time (the peer of the viewer's exact overview of a whole series).
#
# Each answer carries `cpuSeconds`, the process's CPU time for the request (all its threads).
#
# `fresh` opens a new fsspec file (empty cache); otherwise the file of `key` is reused with what its
# cache holds (the peer's "warm"). h5py's File is opened anew on it either way, as a new session is.
# A `path` is opened by libhdf5 itself (its sec2 driver): native libhdf5, no Python file object.
# `"cache": "ros3"` has libhdf5 stream the `url` itself (its read-only S3 driver, over libcurl, one
# ranged GET per read and no cache of its own): native libhdf5 over the same link, as pynwb's
# streaming tutorial shows it. It reuses nothing between requests, so its warm run is its cold one.
import json
import sys
import time

import fsspec
import h5py

files = {}


def open_source(req):
    """What h5py.File opens, and with which libhdf5 driver (None: its default)."""
    if "path" in req:
        return req["path"], None  # libhdf5's own file driver, no Python in the read path: native
    if req["cache"] == "ros3":
        return req["url"], "ros3"
    key = req["key"]
    if req.get("fresh") or key not in files:
        old = files.pop(key, None)
        if old is not None:
            old.close()
        if req["cache"] == "default":
            # fsspec.open(url, 'rb') as users write it: the default cache ('bytes', 5 MiB readahead).
            files[key] = fsspec.open(req["url"], "rb").open()
        else:
            files[key] = fsspec.open(
                req["url"], "rb", cache_type=req["cache"], block_size=req["blockSize"]
            ).open()
    return files[key], None


def read_attributes(obj, counts):
    for name in obj.attrs:
        try:
            obj.attrs[name]
            counts["attributes"] += 1
        except Exception:  # an attribute libhdf5 cannot read (counted, as the engine reports it)
            counts["attributeErrors"] += 1


def walk(h5):
    counts = {"objects": 1, "attributes": 0, "attributeErrors": 0}
    read_attributes(h5, counts)

    def visit(_name, obj):
        counts["objects"] += 1
        read_attributes(obj, counts)
        if isinstance(obj, h5py.Dataset):
            # What the engine's walk returns for a dataset: shape, type, chunks and filters.
            obj.shape, obj.dtype, obj.chunks, obj.compression, obj.maxshape

    h5.visititems(visit)
    return counts


def read(h5, reads):
    elements, total = 0, 0.0
    for path, bounds in reads:
        dataset = h5[path]
        value = dataset[tuple(slice(a, b) for a, b in bounds)] if bounds else dataset[()]
        elements += value.size
        if value.dtype.kind in "biuf":  # a check that both sides read the same numbers
            total += float(value.astype("float64").sum())
    return {"elements": int(elements), "sum": total}


def minmax(h5, path):
    import numpy

    dataset = h5[path]
    rows = (dataset.chunks or (65536,))[0] * 8
    lo, hi = None, None
    for start in range(0, dataset.shape[0], rows):
        block = dataset[start : start + rows]
        a, b = numpy.nanmin(block, axis=0), numpy.nanmax(block, axis=0)
        lo = a if lo is None else numpy.minimum(lo, a)
        hi = b if hi is None else numpy.maximum(hi, b)
    return {"elements": int(dataset.size), "min": float(numpy.min(lo)), "max": float(numpy.max(hi))}


def serve(req):
    source, driver = open_source(req)
    with h5py.File(source, "r", driver=driver) as h5:
        if req["op"] == "minmax":
            return minmax(h5, req["dataset"])
        return walk(h5) if req["op"] == "walk" else read(h5, req["reads"])


def main():
    print(json.dumps({"ready": True, "h5py": h5py.__version__, "fsspec": fsspec.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            started = time.process_time()
            answer = serve(json.loads(line))
            # CPU of every thread of this process (fsspec's event loop included), for the benches.
            answer["cpuSeconds"] = round(time.process_time() - started, 3)
        except Exception as error:  # reported to the bench, which fails loudly
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)


main()
