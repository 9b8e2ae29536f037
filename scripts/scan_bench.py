#!/usr/bin/env python3
"""Purse's QR scanner against zxing-cpp, side by side, on the same images.

    python3 scripts/scan_bench.py [--corpus DIR] [--per-category N] [--seed S]
    python3 scripts/scan_bench.py --photos DIR

Generated corpus: made if missing (cargo example `scan_corpus`); a code counts when its exact
payload is decoded.

Real photos (`--photos`): a folder in BoofCV's QR dataset layout, one subfolder per category,
each image (`.jpg`/`.png`) beside a `.txt` of labelled corners (four x y pairs per code, one
pair per line or eight numbers per line after `SETS`). The dataset is not in this repository:
fetch it once, e.g. the copy in github.com/rizwankce/RustQR under `benches/images/boofcv/`
(`git archive HEAD benches/images/boofcv | tar -x -C /work/data`), and pass its folder. A
labelled code counts as found when a decoded code's quadrilateral and its own contain each
other's centre (BoofCV's validation matches by position too, since labels carry no
payloads); a decode that matches no label is a false decode.

Both run `purse scan --json` (one process, one core) and zxing-cpp (PyPI wheel, installed if
missing) over every image and print per category and overall: the share of codes found, false
decodes, and the median, p95 and max time to find and decode in already-decoded pixels (file
reading and image decoding excluded for both).
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


def labelled_quads(txt):
    """The labelled codes of one image: a list of four (x, y) corners each."""
    nums = []
    for line in Path(txt).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line == "SETS":
            continue
        nums += [float(x) for x in line.split()]
    if len(nums) % 8:
        raise ValueError(f"{txt}: {len(nums)} numbers, not a multiple of 8")
    return [[(nums[i + 2 * k], nums[i + 2 * k + 1]) for k in range(4)] for i in range(0, len(nums), 8)]


def inside(pt, quad):
    """Whether `pt` is inside the (convex or not) quadrilateral: ray casting."""
    x, y = pt
    hit = False
    for i in range(4):
        (x1, y1), (x2, y2) = quad[i], quad[(i + 1) % 4]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def centre(quad):
    return (sum(p[0] for p in quad) / 4, sum(p[1] for p in quad) / 4)


def match(labels, found):
    """(codes found, false decodes): each label matched by at most one decode and back."""
    used = set()
    hits = 0
    for lab in labels:
        for j, q in enumerate(found):
            if j not in used and (inside(centre(q), lab) or inside(centre(lab), q)):
                used.add(j)
                hits += 1
                break
    return hits, len(found) - len(used)


def bench_photos(args):
    import numpy as np
    import zxingcpp
    from PIL import Image

    root = Path(args.photos)
    entries = []
    for cat in sorted(d.name for d in root.iterdir() if d.is_dir()):
        for img in sorted((root / cat).iterdir()):
            if img.suffix.lower() in (".jpg", ".jpeg", ".png") and img.with_suffix(".txt").exists():
                entries.append({"category": cat, "path": str(img), "labels": labelled_quads(img.with_suffix(".txt"))})
    if not entries:
        sys.exit(f"no labelled images under {root} (see --help)")
    subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "purse-cli"], cwd=ROOT)
    ours = {}
    out = subprocess.run([str(ROOT / "target" / "release" / "purse"), "scan", "--json",
                          "--budget-ms", str(args.budget_ms), *[e["path"] for e in entries]],
                         capture_output=True, text=True, env={**os.environ, "RAYON_NUM_THREADS": "1"})
    for line in out.stdout.splitlines():
        r = json.loads(line)
        ours[r["file"]] = {"quads": [[tuple(c) for c in q] for q in r.get("corners", [])], "ms": r.get("ms")}
    theirs = {}
    for e in entries:
        img = np.asarray(Image.open(e["path"]).convert("L"))
        t = time.perf_counter()
        res = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
        ms = (time.perf_counter() - t) * 1e3
        quads = []
        for r in res:
            p = r.position
            quads.append([(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y),
                          (p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)])
        theirs[e["path"]] = {"quads": quads, "ms": ms}

    cats = sorted({e["category"] for e in entries})
    print(f"photos: {len(entries)} images, {sum(len(e['labels']) for e in entries)} codes in {root}")
    print("| category | codes | zxing-cpp found % | false | median ms | p95 ms | max ms "
          "| Purse found % | false | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for cat in cats + ["overall"]:
        es = [e for e in entries if cat == "overall" or e["category"] == cat]
        codes = sum(len(e["labels"]) for e in es)
        row = [f"**{cat}**" if cat == "overall" else cat, str(codes)]
        for res in (theirs, ours):
            hits = false = 0
            times = []
            for e in es:
                r = res.get(e["path"])
                if r is None:
                    continue
                h, f = match(e["labels"], r["quads"])
                hits += h
                false += f
                if r["ms"] is not None:
                    times.append(r["ms"])
            row += [f"{100.0 * hits / max(codes, 1):.1f}", str(false),
                    f"{statistics.median(times):.1f}" if times else "-", f"{pct(times, 0.95):.1f}",
                    f"{max(times):.1f}" if times else "-"]
        print("| " + " | ".join(row) + " |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "target" / "scan-corpus"))
    ap.add_argument("--per-category", type=int, default=30)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--budget-ms", type=int, default=250)
    ap.add_argument("--photos", help="a folder in BoofCV's QR dataset layout (see the module doc)")
    args = ap.parse_args()
    ensure_python_deps()
    if args.photos:
        return bench_photos(args)
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
