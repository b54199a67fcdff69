#!/usr/bin/env python3
"""Builds an OCI image archive (oci-layout tar, importable with `ctr image import`) from
directories and/or tar files, with no registry and no Docker.

usage: mkimage.py --name REF --out FILE.tar [--format oci|docker] [--layer DIR_OR_TAR]...
                  [--entrypoint JSON] [--cmd JSON] [--env K=V]... [--workdir DIR]
                  [--user UID[:GID]] [--expose PORT]...
Each --layer becomes one layer (gzip). A directory is packed with numeric owner 0:0,
sorted entries and mtime 0, so the same input gives the same digest.
--format oci (default) writes an oci-layout tar (`ctr image import`); --format docker writes the
`docker save` layout (manifest.json), which Jib reads as a local base image (`tar://FILE.tar`).
"""
import argparse, gzip, hashlib, io, json, os, stat, tarfile, tempfile, shutil, sys


def tar_dir(src, out):
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for root, dirs, files in os.walk(src):
            dirs.sort(); files.sort()
            for name in dirs + files:
                full = os.path.join(root, name)
                arc = os.path.relpath(full, src)
                ti = tf.gettarinfo(full, arcname=arc)
                ti.uid = ti.gid = 0; ti.uname = ti.gname = ""; ti.mtime = 0
                if ti.isreg():
                    with open(full, "rb") as f:
                        tf.addfile(ti, f)
                else:
                    tf.addfile(ti)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--layer", action="append", default=[])
    p.add_argument("--entrypoint"); p.add_argument("--cmd")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--workdir"); p.add_argument("--user")
    p.add_argument("--expose", action="append", default=[])
    p.add_argument("--format", choices=["oci", "docker"], default="oci")
    a = p.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        blobs = os.path.join(tmp, "blobs", "sha256"); os.makedirs(blobs)

        def put(data):
            d = hashlib.sha256(data).hexdigest()
            with open(os.path.join(blobs, d), "wb") as f:
                f.write(data)
            return "sha256:" + d, len(data)

        layers, diff_ids = [], []
        for src in a.layer:
            raw = io.BytesIO()
            if os.path.isdir(src):
                tar_dir(src, raw)
            else:
                with open(src, "rb") as f:
                    shutil.copyfileobj(f, raw)
            raw = raw.getvalue()
            diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
            gz = gzip.compress(raw, compresslevel=6, mtime=0)
            dg, size = put(gz)
            layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                           "digest": dg, "size": size})
        cfg = {"Env": a.env or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
        if a.entrypoint: cfg["Entrypoint"] = json.loads(a.entrypoint)
        if a.cmd: cfg["Cmd"] = json.loads(a.cmd)
        if a.workdir: cfg["WorkingDir"] = a.workdir
        if a.user: cfg["User"] = a.user
        if a.expose: cfg["ExposedPorts"] = {f"{x}/tcp": {} for x in a.expose}
        config = {"architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
                  "config": cfg, "rootfs": {"type": "layers", "diff_ids": diff_ids},
                  "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "mkimage.py"}] * len(layers)}
        cdg, csize = put(json.dumps(config, sort_keys=True).encode())
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                               "digest": cdg, "size": csize},
                    "layers": layers}
        mdg, msize = put(json.dumps(manifest, sort_keys=True).encode())
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                "digest": mdg, "size": msize,
                                "annotations": {"io.containerd.image.name": a.name,
                                                "org.opencontainers.image.ref.name": a.name.rsplit(":", 1)[-1]}}]}
        if a.format == "docker":
            # docker save layout: manifest.json naming the config and layer blobs by path
            dmanifest = [{"Config": "blobs/sha256/" + cdg.split(":")[1], "RepoTags": [a.name],
                          "Layers": ["blobs/sha256/" + l["digest"].split(":")[1] for l in layers]}]
            with open(os.path.join(tmp, "manifest.json"), "w") as f: json.dump(dmanifest, f)
            names = ["manifest.json", "blobs"]
        else:
            with open(os.path.join(tmp, "index.json"), "w") as f: json.dump(index, f)
            with open(os.path.join(tmp, "oci-layout"), "w") as f: json.dump({"imageLayoutVersion": "1.0.0"}, f)
            names = ["oci-layout", "index.json", "blobs"]

        def norm(ti):
            ti.uid = ti.gid = 0; ti.uname = ti.gname = ""; ti.mtime = 0
            return ti
        with tarfile.open(a.out, "w") as tf:
            for n in names:
                tf.add(os.path.join(tmp, n), arcname=n, filter=norm)
        print(f"{a.name} {mdg} -> {a.out}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
