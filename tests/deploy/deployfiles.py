"""Readers for the deployment files, so the tests check what the files say, not one phrasing of it.

No Docker engine runs on the development machine: deploy/Dockerfile and deploy/compose.yaml are
read here with small parsers (a Dockerfile's instructions, Compose's `${VAR}` interpolation,
nginx's directive tree), and every `faqbot ...` command they hold is parsed by the real CLI.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import typer
import yaml

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
UNIT = ROOT / "docs" / "faqbot.service"

# What the tests give compose's required variables (deploy/.env in a real deployment).
SECRETS = {"POSTGRES_PASSWORD": "pgsecret", "FAQBOT_AGENT_PASSWORD": "agentsecret", "FAQBOT_SECRET_KEY": "k" * 64}


# --- Compose ---------------------------------------------------------------------------------

VARIABLE = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})")


def interpolate(value: object, variables: dict[str, str]) -> object:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}` and
    `$$`, applied through a loaded file; a required variable left unset raises, as compose refuses."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match["name"], match["op"], match["arg"]
        present = name in variables and (variables[name] != "" or not (op or "").startswith(":"))
        if present:
            return variables[name]
        if op in ("?", ":?"):
            raise KeyError(f"{name}: {arg}")
        return arg if op in ("-", ":-") else ""

    return VARIABLE.sub(substitute, value)


def read_compose(variables: dict[str, str] | None = None) -> dict:
    """deploy/compose.yaml loaded (YAML merge keys applied), with `variables` interpolated."""
    return interpolate(yaml.safe_load(COMPOSE.read_text()), SECRETS if variables is None else variables)


def serving_services(compose: dict) -> dict[str, dict]:
    """The services whose command is `faqbot serve`: the replicas the proxy spreads requests over."""
    return {name: s for name, s in compose["services"].items() if [c[:1] for c in faqbot_commands(s.get("command") or [])] == [["serve"]]}


def faqbot_commands(command: list[str] | str) -> list[list[str]]:
    """The arguments of each `faqbot` invocation in a command (exec form, shell words, or `sh -c "a && b"`):
    the simple commands between `&&`, `||` and `;` whose program is faqbot."""
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2])
    simple, current = [], []
    for word in words + [";"]:
        if word in ("&&", "||", ";"):
            simple.append(current)
            current = []
        else:
            current.append(word)
    return [c[1:] for c in simple if c and (c[0] == "faqbot" or c[0].endswith("/faqbot"))]


def environment(service: dict) -> dict[str, str]:
    value = service.get("environment", {})
    if isinstance(value, list):
        return dict(item.split("=", 1) for item in value)
    return {key: str(item) for key, item in value.items()}


# --- The faqbot CLI --------------------------------------------------------------------------

def parse_cli(arguments: list[str]):
    """`faqbot ARGUMENTS` parsed by the real CLI down to its command, without running it: the command's
    context (its `.params`). A command or option that does not exist, a value of the wrong type or out
    of range raises typer.exceptions.TyperException, as `faqbot` itself would refuse it."""
    from bot.cli.app import app

    command, words, path = typer.main.get_command(app), list(arguments), ["faqbot"]
    while hasattr(command, "commands"):  # a group: the next word names its command
        assert words and words[0] in command.commands, f"{' '.join(path)} has no command {words[:1]}"
        path.append(words[0])
        command = command.commands[words.pop(0)]
    return command.make_context(" ".join(path), words)


def with_option(arguments: list[str], option: str, value: str) -> list[str]:
    """`arguments` with OPTION's value replaced (`--port 8000` or `--port=8000`); it must be there."""
    out, replaced = list(arguments), False
    for i, word in enumerate(out):
        if word == option:
            out[i + 1], replaced = value, True
        elif word.startswith(option + "="):
            out[i], replaced = f"{option}={value}", True
    assert replaced, f"{option} not in {arguments}"
    return out


# --- Dockerfile ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, ...
    flags: dict[str, str]  # --interval=15s ...
    text: str  # the rest, continuation lines joined

    def exec_form(self) -> list[str] | None:
        """The JSON array form (`CMD ["a", "b"]`), or None for the shell form."""
        return json.loads(self.text) if self.text.startswith("[") else None

    def words(self) -> list[str]:
        return self.exec_form() or shlex.split(self.text)


def read_dockerfile(path: Path = DOCKERFILE) -> list[Instruction]:
    """Instructions in order: comments dropped, `\\` continuations joined, leading `--flag=value`s split off
    (HEALTHCHECK's CMD is its own text: `HEALTHCHECK [flags] CMD ...`)."""
    lines, current = [], ""
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    instructions = []
    for line in lines:
        keyword, _, rest = line.partition(" ")
        flags = {}
        rest = rest.strip()
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            name, _, value = flag[2:].partition("=")
            flags[name] = value
            rest = rest.strip()
        instructions.append(Instruction(keyword.upper(), flags, rest))
    return instructions


def env_of(instructions: list[Instruction]) -> dict[str, str]:
    """ENV KEY=VALUE ... pairs, later ones winning."""
    values = {}
    for instruction in instructions:
        if instruction.keyword == "ENV":
            values.update(word.split("=", 1) for word in shlex.split(instruction.text))
    return values


def shell_commands(instruction: Instruction) -> list[list[str]]:
    """A RUN's commands, split at `&&` / `;`, each as its words."""
    commands, current = [], []
    for word in shlex.split(instruction.text, posix=True):
        if word in ("&&", ";", "||"):
            commands.append(current)
            current = []
        else:
            current.append(word)
    return [c for c in commands + [current] if c]


def healthcheck(instructions: list[Instruction]) -> tuple[list[str], str]:
    """The HEALTHCHECK's command (exec form) and the http:// URL it probes."""
    check = next(i for i in instructions if i.keyword == "HEALTHCHECK")
    keyword, _, command = check.text.partition(" ")
    assert keyword.upper() == "CMD", check.text
    words = json.loads(command)
    urls = [u for w in words for u in re.findall(r"https?://[^\s'\"]+", w)]
    assert len(urls) == 1, words
    return words, urls[0]


# --- nginx -----------------------------------------------------------------------------------

@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None  # the directives inside `{ }`, if any

    def find(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]


TOKEN = re.compile(r"""\s*(?:#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+))""")


def parse_nginx(text: str) -> list[Directive]:
    """nginx's configuration grammar: `name args... ;` or `name args... { ... }`, # comments, quotes."""
    stack: list[list[Directive]] = [[]]
    words: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"cannot read nginx configuration at {text[position:position + 40]!r}")
        position = match.end()
        double, single, punct, bare = match.groups()
        if punct == ";":
            stack[-1].append(Directive(words[0], words[1:]))
            words = []
        elif punct == "{":
            directive = Directive(words[0], words[1:], [])
            stack[-1].append(directive)
            stack.append(directive.block)
            words = []
        elif punct == "}":
            stack.pop()
        elif double is not None or single is not None or bare is not None:
            words.append(next(w for w in (double, single, bare) if w is not None))
    if len(stack) != 1 or words:
        raise ValueError("unbalanced braces or a directive without ';'")
    return stack[0]


def render_nginx(directives: list[Directive], depth: int = 0) -> str:
    """Back to text nginx reads (an empty argument or one with spaces or quotes written quoted)."""
    out = []
    for d in directives:
        head = " ".join([d.name, *(json.dumps(a) if (not a or " " in a or '"' in a) else a for a in d.args)])
        if d.block is None:
            out.append("    " * depth + head + ";")
        else:
            out.append("    " * depth + head + " {")
            out.append(render_nginx(d.block, depth + 1))
            out.append("    " * depth + "}")
    return "\n".join(line for line in out if line)


# --- Settings --------------------------------------------------------------------------------

def setting_variables() -> set[str]:
    """Every FAQBOT_* variable bot/settings.py reads, from the Settings models' own fields and prefixes."""
    from bot.settings import MatchSettings, Settings

    def names(model) -> set[str]:
        prefix = model.model_config["env_prefix"]
        return {f"{prefix}{name}".upper() for name in model.model_fields}

    return (names(Settings) - {"FAQBOT_MATCH"}) | names(MatchSettings)


def settings_from(variables: dict[str, str]):
    """Settings read from an environment holding these FAQBOT_* values and no others, as the server reads
    them (a wrong type or an unknown literal raises pydantic's ValidationError)."""
    from bot.settings import Settings

    outside = {key: value for key, value in os.environ.items() if not key.startswith("FAQBOT_")}
    with patch.dict(os.environ, outside | variables, clear=True):
        return Settings(_env_file=None)
