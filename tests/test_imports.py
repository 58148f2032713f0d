"""Every import arrow of DESIGN.md §1 and §7, checked over every module of the repository.

Two kinds of check, because each misses what the other sees:
- static (`ast`): every import statement of every .py file, including imports inside functions
  (lazy ones), so a forbidden import that only runs on some code path is still caught;
- dynamic: each module of engine/, viz/ and datasets/ imported one at a time in a fresh
  interpreter (one interpreter per package), reporting which module first pulled what into
  `sys.modules`, so an arrow broken transitively through a third-party package is caught too.

Every failure names the offending file (and line) and the import.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ("app", "labs", "ui", "engine", "viz", "datasets", "bench", "tests", "deploy")
STREAMLIT_OK = ("app", "labs", "ui", "tests", "bench")   # tests/bench: AppTest, harnesses
FORBIDDEN_LIBS = {
    "engine": ("streamlit", "plotly", "altair"),
    "viz": ("torch", "streamlit"),
    "datasets": ("torch", "streamlit", "plotly", "altair"),
}
TORCH_FREE = ("engine.spec", "engine.snapshot")
# who may import whom among the repository's own top-level packages (DESIGN.md §1, §7):
# labs -> ui -> {engine, viz, datasets}; bench and tests may import anything but pages and app
ALLOWED = {
    "app": {"ui", "engine", "viz", "datasets"},
    "labs": {"ui", "engine", "viz", "datasets"},
    "ui": {"ui", "engine", "viz", "datasets"},
    "engine": {"engine", "datasets"},           # datasets only from engine/data.py (below)
    "viz": {"viz", "engine"},                   # engine only as engine.snapshot (below)
    "datasets": {"datasets"},
    "bench": {"bench", "ui", "engine", "viz", "datasets", "tests"},
    "tests": {"tests", "ui", "engine", "viz", "datasets", "bench", "deploy"},
    "deploy": set(),        # the replica launcher runs app.py in subprocesses, imports none of it
}
DATA_DOOR = "engine/data.py"


@dataclass(frozen=True)
class Import:
    file: str            # path relative to the repository root
    line: int
    module: str          # absolute module name the statement imports (relative ones resolved)
    type_checking: bool  # inside `if TYPE_CHECKING:` (never runs)
    lazy: bool           # inside a function

    @property
    def root(self) -> str:
        return self.module.split(".")[0]

    def __str__(self) -> str:
        where = " (inside a function)" if self.lazy else ""
        return f"{self.file}:{self.line} imports {self.module}{where}"


def python_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if not any(part.startswith(".") for part in p.relative_to(ROOT).parts))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_local_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _is_type_checking(test: ast.expr) -> bool:
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imports_of(path: Path) -> list[Import]:
    rel = path.relative_to(ROOT).as_posix()
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[Import] = []

    def visit(node: ast.AST, type_checking: bool, lazy: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(rel, node.lineno, a.name, type_checking, lazy) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:   # `from engine.model import layers` imports a module
                sub = f"{module}.{alias.name}"
                name = sub if sub.split(".")[0] in LOCAL and _is_local_module(sub) else module
                found.append(Import(rel, node.lineno, name, type_checking, lazy))
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True, lazy)
            for child in node.orelse:
                visit(child, type_checking, lazy)
            return
        inner = lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, type_checking, inner)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=rel), False, False)
    return found


@lru_cache(maxsize=None)
def all_imports() -> tuple[Import, ...]:
    return tuple(imp for path in python_files() for imp in imports_of(path))


def top_of(file: str) -> str:
    return file.split("/")[0].removesuffix(".py")


def report(offences: list[str], rule: str) -> str:
    return f"{rule}:\n  " + "\n  ".join(offences)


# ---- rule a: streamlit only in app.py, labs/, ui/ -----------------------------------------

def test_streamlit_only_in_app_pages_ui():
    offences = [str(i) for i in all_imports()
                if i.root == "streamlit" and top_of(i.file) not in STREAMLIT_OK]
    assert not offences, report(offences, "streamlit is imported only by app.py, labs/, ui/")


# ---- rule b: engine/viz/datasets keep away from UI and torch (static) ----------------------

@pytest.mark.parametrize("package", sorted(FORBIDDEN_LIBS))
def test_forbidden_libraries_static(package):
    banned = FORBIDDEN_LIBS[package]
    offences = [str(i) for i in all_imports()
                if top_of(i.file) == package and i.root in banned]
    assert not offences, report(offences, f"{package}/ never imports {', '.join(banned)}")


# ---- rules b and c: the same, dynamically, one fresh interpreter per package ---------------

PROBE = """
import importlib, json, os, sys
banned, names = set(sys.argv[1].split(",")), sys.argv[2:]
where = {}      # banned library -> the file:line that first imported it


class Witness:
    \"\"\"Records which source line first imports a banned library (finds nothing itself).\"\"\"
    def find_spec(self, name, path=None, target=None):
        if name in banned and name not in sys.modules and name not in where:
            frame = sys._getframe(1)
            while frame and frame.f_code.co_filename.startswith("<frozen"):
                frame = frame.f_back
            if frame:
                where[name] = f"{os.path.relpath(frame.f_code.co_filename)}:{frame.f_lineno}"
        return None


sys.meta_path.insert(0, Witness())
report = {}
for name in names:
    before = set(sys.modules)
    try:
        importlib.import_module(name)
    except Exception as exc:
        report[name] = {"error": f"{type(exc).__name__}: {exc}"}
        continue
    new = {m.split(".")[0] for m in set(sys.modules) - before}
    report[name] = {"new": {lib: where.get(lib, "?") for lib in sorted(new & banned)}}
print(json.dumps(report))
"""


def modules_of(prefix: str) -> list[str]:
    """Every importable module under a package (or the one module) named `prefix`."""
    path = ROOT.joinpath(*prefix.split("."))
    if path.with_suffix(".py").is_file():
        return [prefix]
    return sorted((module_name(p) for p in path.rglob("*.py") if p.stem != "__main__"),
                  key=lambda m: (m.count("."), m))      # packages before their modules


def first_importers(modules: list[str], banned: tuple[str, ...]) -> dict[str, dict]:
    """For each module, imported in turn: the banned libraries it first pulled in, and where."""
    out = subprocess.run([sys.executable, "-c", PROBE, ",".join(banned), *modules], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def module_file(module: str) -> str:
    path = ROOT.joinpath(*module.split("."))
    return (path.with_suffix(".py") if path.with_suffix(".py").is_file()
            else path / "__init__.py").relative_to(ROOT).as_posix()


def dynamic_offences(modules: list[str], banned: tuple[str, ...]) -> list[str]:
    offences = []
    for module, result in first_importers(modules, banned).items():
        if "error" in result:
            offences.append(f"{module_file(module)} ({module}) fails to import: {result['error']}")
            continue
        for lib, line in result["new"].items():
            offences.append(f"{module_file(module)} ({module}) pulls {lib} into sys.modules: "
                            f"`import {lib}` ran at {line}")
    return offences


@pytest.mark.parametrize("package", sorted(FORBIDDEN_LIBS))
def test_forbidden_libraries_dynamic(package):
    banned = FORBIDDEN_LIBS[package]
    offences = dynamic_offences(modules_of(package), banned)
    assert not offences, report(offences, f"{package}/ never imports {', '.join(banned)}")


def test_spec_and_snapshot_import_no_torch():
    modules = [m for prefix in TORCH_FREE for m in modules_of(prefix)]
    offences = dynamic_offences(modules, ("torch",))
    assert not offences, report(offences, "engine/spec and engine/snapshot.py import no torch")


def test_spec_and_snapshot_import_no_torch_static():
    offences = [str(i) for i in all_imports() if i.root == "torch" and any(
        module_name(ROOT / i.file) == p or module_name(ROOT / i.file).startswith(p + ".")
        for p in TORCH_FREE)]
    assert not offences, report(offences, "engine/spec and engine/snapshot.py import no torch")


# ---- rule d: package arrows ----------------------------------------------------------------

def test_package_arrows():
    offences = []
    for i in all_imports():
        source, target = top_of(i.file), i.root
        if target not in LOCAL or source not in ALLOWED:
            continue
        if target in ("labs", "app"):
            offences.append(f"{i}: nothing imports labs or app")
        elif target not in ALLOWED[source]:
            offences.append(f"{i}: {source}/ may import only "
                            f"{', '.join(sorted(ALLOWED[source]))} of this repository")
    assert not offences, report(offences, "labs -> ui -> {engine, viz, datasets}")


def test_viz_imports_only_snapshot_from_engine():
    offences = [str(i) for i in all_imports() if top_of(i.file) == "viz"
                and i.root == "engine" and i.module != "engine.snapshot"]
    assert not offences, report(offences, "viz/ imports nothing from engine but engine.snapshot")


def test_engine_reaches_datasets_only_through_engine_data():
    offences = [str(i) for i in all_imports() if top_of(i.file) == "engine"
                and i.root == "datasets" and i.file != DATA_DOOR]
    assert not offences, report(offences, f"inside engine/, only {DATA_DOOR} imports datasets")


def engine_unit(module: str) -> str:
    """engine.train.trainer -> engine.train; engine.data -> engine.data; engine -> engine."""
    return ".".join(module.split(".")[:2])


def engine_graph() -> dict[str, dict[str, Import]]:
    """Engine subpackage -> subpackage edges, each with one import that makes it."""
    graph: dict[str, dict[str, Import]] = {}
    for i in all_imports():
        if top_of(i.file) != "engine" or i.root != "engine" or i.type_checking:
            continue
        src, dst = engine_unit(module_name(ROOT / i.file)), engine_unit(i.module)
        if src != dst and dst != "engine":
            graph.setdefault(src, {}).setdefault(dst, i)
    return graph


def find_cycle(graph: dict[str, dict[str, Import]]) -> list[str] | None:
    state: dict[str, int] = {}      # 1: on the current path, 2: done
    path: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := dfs(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := dfs(node)):
            return cycle
    return None


def test_engine_subpackages_have_no_cycles():
    graph = engine_graph()
    assert graph, "the engine graph is empty: the walk found no engine imports"
    cycle = find_cycle(graph)
    if cycle:
        edges = [f"{a} -> {b}: {graph[a][b]}" for a, b in zip(cycle, cycle[1:])]
        pytest.fail("engine subpackages import each other in a cycle "
                    f"{' -> '.join(cycle)}:\n  " + "\n  ".join(edges))


def test_the_walk_sees_every_package():
    """Guards the rules above from passing vacuously (e.g. a broken walk that finds nothing)."""
    tops = {top_of(i.file) for i in all_imports()}
    assert {"app", "labs", "ui", "engine", "viz", "datasets"} <= tops
    assert any(i.file == DATA_DOOR and i.root == "datasets" for i in all_imports())
    assert len(modules_of("engine")) > 20 and "engine.snapshot" in modules_of("engine")
