"""The package's shape: imports run one way. A test walks every import in bot/ (those inside
functions too, which hide a circle from Python but not from a reader) and fails on a circle between
modules or between packages, and on the core importing a channel."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
CHANNELS = ("bot.api", "bot.cli", "bot.web")  # thin edges: they call the core, the core never calls them


def module_names() -> dict[str, Path]:
    names = {}
    for path in BOT.rglob("*.py"):
        parts = path.relative_to(BOT.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


MODULES = module_names()


def owner(name: str) -> str | None:
    """The module a dotted import lands in ("bot.match.text.words" -> "bot.match.text")."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {target for name in targets if name.startswith("bot") and (target := owner(name)) and target != module}
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while (member := stack.pop()) != node:
                component.append(member)
            if component:
                found.append(sorted([node, *component]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_the_package():
    assert {"bot.engine", "bot.text", "bot.cli.app", "bot.match.retrieval"} <= set(MODULES)
    assert "bot.engine" in GRAPH["bot.cli.common"] and "bot.text" in GRAPH["bot.policy.lexicon"]


def test_no_module_imports_itself_through_others():
    assert circles(GRAPH) == []


def test_no_package_imports_itself_through_others():
    packages: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        packages.setdefault(package(module), set()).update(package(t) for t in targets if package(t) != package(module))
    assert circles(packages) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.startswith(CHANNELS)))
def test_the_core_never_imports_a_channel(module):
    assert not {target for target in GRAPH[module] if target.startswith(CHANNELS)}


def test_the_walk_finds_a_circle_when_there_is_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


MAX_LINES = 500  # a module owns one step; past this it holds two (STYLE.md)


def test_no_module_is_over_500_lines():
    long = {module: lines for module, path in MODULES.items() if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_turn_is_one_path_for_chat_and_mail():
    """Both channels route through bot/turn.py; neither decides "order or FAQ" with its own patterns."""
    assert "bot.turn" in GRAPH["bot.conversations"] and "bot.turn" in GRAPH["bot.email.responder"]
    assert "bot.orders.conversation" not in GRAPH["bot.conversations"]
