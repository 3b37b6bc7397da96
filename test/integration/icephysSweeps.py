"""The sweeps of icephys NWB files as libhdf5 (h5py) reads them, independently of the extension:
one entry per response series with its sweep number and stimulus name, grouped by stimulus name.

Usage: python3 icephysSweeps.py FILE...   prints {file: {"sweeps": n, "groups": {name: [numbers]}}}.
The pairing rules are the NWB ones: the IntracellularRecordingsTable's `responses/response`
column, else the SweepTable's series per sweep_number, else the PatchClampSeries under
/acquisition (NWB 1.x: /acquisition/timeseries, types in `ancestry`, `Sweep=` in `source`).
"""
import json
import re
import sys

import h5py

ICEPHYS = "general/intracellular_ephys"
NO_NAME = {"", "na", "n/a", "none", "null", "unknown", "no description"}


def text(v):
    if v is None:
        return None
    if hasattr(v, "shape") and v.shape == (1,):
        v = v[0]
    return v.decode() if isinstance(v, bytes) else str(v)


def type_of(obj):
    ancestry = obj.attrs.get("ancestry")
    if ancestry is not None and len(ancestry):
        return text(ancestry[-1])
    return text(obj.attrs.get("neurodata_type"))


def sweep_number(obj):
    if "sweep_number" in obj.attrs:
        return int(obj.attrs["sweep_number"])
    m = re.search(r"(?:^|;)\s*Sweep=(\d+)", text(obj.attrs.get("source")) or "")
    return int(m.group(1)) if m else None


def description(obj):
    v = obj.attrs.get("stimulus_description")
    if v is None and "stimulus_description" in obj:
        v = obj["stimulus_description"][()]
    name = text(v)
    return None if name is None or name.strip().lower() in NO_NAME else name.strip()


def responses(f):
    table = f.get(f"{ICEPHYS}/intracellular_recordings")
    if table is not None:
        rows = table["responses/response"][()]
        stimulus_type = {}
        seq = f.get(f"{ICEPHYS}/sequential_recordings")
        if seq is not None and "stimulus_type" in seq:
            # recording row -> simultaneous row -> sequential row -> stimulus_type
            sim = f[f"{ICEPHYS}/simultaneous_recordings"]
            def parents(group, column):
                out, start = {}, 0
                for parent, end in enumerate(group[f"{column}_index"][()]):
                    for child in group[column][start:end]:
                        out.setdefault(int(child), parent)
                    start = end
                return out
            rec_to_sim = parents(sim, "recordings")
            sim_to_seq = parents(seq, "simultaneous_recordings")
            types = seq["stimulus_type"][()]
            for rec, s in rec_to_sim.items():
                if s in sim_to_seq:
                    stimulus_type[rec] = text(types[sim_to_seq[s]])
        out = []
        for i, row in enumerate(rows):
            series = f[row["timeseries"]]
            out.append((sweep_number(series), description(series) or stimulus_type.get(i)))
        return out
    table = f.get(f"{ICEPHYS}/sweep_table")
    if table is not None:
        numbers = table["sweep_number"][()]
        ends = table["series_index"][()]
        refs = table["series"][()]
        by_number, start = {}, 0
        for row, end in enumerate(ends):
            by_number.setdefault(int(numbers[row]), []).extend(f[r] for r in refs[start:end])
            start = end
        out = []
        for number, series in sorted(by_number.items()):
            stims = [s for s in series if "StimulusSeries" in (type_of(s) or "") or s.name.startswith("/stimulus/")]
            for s in series:
                if s in stims:
                    continue
                out.append((number, description(s) or next((description(t) for t in stims if description(t)), None)))
            if not any(s not in stims for s in series):
                out.extend((number, description(t)) for t in stims)
        return out
    out = []
    for root in ("acquisition", "acquisition/timeseries"):
        for obj in (f[root].values() if root in f else []):
            if isinstance(obj, h5py.Group) and (type_of(obj) or "").endswith(("ClampSeries", "PatchClampSeries")):
                out.append((sweep_number(obj), description(obj)))
    return out


def main():
    result = {}
    for path in sys.argv[1:]:
        with h5py.File(path, "r") as f:
            sweeps = responses(f)
        groups = {}
        for number, name in sweeps:
            groups.setdefault(name or "(unnamed stimulus)", []).append(number)
        result[path] = {
            "sweeps": len(sweeps),
            "groups": {k: sorted(v, key=lambda n: (n is None, n)) for k, v in groups.items()},
        }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
