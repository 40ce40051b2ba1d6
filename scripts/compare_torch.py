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
print("| row | kernel | threads | ours s | torch default s | ratio | torch tuned s | ratio | channels-last (ref) ratio | ours RSS MiB | torch RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in ours["rows"]:
    key = (r["name"], r["threads"])
    d, t, c = torch_default.get(key), torch_tuned.get(key), cl.get(key)
    f = lambda v: f"{v:.3f}" if v else "—"
    ratio = lambda v: f"{r['median_s'] / v:.2f}" if v else "—"
    rss = torch_rss.get(key)
    print(f"| {r['name']} | {r['kernel']} | {r['threads']} | {r['median_s']:.3f} | {f(d)} | {ratio(d)} | {f(t)} | {ratio(t)} | {ratio(c)} | {r['peak_rss_mib']:.0f} | {f'{rss:.0f}' if rss else '—'} |")
