"""faqbot's offline vulnerability check: the versions in requirements.lock, or with --installed the
distributions installed beside the Python that runs it, against .ci/advisories.toml, the project's own
dated list of known vulnerable version ranges.

    .venv/bin/python .ci/audit.py                  # requirements.lock
    .venv/bin/python .ci/audit.py --lock FILE      # another pinned requirements file
    .venv/bin/python .ci/audit.py --installed      # what the venv holds, pip and setuptools included

It asks no network service: it knows what the list says, as of the date the list gives, and nothing of a
package the list has no entry for (--uncovered names those). Exit status: 0 when no version falls in a
listed range (an advisory the list accepts for that exact version is printed, not counted), 1 when one
does, 2 when the list or the versions cannot be read.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
ADVISORIES = ROOT / ".ci" / "advisories.toml"
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")
BASES = ("record", "secondary")


class AuditError(Exception):
    """The advisory list or the versions to check cannot be read; the message says where."""


@dataclass(frozen=True, slots=True)
class Advisory:
    package: str  # canonical name
    id: str
    aliases: tuple[str, ...]
    affected: tuple[SpecifierSet, ...]  # affected when any one contains the version
    summary: str
    basis: str  # "record" or "secondary" (see advisories.toml)

    def covers(self, version: Version) -> bool:
        public = Version(version.public)  # 2.13.0+cpu is torch 2.13.0
        return any(spec.contains(public, prereleases=True) for spec in self.affected)

    def names(self) -> str:
        return self.id + (f" ({', '.join(self.aliases)})" if self.aliases else "")


@dataclass(frozen=True, slots=True)
class Accepted:
    package: str
    version: str
    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class AdvisoryList:
    as_of: datetime.date
    advisories: tuple[Advisory, ...]
    accepted: tuple[Accepted, ...]

    def packages(self) -> set[str]:
        return {a.package for a in self.advisories}


@dataclass(frozen=True, slots=True)
class Finding:
    package: str
    version: str
    advisory: Advisory
    accepted: Accepted | None


def load_advisories(path: Path = ADVISORIES) -> AdvisoryList:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AuditError(f"{path}: {exc}") from exc
    if not isinstance(data.get("as_of"), datetime.date):
        raise AuditError(f"{path}: as_of must be the date the list was compiled (as_of = YYYY-MM-DD)")
    advisories, seen = [], set()
    for n, entry in enumerate(data.get("advisory", []), 1):
        where = f"{path}: advisory {n} ({entry.get('package')} {entry.get('id')})"
        missing = {"package", "id", "affected", "summary", "basis"} - entry.keys()
        if missing:
            raise AuditError(f"{where}: missing {', '.join(sorted(missing))}")
        if entry["basis"] not in BASES:
            raise AuditError(f"{where}: basis must be one of {', '.join(BASES)}")
        if not entry["affected"]:
            raise AuditError(f"{where}: affected names no range")
        try:
            affected = tuple(SpecifierSet(spec) for spec in entry["affected"])
        except InvalidSpecifier as exc:
            raise AuditError(f"{where}: {exc}") from exc
        key = (canonicalize_name(entry["package"]), entry["id"])
        if key in seen:
            raise AuditError(f"{where}: listed twice")
        seen.add(key)
        advisories.append(Advisory(key[0], entry["id"], tuple(entry.get("aliases", ())), affected, entry["summary"], entry["basis"]))
    accepted = []
    for n, entry in enumerate(data.get("accepted", []), 1):
        where = f"{path}: accepted {n} ({entry.get('package')} {entry.get('id')})"
        missing = {"package", "version", "id", "reason"} - entry.keys()
        if missing:
            raise AuditError(f"{where}: missing {', '.join(sorted(missing))}")
        if (canonicalize_name(entry["package"]), entry["id"]) not in seen:
            raise AuditError(f"{where}: no such advisory in the list")
        accepted.append(Accepted(canonicalize_name(entry["package"]), entry["version"], entry["id"], " ".join(entry["reason"].split())))
    if not advisories:
        raise AuditError(f"{path}: lists no advisory")
    return AdvisoryList(data["as_of"], tuple(advisories), tuple(accepted))


def read_pins(path: Path) -> dict[str, str]:
    """name==version lines of a pinned requirements file (hashes, comments and markers ignored)."""
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise AuditError(f"{path}: {exc}") from exc
    pins = {canonicalize_name(m["name"]): m["version"] for m in map(PIN.match, lines) if m}
    if not pins:
        raise AuditError(f"{path}: pins no package (name==version)")
    return pins


def installed() -> dict[str, str]:
    """The distributions importlib.metadata finds beside this Python."""
    return {canonicalize_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions() if d.metadata["Name"]}


def audit(versions: dict[str, str], advisories: AdvisoryList, source: str) -> list[Finding]:
    findings = []
    for name, raw in sorted(versions.items()):
        try:
            version = Version(raw)
        except InvalidVersion as exc:
            raise AuditError(f"{source}: {name} {raw}: {exc}") from exc
        for advisory in advisories.advisories:
            if advisory.package == name and advisory.covers(version):
                accepted = next((a for a in advisories.accepted if (a.package, a.version, a.id) == (name, raw, advisory.id)), None)
                findings.append(Finding(name, raw, advisory, accepted))
    return findings


def report(versions: dict[str, str], advisories: AdvisoryList, source: str, uncovered: bool = False) -> int:
    findings = audit(versions, advisories, source)
    for f in findings:
        line = f"{source}: {f.package} {f.version} is affected by {f.advisory.names()}: {f.advisory.summary}"
        if f.accepted:
            print(f"{line}; accepted for this version: {f.accepted.reason}")
        else:
            print(f"{line}; affected {' or '.join(map(str, f.advisory.affected))}")
    used = {(f.package, f.version, f.accepted.id) for f in findings if f.accepted}
    for a in advisories.accepted:
        if a.package in versions and (a.package, a.version, a.id) not in used:
            print(f"note: {a.id} is accepted for {a.package} {a.version}, but {source} has {a.package} {versions[a.package]}: look at it again")
    open_ = [f for f in findings if not f.accepted]
    not_listed = sorted(set(versions) - advisories.packages())
    print(
        f"audit: {len(versions)} packages in {source} against {len(advisories.advisories)} advisories for "
        f"{len(advisories.packages())} packages, known as of {advisories.as_of} (a dated list, not a live feed): "
        f"{len(open_)} affected, {len(findings) - len(open_)} accepted; "
        f"{len(not_listed)} of the {len(versions)} have no advisory listed"
    )
    if uncovered:
        print("no advisory listed for: " + " ".join(f"{n}=={versions[n]}" for n in not_listed))
    return 1 if open_ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--lock", type=Path, default=LOCK, help="a pinned requirements file (default: requirements.lock)")
    which.add_argument("--installed", action="store_true", help="check the distributions installed beside this Python instead")
    parser.add_argument("--advisories", type=Path, default=ADVISORIES, help="the advisory list (default: .ci/advisories.toml)")
    parser.add_argument("--uncovered", action="store_true", help="also name the packages the list has no advisory for")
    args = parser.parse_args(argv)
    try:
        advisories = load_advisories(args.advisories)
        if args.installed:
            versions, source = installed(), f"installed ({sys.prefix})"
        else:
            lock = args.lock.resolve()
            versions, source = read_pins(lock), str(lock.relative_to(ROOT) if lock.is_relative_to(ROOT) else args.lock)
        return report(versions, advisories, source, args.uncovered)
    except AuditError as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
