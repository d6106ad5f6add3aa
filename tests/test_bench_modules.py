"""Every benchmark under ``bench/`` still imports: a refactor of the library that renames what a
benchmark uses breaks it here, not on the day someone runs it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bench

BENCHES = sorted(module.name for module in pkgutil.iter_modules(bench.__path__))


def test_there_are_benchmarks() -> None:
    assert {"postgres_scale", "fit_selection", "latency"} <= set(BENCHES)


@pytest.mark.parametrize("name", BENCHES)
def test_the_benchmark_imports_without_running(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__, f"bench/{name}.py says what it measures in its docstring"
