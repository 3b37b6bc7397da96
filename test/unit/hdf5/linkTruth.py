# libhdf5's view of a file's groups, through Debian's h5py: the root group's header address and,
# for every group reachable by hard links, its links in the order H5Literate2 lists them (by
# creation order where the group indexes it, else by name), with each hard link target's type.
# Prints JSON: {"root": addr, "groups": {addr: [link, ...]}, "types": {addr: "group"|...}}.
import json
import sys

import h5py
from h5py import h5, h5g, h5l, h5o, h5p

KINDS = {h5o.TYPE_GROUP: "group", h5o.TYPE_DATASET: "dataset", h5o.TYPE_NAMED_DATATYPE: "datatype"}


def text(raw):
    return raw.decode("utf-8", "replace")


def links_of(gid):
    indexed = bool(gid.get_create_plist().get_link_creation_order() & h5p.CRT_ORDER_INDEXED)
    names = []
    gid.links.iterate(
        lambda name: names.append(name),
        idx_type=h5.INDEX_CRT_ORDER if indexed else h5.INDEX_NAME,
        order=h5.ITER_INC,
    )
    out = []
    for name in names:
        info = gid.links.get_info(name)
        link = {"name": text(name)}
        if info.type == h5l.TYPE_HARD:
            link.update(kind="hard", address=info.u)
        elif info.type == h5l.TYPE_SOFT:
            link.update(kind="soft", target=text(gid.links.get_val(name)))
        elif info.type == h5l.TYPE_EXTERNAL:
            file, path = gid.links.get_val(name)
            link.update(kind="external", file=text(file), path=text(path))
        else:
            link.update(kind="user-defined %d" % info.type)
        out.append((name, link))
    return out


def main(path):
    f = h5py.File(path, "r")
    root = h5g.open(f.id, b"/")
    groups, types = {}, {}
    root_addr = h5o.get_info(root).addr
    types[root_addr] = "group"
    pending = [(root_addr, root)]
    while pending:
        addr, gid = pending.pop()
        listed = links_of(gid)
        groups[addr] = [link for _, link in listed]
        for name, link in listed:
            if link["kind"] != "hard" or link["address"] in types:
                continue
            try:
                oid = h5o.open(gid, name)
            except Exception:
                continue  # a hard link to nothing readable
            kind = KINDS.get(h5o.get_info(oid).type, "other")
            types[link["address"]] = kind
            if kind == "group":
                pending.append((link["address"], oid))
    json.dump({"root": root_addr, "groups": groups, "types": types}, sys.stdout)


main(sys.argv[1])
