"""libhdf5's view of pose files (through Debian's h5py), the oracle of the pose reader tests.

  reference.py nwb <file> <PoseEstimation path> <sample,sample,...>
  reference.py slp <file> <frame,frame,...>

prints JSON; NaN becomes null. Written independently of src/pose from the formats' own docs
(ndx-pose's spec, sleap-io's dev/formats/slp.md and SLEAP's LabeledFrame.instances_to_show).
"""
import json
import math
import sys

import h5py


def clean(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    return v


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def nwb(path, group_path, samples):
    f = h5py.File(path, "r")
    g = f[group_path]
    skeleton = None
    if "nodes" in g:
        skeleton = g
    else:
        for name in g:
            obj = g[name]
            if isinstance(obj, h5py.Group) and text(obj.attrs.get("neurodata_type", "")) == "Skeleton":
                skeleton = obj
    series = {}
    for name in g:
        obj = g[name]
        if isinstance(obj, h5py.Group) and text(obj.attrs.get("neurodata_type", "")) == "PoseEstimationSeries":
            data = obj["data"]
            conv = float(data.attrs.get("conversion", 1.0))
            off = float(data.attrs.get("offset", 0.0))
            conf = obj["confidence"][()] if "confidence" in obj else None
            series[name] = {
                "count": int(data.shape[0]),
                "x": [float(data[i, 0]) * conv + off if i < data.shape[0] else None for i in samples],
                "y": [float(data[i, 1]) * conv + off if i < data.shape[0] else None for i in samples],
                "confidence": None if conf is None else [float(conf[i]) for i in samples],
            }
    out = {"series": series}
    if skeleton is not None:
        out["nodes"] = [text(n) for n in skeleton["nodes"][()]]
        out["edges"] = skeleton["edges"][()].tolist() if "edges" in skeleton else []
    return out


def slp(path, frames_wanted):
    f = h5py.File(path, "r")
    meta = json.loads(f["metadata"].attrs["json"])
    names = [n["name"] for n in meta["nodes"]]
    skel = meta["skeletons"][0]
    ids = [n["id"] for n in skel["nodes"]]
    edges = []
    for link in skel["links"]:
        t = link["type"]
        kind = t["py/reduce"][1]["py/tuple"][0] if "py/reduce" in t else t["py/id"]
        if kind == 1:
            edges.append([ids.index(link["source"]), ids.index(link["target"])])
    tracks = [json.loads(t)[1] for t in f["tracks_json"][()]] if f["tracks_json"].dtype.kind == "S" else []
    frames = f["frames"][()]
    instances = f["instances"][()]
    points = f["points"][()]
    pred = f["pred_points"][()]
    out = {}
    for want in frames_wanted:
        rows = [r for r in frames if int(r["frame_idx"]) == want and int(r["video"]) == 0]
        insts = [instances[i] for r in rows for i in range(int(r["instance_id_start"]), int(r["instance_id_end"]))]
        if any(int(i["track"]) >= 0 for i in insts):
            used = {int(i["track"]) for i in insts if i["instance_type"] == 0 and int(i["track"]) >= 0}
            shown = [i for i in insts if i["instance_type"] == 0 or int(i["track"]) not in used]
        else:
            used = {int(i["from_predicted"]) for i in insts if int(i["from_predicted"]) >= 0}
            shown = [i for i in insts if i["instance_type"] == 0 or int(i["instance_id"]) not in used]
        listed = []
        for i in shown:
            table = points if i["instance_type"] == 0 else pred
            pts = table[int(i["point_id_start"]):int(i["point_id_end"])]
            track = int(i["track"])
            listed.append({
                "track": tracks[track] if track >= 0 else None,
                "x": [float(p["x"]) if p["visible"] else None for p in pts],
                "y": [float(p["y"]) if p["visible"] else None for p in pts],
                "score": None if i["instance_type"] == 0 else [float(p["score"]) if p["visible"] else None for p in pts],
            })
        out[str(want)] = listed
    return {"nodes": [names[i] for i in ids], "edges": edges, "formatId": float(f["metadata"].attrs["format_id"]),
            "video": json.loads(f["videos_json"][0])["backend"]["filename"], "frames": out}


if __name__ == "__main__":
    kind = sys.argv[1]
    wanted = [int(x) for x in sys.argv[-1].split(",") if x]
    result = nwb(sys.argv[2], sys.argv[3], wanted) if kind == "nwb" else slp(sys.argv[2], wanted)
    print(json.dumps(clean(result)))
