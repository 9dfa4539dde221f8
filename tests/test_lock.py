"""requirements.lock read against pyproject.toml: `make install` installs exactly the lock (with
`--no-deps` for faqbot itself), so a dependency pyproject names but the lock lacks, or pins at a version
pyproject refuses, would go missing or unchecked. The lock must also stay the CPU torch, and hashed."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def read_lock() -> dict[str, tuple[str, list[str]]]:
    """Each locked package's canonical name -> (its version, its sha256 hashes)."""
    locked: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match["name"])
            assert name not in locked, f"{name} is pinned twice"
            locked[name] = (match["version"], [])
        elif name and (hashed := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            locked[name][1].append(hashed[1])
    return locked


LOCK = read_lock()


def declared() -> list:
    project = PYPROJECT["project"]
    groups = [("main", project["dependencies"])] + sorted(project["optional-dependencies"].items())
    return [pytest.param(Requirement(spec), id=f"{group}:{Requirement(spec).name}") for group, specs in groups for spec in specs]


@pytest.mark.parametrize("requirement", declared())
def test_every_dependency_pyproject_names_is_locked_at_a_version_it_admits(requirement: Requirement):
    if requirement.marker and not requirement.marker.evaluate():
        pytest.skip(f"{requirement.marker} is false here")
    name = canonicalize_name(requirement.name)
    assert name in LOCK, f"{requirement} is in pyproject.toml but not in requirements.lock: run `make lock`"
    version = LOCK[name][0]
    assert requirement.specifier.contains(version, prereleases=True), (
        f"requirements.lock pins {name}=={version}, which pyproject.toml's {requirement} refuses: run `make lock`"
    )


def test_psycopg_binary_extra_is_locked():
    """pyproject asks for psycopg[binary]; the extra is a package of its own in the lock."""
    assert LOCK["psycopg-binary"][0] == LOCK["psycopg"][0]


def test_torch_is_the_cpu_build_at_the_projects_pin_and_nothing_of_cuda_is_locked():
    """The lock alone must not be able to pull the multi-GB CUDA build: the local wheel's version, with its hash."""
    pinned = next(Requirement(d) for d in PYPROJECT["project"]["dependencies"] if Requirement(d).name == "torch")
    torch = Version(LOCK["torch"][0])
    assert torch.local == "cpu" and pinned.specifier.contains(torch)
    assert [n for n in LOCK if n.startswith(("nvidia-", "cuda-")) or n == "triton"] == []


def test_every_locked_package_has_a_hash():
    """`make install` uses --require-hashes: one line without a hash would fail the whole install."""
    assert len(LOCK) > 100
    assert [name for name, (_, hashes) in LOCK.items() if not hashes] == []


def test_the_lock_was_made_by_the_command_make_lock_runs():
    """The header pip-compile writes names its options; they are the Makefile's (so `make lock` redoes it)."""
    header = re.search(r"^#\s+(pip-compile .*)$", (ROOT / "requirements.lock").read_text(), re.M)[1].split()
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    recipe = re.search(r"^\t\.venv-lock/bin/(pip-compile .*)$", makefile, re.M)[1].split()
    options, words = [], iter(recipe)
    for word in words:
        if word in ("--extra", "--output-file"):
            word = f"{word}={next(words)}"
        if word not in ("--quiet", "$(LOCK_ARGS)"):
            options.append(word)
    assert sorted(header) == sorted(options)
