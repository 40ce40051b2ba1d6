"""Check that two output directories of the same experiment hold identical run files outside /volatile.

usage: /usr/bin/python3 compare_runs.py DIR_A DIR_B

Both directories must have the same run files (runs/*.h5 and pretrain/*.h5, same names). For each pair:
the root attributes are equal (content_sha256 among them), the same datasets exist outside /volatile with
the same type and shape, and their raw bytes are equal. /volatile (host, times, data root) is outside the
content hash by design (docs/run-file.md) and is only required to exist. Test tooling (h5py from Debian's
python3-h5py); exits 1 with one line per difference.
"""
import os
import sys

import h5py
import numpy as np


def run_files(root):
    found = []
    for sub in ("pretrain", "runs"):
        d = os.path.join(root, sub)
        if os.path.isdir(d):
            found += [os.path.join(sub, f) for f in sorted(os.listdir(d)) if f.endswith(".h5")]
    return found


def datasets(f):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and not (name == "volatile" or name.startswith("volatile/")):
            out[name] = obj
    f.visititems(visit)
    return out


def raw_bytes(ds):
    value = ds[()]
    if ds.dtype.kind == "O" or h5py.check_string_dtype(ds.dtype) is not None:
        # Variable-length strings: compare the decoded bytes, element by element, in order.
        flat = np.asarray(value, dtype=object).reshape(-1)
        return b"\0".join(v if isinstance(v, bytes) else str(v).encode() for v in flat)
    return np.ascontiguousarray(value).tobytes()


def compare(path_a, path_b):
    problems = []
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        if "volatile" not in a or "volatile" not in b:
            problems.append("no /volatile group")
        attrs_a, attrs_b = dict(a.attrs), dict(b.attrs)
        if sorted(attrs_a) != sorted(attrs_b):
            problems.append(f"root attributes differ: {sorted(attrs_a)} vs {sorted(attrs_b)}")
        for k in sorted(set(attrs_a) & set(attrs_b)):
            if np.asarray(attrs_a[k]).tobytes() != np.asarray(attrs_b[k]).tobytes():
                problems.append(f"root attribute {k}: {attrs_a[k]!r} vs {attrs_b[k]!r}")
        da, db = datasets(a), datasets(b)
        if sorted(da) != sorted(db):
            problems.append(f"datasets differ: only in A {sorted(set(da) - set(db))}, only in B {sorted(set(db) - set(da))}")
        for name in sorted(set(da) & set(db)):
            x, y = da[name], db[name]
            if x.dtype != y.dtype or x.shape != y.shape:
                problems.append(f"/{name}: {x.dtype}{x.shape} vs {y.dtype}{y.shape}")
            elif raw_bytes(x) != raw_bytes(y):
                problems.append(f"/{name}: values differ")
        return problems, len(da), attrs_a.get("content_sha256")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    dir_a, dir_b = sys.argv[1], sys.argv[2]
    files_a, files_b = run_files(dir_a), run_files(dir_b)
    failed = False
    if not files_a:
        print(f"{dir_a}: no run files")
        sys.exit(1)
    if files_a != files_b:
        print(f"run files differ: only in {dir_a}: {sorted(set(files_a) - set(files_b))}; "
              f"only in {dir_b}: {sorted(set(files_b) - set(files_a))}")
        failed = True
    for rel in sorted(set(files_a) & set(files_b)):
        problems, count, digest = compare(os.path.join(dir_a, rel), os.path.join(dir_b, rel))
        for p in problems:
            print(f"{rel}: {p}")
        failed |= bool(problems)
        if not problems:
            digest = digest.decode() if isinstance(digest, bytes) else str(digest)
            print(f"identical  {rel}  ({count} datasets outside /volatile, content_sha256 {digest[:16]}…)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
