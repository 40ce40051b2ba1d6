#!/usr/bin/env python3
"""Table of ratios ours/PyTorch from the files scripts/bench-vs-torch.sh wrote (test tooling, not product)."""
import glob, json, os, re, sys

out = sys.argv[1]
ours = json.load(open(os.path.join(out, "cseg.json")))
torch_default, torch_rss, torch_tuned = {}, {}, {}
for path in glob.glob(os.path.join(out, "torch_*_t*.json")):
    for r in json.load(open(path)).get("results", []):
        torch_default[(r["id"], r["threads"])] = r["median_s"]
    m = re.search(r"torch_(\w+)_t(\d)\.json$", path)
    tpath = path.replace(".json", ".time")
    if m and os.path.exists(tpath):
        kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(tpath).read())
        if kb:
            torch_rss[(m.group(1), int(m.group(2)))] = int(kb.group(1)) / 1024
tp = os.path.join(out, "torch_tuned.json")
if os.path.exists(tp):
    for r in json.load(open(tp)).get("results", []):
        if r["malloc"] == "tuned":
            torch_tuned[(r["id"], r["threads"])] = r["median_s"]
ref = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "torch_ref_results.json"))) \
    if os.path.exists(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "torch_ref_results.json")) else None
cl = {}
if ref:
    for r in ref["results"]:
        if r["id"] == "x" and r["malloc"] == "tuned":
            cl[("a", r["threads"])] = r["median_s"]
# Row x measured in this run (tuned allocator) replaces the reference file's.
if os.path.exists(tp):
    for r in json.load(open(tp)).get("results", []):
        if r["id"] == "x" and r["malloc"] == "tuned":
            cl[("a", r["threads"])] = r["median_s"]
# Quick rows (torch_quick.py): NCHW default allocator, NCHW tuned, channels-last tuned; RSS of the process.
quick_names = {"q-half": "qh", "q-full": "qf"}
for path in glob.glob(os.path.join(out, "torch_quick_*_t*.json")):
    m = re.search(r"torch_quick_(default|tuned)_t(\d)\.json$", path)
    if not m:
        continue
    for r in json.load(open(path)).get("rows", []):
        key = (quick_names.get(r["row"], r["row"]), r["threads"])
        if m.group(1) == "default" and not r["channels_last"]:
            torch_default[key] = r["median_s"]
        elif m.group(1) == "tuned" and not r["channels_last"]:
            torch_tuned[key] = r["median_s"]
        elif m.group(1) == "tuned" and r["channels_last"]:
            cl[key] = r["median_s"]
    tpath = path.replace(".json", ".time")
    if m.group(1) == "default" and os.path.exists(tpath):
        kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(tpath).read())
        if kb:
            for q in ("qh", "qf"):
                torch_rss[(q, int(m.group(2)))] = int(kb.group(1)) / 1024
print("| row | kernel | threads | ours s | torch default s | ratio | torch tuned s | ratio | torch channels-last tuned s | ratio | ours RSS MiB | torch RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in ours["rows"]:
    key = (r["name"], r["threads"])
    d, t, c = torch_default.get(key), torch_tuned.get(key), cl.get(key)
    f = lambda v: f"{v:.3f}" if v else "—"
    ratio = lambda v: f"{r['median_s'] / v:.2f}" if v else "—"
    rss = torch_rss.get(key)
    print(f"| {r['name']} | {r['kernel']} | {r['threads']} | {r['median_s']:.3f} | {f(d)} | {ratio(d)} | {f(t)} | {ratio(t)} | {f(c)} | {ratio(c)} | {r['peak_rss_mib']:.0f} | {f'{rss:.0f}' if rss else '—'} |")
