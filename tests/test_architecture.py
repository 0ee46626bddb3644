"""The import graph of the project: every import points downward (import-linter's layers contract in
pyproject.toml), and no module of ours imports itself back through other modules (no cycle)."""

from __future__ import annotations

import graphlib
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
import tomli

from tests import ROOT

pytestmark = pytest.mark.unit

PACKAGES = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["root_packages"]


def import_graph() -> dict[str, set[str]]:
    """module → the modules of ours it imports (at the top or inside a function), read from the sources."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of `graph` ([a, b, …, a]), or [] if there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return []


def test_every_import_points_downward():
    """`lint-imports` (also in `make lint`): a package imports only the layers below it."""
    done = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 1 kept, 0 broken." in done.stdout


def test_the_contract_names_every_package_of_the_project():
    installed = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    assert {name.rstrip("*") for name in installed["find"]["include"]} == set(PACKAGES)


def test_no_module_imports_itself_back():
    graph = import_graph()
    assert len(graph) >= 50 and sum(len(imported) for imported in graph.values()) >= 100  # the whole project
    assert cycle(graph) == [], "cycle d'imports : " + " → ".join(cycle(graph))


def test_a_cycle_is_found():
    """The check itself: a planted cycle, however long, is reported."""
    assert cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    found = cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert found[0] == found[-1] and set(found) == {"a", "b", "c"}
    assert cycle({"knowledge.kb": {"knowledge.kb"}}) == ["knowledge.kb", "knowledge.kb"]
