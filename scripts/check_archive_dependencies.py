#!/usr/bin/env python3
"""Test tooling, not product: for archived runs written before run files recorded their pre-training
runs' results hashes (/inputs/dependency_results_sha256), `cseg audit run` cannot tell whether the
pre-training run they started from, since recomputed, had the same numbers. The archive's git history
can: every committed version of a pre-training copy names the content and results hashes of the file it
was made from. This prints, for each dependency an archived fine-tuning run records, whether the
pre-training file with that content hash had the results hash of today's copy.

A dependant that records the results hash (files written since) is compared with today's copy directly.
Run files of pre-training runs that were never archived (a recomputation whose archived copy was kept)
can be named as further directories: their content and results hashes count like committed copies'.

Usage, from the repository root:
  /usr/bin/python3 scripts/check_archive_dependencies.py [results/phantom-quick [RUN-OUTPUT-DIR ...]]
Exit status 1 if any dependency had other numbers or is found nowhere."""
import collections, glob, os, subprocess, sys, tempfile

import h5py


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


archive = sys.argv[1] if len(sys.argv) > 1 else "results/phantom-quick"
extra = sys.argv[2:]
made_from = {}  # source content hash -> (copy's file name, source results hash, commit)
for path in sorted(glob.glob(f"{archive}/pretrain/*.h5")):
    for rev in subprocess.run(["git", "log", "--format=%H", "--", path], capture_output=True, text=True, check=True).stdout.split():
        blob = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, check=True).stdout
        with tempfile.NamedTemporaryFile(suffix=".h5") as t:
            t.write(blob)
            t.flush()
            with h5py.File(t.name, "r") as f:
                made_from[text(f.attrs["source_content_sha256"])] = (os.path.basename(path), text(f.attrs["source_results_sha256"]), rev[:12])
for directory in extra:
    for path in sorted(glob.glob(f"{directory}/pretrain/*.h5")):
        with h5py.File(path, "r") as f:
            if "results_sha256" in f.attrs:
                made_from[text(f.attrs["content_sha256"])] = (os.path.basename(path), text(f.attrs["results_sha256"]), path)
today = {}
for path in glob.glob(f"{archive}/pretrain/*.h5"):
    with h5py.File(path, "r") as f:
        today[os.path.basename(path)] = text(f.attrs["source_results_sha256"])

counts = collections.Counter()
for path in sorted(glob.glob(f"{archive}/runs/*.h5")):
    with h5py.File(path, "r") as f:
        hashes = [text(h) for h in f["inputs/dependency_sha256"][()]] if "inputs/dependency_sha256" in f else []
        keys = [text(k) for k in f["inputs/dependency_run_keys"][()]] if "inputs/dependency_run_keys" in f else []
        recorded = [text(r) for r in f["inputs/dependency_results_sha256"][()]] if "inputs/dependency_results_sha256" in f else [None] * len(hashes)
    for h, key, r in zip(hashes, keys, recorded):
        if r is not None:
            if r in today.values():
                counts["same numbers as today's copy (results hash recorded)"] += 1
            else:
                counts["other numbers"] += 1
                print(f"{path}: records results hash {r[:16]}… for {key}, which no copy of today holds")
            continue
        if h not in made_from:
            counts["not in any committed copy"] += 1
            print(f"{path}: started from content hash {h[:16]}…, which no committed pre-training copy was made from")
            continue
        name, results, rev = made_from[h]
        if results == today[name]:
            counts["same numbers as today's copy"] += 1
        else:
            counts["other numbers"] += 1
            print(f"{path}: started from {name} as committed at {rev}, results hash {results[:16]}…, today's copy {today[name][:16]}…")
print(", ".join(f"{n} {k}" for k, n in sorted(counts.items())), f"({len(made_from)} pre-training files read)")
sys.exit(1 if counts["other numbers"] or counts["not in any committed copy"] else 0)
