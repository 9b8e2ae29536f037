#!/usr/bin/env python3
"""Purse's QR scanner against zxing-cpp, side by side, on the same generated corpus.

    python3 scripts/scan_bench.py [--corpus DIR] [--per-category N] [--seed S]

Generates the corpus if missing (cargo example `scan_corpus`), runs `purse scan --json` and
zxing-cpp (PyPI wheel, installed if missing) over every image, and prints per category and
overall: the share of codes found (exact payload) and the median and p95 time to find and
decode them in already-decoded pixels (file reading and image decoding excluded for both).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_python_deps():
    try:
        import numpy  # noqa: F401
        import PIL  # noqa: F401
        import zxingcpp  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "zxing-cpp", "numpy", "pillow"])


def pct(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "target" / "scan-corpus"))
    ap.add_argument("--per-category", type=int, default=30)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--budget-ms", type=int, default=250)
    args = ap.parse_args()
    ensure_python_deps()
    import numpy as np
    import zxingcpp
    from PIL import Image

    corpus = Path(args.corpus)
    manifest = corpus / "manifest.jsonl"
    if not manifest.exists():
        subprocess.check_call(
            ["cargo", "run", "--release", "-q", "-p", "purse-scan", "--example", "scan_corpus", "--",
             str(corpus), str(args.per_category), str(args.seed)], cwd=ROOT)
    subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "purse-cli"], cwd=ROOT)
    entries = [json.loads(l) for l in manifest.read_text().splitlines() if l.strip()]
    for e in entries:
        e["path"] = str(corpus / e["file"])
    # Real photographs, when someone has added them (see core/tests/photos/README.md).
    photos = ROOT / "core" / "tests" / "photos"
    if (photos / "manifest.jsonl").exists():
        for l in (photos / "manifest.jsonl").read_text().splitlines():
            if l.strip():
                e = json.loads(l)
                e["path"] = str(photos / e["file"])
                e.setdefault("category", "photo")
                entries.append(e)
    files = [e["path"] for e in entries]

    # Purse: one process over every file, one core (the scanner is single-threaded).
    ours = {}
    out = subprocess.run([str(ROOT / "target" / "release" / "purse"), "scan", "--json",
                          "--budget-ms", str(args.budget_ms), *files],
                         capture_output=True, text=True, env={**os.environ, "RAYON_NUM_THREADS": "1"})
    for line in out.stdout.splitlines():
        r = json.loads(line)
        ours[r["file"]] = r

    # zxing-cpp: its own defaults (try harder, rotate, invert, downscale), QR codes only.
    theirs = {}
    for f in files:
        img = np.asarray(Image.open(f).convert("L"))
        t = time.perf_counter()
        res = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
        ms = (time.perf_counter() - t) * 1e3
        theirs[f] = {"payloads": [r.text for r in res], "ms": ms}

    cats = []
    for e in entries:
        if e["category"] not in cats:
            cats.append(e["category"])
    rows = []
    totals = {"purse": [0, 0, [], []], "zxing": [0, 0, [], []]}
    hd_times = {"purse": [], "zxing": []}
    for cat in cats + ["overall"]:
        es = [e for e in entries if cat == "overall" or e["category"] == cat]
        row = [cat, len(es)]
        for name, res in (("purse", ours), ("zxing", theirs)):
            found = expected = 0
            times = []
            for e in es:
                r = res.get(e["path"], {})
                got = set(r.get("payloads", []))
                expected += len(e["payloads"])
                found += sum(1 for p in e["payloads"] if p in got)
                if "ms" in r:
                    times.append(r["ms"])
                    if cat != "overall" and (e.get("width"), e.get("height")) == (1280, 720):
                        hd_times[name].append(r["ms"])
            row += [100.0 * found / max(expected, 1), statistics.median(times) if times else float("nan"), pct(times, 0.95)]
        rows.append(row)
    print(f"corpus: {len(entries)} images in {corpus} (seed {args.seed})")
    print("| category | images | purse found % | purse median ms | purse p95 ms | zxing-cpp found % | zxing median ms | zxing p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]:.1f} | {r[3]:.2f} | {r[4]:.2f} | {r[5]:.1f} | {r[6]:.2f} | {r[7]:.2f} |")
    for name in ("purse", "zxing"):
        if hd_times[name]:
            print(f"{name}: median over 1280x720 frames {statistics.median(hd_times[name]):.2f} ms ({len(hd_times[name])} frames)")


if __name__ == "__main__":
    main()
