"""constraints.txt pins every package the project declares, at a version its declaration accepts:
a fresh `make run` or `make test` installs the environment the README's figures were measured in."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    requirements = [Requirement(r) for r in listed]
    return [r for r in requirements if canonicalize_name(r.name) != canonicalize_name(project["name"])]


def test_every_declared_package_is_pinned_at_a_version_the_declaration_accepts() -> None:
    pins = _pins()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is declared in pyproject.toml but not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {requirement.name} {pins[name]}, outside pyproject.toml's {requirement.specifier}"


def test_every_pin_is_exact_and_torch_is_the_cpu_build_the_makefile_installs() -> None:
    lines = [line for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert all("==" in line and not line.startswith("-e") for line in lines)
    # A local label ("+cpu") would not resolve against an index that names the build 2.13.0.
    assert _pins()["torch"] == Version("2.13.0")
