"""Cold start: process start (`streamlit run app.py`) → first map painted on `/`, and where the
time goes.

Run: `python -m bench.cold_start [--starts 3] [--importtime-runs 3]`.

(1) End to end, over `--starts` fresh server processes (one Chromium, a fresh tab each): the
    time from spawning `streamlit run app.py` to (a) `/_stcore/health` answering, (b) the page
    connected, (c) the 2D painter's canvas (`.nnpg-boundary canvas`) showing `data-frame` > 0,
    i.e. the first map painted. Median; target (c) <= 5 s.
(2) Where it goes, in fresh interpreters (median over `--importtime-runs`):
    - the phases the first page run goes through, timed in order in one process: the server's
      own imports (`streamlit.web.bootstrap`), the app's imports (app.py's and the 2D page's
      modules), the default dataset, the Trainer, the first and second probe
      (`capture_playground`);
    - `python -X importtime` over the same imports, self time summed per top-level package
      (torch, streamlit, sklearn, plotly, PIL, ...), each with the first-party module that
      first pulls it in, so a deferral can be aimed at the right line;
    - the first run of `/` itself (streamlit.testing AppTest, fresh interpreter) under
      `-X importtime` with an import spy: which heavy packages that run imports (also the ones
      imported inside functions, which a static import list misses), their cumulative seconds
      and the first-party line that first imports each.
The machine is shared: the load average seen is printed with the figures. Absolute seconds
drift with load; the breakdown's shares are the useful part.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import ast
import json
import os
import statistics
import subprocess
import time
from collections import defaultdict

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"app", "labs", "ui", "engine", "viz", "datasets", "bench"}
PAINTED_JS = """() => { const c = document.querySelector('.nnpg-boundary canvas');
  return !!c && Number(c.dataset.frame) > 0; }"""


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def page_imports() -> list[str]:
    """The modules app.py and the 2D page (labs/playground.py) import, in order."""
    names: list[str] = []
    for path in (ROOT / "app.py", ROOT / "labs" / "playground.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
                names.append(node.module)
            elif isinstance(node, ast.Import):
                names += [a.name for a in node.names]
    return list(dict.fromkeys(names))


# ---- (1) end to end ---------------------------------------------------------------------------
def one_start(browser) -> dict:
    from bench.browser_speed import Server, wait_connected
    server = Server()
    try:
        server.wait_healthy()
        health = time.perf_counter() - server.started
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url + "/")
        wait_connected(page)
        connected = time.perf_counter() - server.started
        page.wait_for_function(PAINTED_JS, timeout=60000, polling="raf")
        painted = time.perf_counter() - server.started
        page.close()
        return {"health_s": health, "connected_s": connected, "first_map_s": painted}
    finally:
        server.stop()


def end_to_end(starts: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from bench.browser_speed import CHROMIUM, CHROMIUM_ARGS
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for i in range(starts):
                row = one_start(browser)
                row["load"] = load()
                rows.append(row)
                print(f"start {i + 1}: health {row['health_s']:.2f} s · connected "
                      f"{row['connected_s']:.2f} s · first map painted {row['first_map_s']:.2f} s"
                      f" · load {row['load']}", flush=True)
        finally:
            browser.close()
    return rows


# ---- (2) phases in a fresh interpreter --------------------------------------------------------
PHASES_SCRIPT = r"""
import json, sys, time
t = time.perf_counter
out = {}
t0 = t(); import streamlit.web.bootstrap; out["server imports (streamlit.web.bootstrap)"] = t() - t0
t0 = t()
for name in MODULES:
    __import__(name)
out["app + 2D page imports"] = t() - t0
from engine.train.runtime import configure_torch
from engine.record.recorder import Recorder
from engine.inspect.playground import capture_playground
from engine.train import Trainer
from ui.controls.playground import TFP_DEFAULT
configure_torch()
from engine.data import load_data
t0 = t(); ds = load_data(TFP_DEFAULT.data); out["default dataset (circle)"] = t() - t0
t0 = t(); trainer = Trainer(TFP_DEFAULT, dataset=ds, device="cpu"); rec = Recorder(trainer)
out["Trainer + Recorder"] = t() - t0
t0 = t(); capture_playground(trainer, rec); out["first probe (capture_playground)"] = t() - t0
t0 = t(); capture_playground(trainer, rec); out["second probe (warm)"] = t() - t0
print(json.dumps(out))
"""


def phases(runs: int) -> dict[str, float]:
    code = PHASES_SCRIPT.replace("MODULES", repr(page_imports()))
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
        for key, value in json.loads(res.stdout.strip().splitlines()[-1]).items():
            samples[key].append(value)
    return {key: statistics.median(values) for key, values in samples.items()}


def importtime(runs: int) -> tuple[dict[str, float], dict[str, str], float]:
    """Self import time per top-level package (median over runs), who first imports each
    third-party package (first-party module -> package), and the total."""
    code = "import streamlit.web.bootstrap\n" + "".join(
        f"import {name}\n" for name in page_imports())
    per_run: list[dict[str, float]] = []
    importer: dict[str, str] = {}
    totals = []
    for _ in range(runs):
        res = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT,
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        rows = []
        for line in res.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cum_us, name = line[len("import time:"):].split("|")
            depth = (len(name) - len(name.lstrip(" "))) // 2
            rows.append((int(self_us), int(cum_us), depth, name.strip()))
        sums: dict[str, float] = defaultdict(float)
        for self_us, _, _, name in rows:
            sums[name.split(".")[0]] += self_us / 1e6
        per_run.append(sums)
        totals.append(sum(sums.values()))
        # post-order: a module's importer is the next row with a smaller depth
        for i, (_, _, depth, name) in enumerate(rows):
            top = name.split(".")[0]
            if top in FIRST_PARTY or top in importer:
                continue
            chain = []
            d = depth
            for _, _, d2, parent in rows[i + 1:]:
                if d2 < d:
                    chain.append(parent)
                    d = d2
                    if parent.split(".")[0] in FIRST_PARTY:
                        break
            first = next((c for c in chain if c.split(".")[0] in FIRST_PARTY), None)
            if first is not None and top not in importer:
                importer[top] = first
            elif chain and top not in importer and chain[-1].split(".")[0] != top:
                importer.setdefault(top, f"(via {chain[-1]})")
    keys = set().union(*per_run)
    med = {k: statistics.median([r.get(k, 0.0) for r in per_run]) for k in keys}
    return med, importer, statistics.median(totals)


FIRST_RUN_SCRIPT = r"""
import importlib.abc, json, sys, time, traceback
ROOT = sys.argv[1]
WATCH = {"torch", "torch._dynamo", "sympy", "streamlit", "plotly", "pandas", "pyarrow",
         "sklearn", "scipy", "PIL", "altair", "matplotlib", "numpy"}
who = {}
class Spy(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in WATCH and name not in who:
            mine = [f for f in traceback.extract_stack()
                    if f.filename.startswith(ROOT) and "/bench/" not in f.filename]
            who[name] = (f"{mine[-1].filename[len(ROOT) + 1:]}:{mine[-1].lineno} "
                         f"({mine[-1].name})") if mine else "(streamlit itself)"
        return None
sys.meta_path.insert(0, Spy())
sys.path.insert(0, ROOT)
from streamlit.testing.v1 import AppTest
for name in filter(None, sys.argv[2].split(",")):   # preloaded: left out of the timed run
    __import__(name)
t0 = time.perf_counter()
at = AppTest.from_file(ROOT + "/app.py", default_timeout=120)
at.run()
out = {"first_run_s": time.perf_counter() - t0, "exception": bool(at.exception), "who": who}
print("@@" + json.dumps(out))
"""


def first_run(runs: int, preload: str = "") -> tuple[float, dict[str, float], dict[str, str]]:
    """The first run of `/` (AppTest, fresh interpreter, streamlit's testing module and the
    comma-separated `preload` modules already imported): its seconds, and per watched package
    the cumulative import seconds during it and the first-party line that first imports it."""
    totals, cums, who = [], defaultdict(list), {}
    for _ in range(runs):
        res = subprocess.run([sys.executable, "-X", "importtime", "-c", FIRST_RUN_SCRIPT,
                              str(ROOT), preload], cwd=ROOT, capture_output=True, text=True,
                             check=True)
        line = next(x for x in res.stdout.splitlines() if x.startswith("@@"))
        out = json.loads(line[2:])
        totals.append(out["first_run_s"])
        who = out["who"]
        seen = set()
        in_run = False
        for row in res.stderr.splitlines():
            if not row.startswith("import time:") or "self [us]" in row:
                continue
            _, cum_us, name = row[len("import time:"):].split("|")
            name = name.strip()
            if name in ("streamlit.testing.v1", *preload.split(",")):
                in_run = True          # rows after these belong to the app's first run
                continue
            if in_run and name in who and name not in seen:
                seen.add(name)
                cums[name].append(int(cum_us) / 1e6)
    return (statistics.median(totals), {k: statistics.median(v) for k, v in cums.items()}, who)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=3, help="fresh server starts")
    parser.add_argument("--importtime-runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=14, help="packages in the import table")
    args = parser.parse_args()
    print(f"load average at start: {load()}", flush=True)
    rows = end_to_end(args.starts)
    med = {k: statistics.median(r[k] for r in rows) for k in ("health_s", "connected_s",
                                                              "first_map_s")}
    print(f"\n(1) process start -> first map painted on /: {med['first_map_s']:.2f} s median of "
          f"{len(rows)} (target <= 5 s); health {med['health_s']:.2f} s, page connected "
          f"{med['connected_s']:.2f} s\n", flush=True)
    ph = phases(args.importtime_runs)
    print("(2a) first page run, phase by phase (fresh interpreter, median):")
    print("| phase | seconds |\n|---|---|")
    for key, value in ph.items():
        print(f"| {key} | {value:.3f} |")
    sums, importer, total = importtime(args.importtime_runs)
    print(f"\n(2b) python -X importtime, self time per top-level package (total {total:.2f} s):")
    print("| package | seconds | share | first imported by |\n|---|---|---|---|")
    for name, value in sorted(sums.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"| {name} | {value:.3f} | {value / total:.0%} | {importer.get(name, '')} |")
    total, cums, who = first_run(args.importtime_runs)
    print(f"\n(2c) first run of / under AppTest (fresh interpreter): {total:.2f} s; heavy imports "
          "it triggers (cumulative seconds, first-party line that first imports each):")
    print("| package | seconds | imported first by |\n|---|---|---|")
    for name, value in sorted(cums.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {value:.3f} | {who.get(name, '')} |")
    print("(nested: torch._dynamo's figure includes sympy's and pandas' when it imports them)")
    variants = {"nothing preloaded": total}
    for preload in ("torch", "torch,torch._dynamo"):
        variants[f"{preload} preloaded"] = first_run(args.importtime_runs, preload)[0]
    print("\n(2d) what the first run of / would cost without these imports (measured by "
          "importing them before the timed run):")
    print("| first run of / with | seconds | saving |\n|---|---|---|")
    for name, value in variants.items():
        print(f"| {name} | {value:.2f} | {total - value:.2f} |")
    print(f"\nload average at end: {load()}")


if __name__ == "__main__":
    main()
