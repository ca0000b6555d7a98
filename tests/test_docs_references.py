"""What README.md and docs/*.md name exists: files and folders of the repository, Python
modules (``kg.graph.store``) and the names looked up in them, `kg` commands, their
sub-commands and options. A move or rename that leaves a dead reference in the docs fails here.

How the expected values were derived: there are none to derive; each reference is read out of
the docs by a pattern and looked up in the tree (paths), in the module's source text without
importing it (dotted names), or in the CLI's own command table (commands and options).
docs/ontology/ is generated and not checked.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
import typer.main

from kg.cli import app

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

# kg/graph/store.py, scripts/bench.py, tests/test_x.py, ontology/*.ttl, scripts/bench_<area>.py
_PATH = re.compile(r"(?<![\w/.~-])((?:kg|scripts|tests|ontology|notebooks)/[\w./*<>\-]*[\w*>/])")
# kg.graph.store, kg.graph.store.Store.rdflib_dataset
_DOTTED = re.compile(r"(?<![\w./-])(kg(?:\.[A-Za-z_]\w*)+)")
_FROM_IMPORT = re.compile(r"^\s*from (kg(?:\.\w+)*) import ([\w, ()]+)$", re.M)
_COMMAND = re.compile(r"(?<![\w/.$-])kg ([a-z][\w-]*)([^;#&>`]*)")
_OPTION = re.compile(r"(?<![\w-])(--[a-z][\w-]*)")


def _ids(items):
    return [f"{doc.name}:{ref}" for doc, ref in items]


def _path_references() -> list[tuple[Path, str]]:
    found = set()
    for doc in DOCS:
        for match in _PATH.finditer(doc.read_text(encoding="utf-8")):
            found.add((doc, match.group(1).rstrip("./")))
    return sorted(found)


def _exists(doc: Path, ref: str) -> bool:
    """Relative to the repository, or (a Markdown link in docs/) to the document's folder."""
    pattern = re.sub(r"<[^>]*>", "*", ref)
    for base in (REPO, doc.parent):
        if "*" in pattern:
            if any(base.glob(pattern)):
                return True
        elif (base / pattern).exists():
            return True
    return False


@pytest.mark.parametrize(("doc", "ref"), _path_references(), ids=_ids(_path_references()))
def test_paths_named_in_the_docs_exist(doc, ref):
    assert _exists(doc, ref), f"{doc.relative_to(REPO)} names {ref}, which does not exist"


@cache
def _defined_names(module: Path) -> frozenset[str]:
    """Names a module defines or imports, the methods of its classes, and the lazy exports
    of a module with ``__getattr__``."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    if "__getattr__" in names:  # lazy exports: the strings of its top-level name tables
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                names.update(
                    c.value
                    for c in ast.walk(node.value)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                )
    return frozenset(names)


def _module_file(parts: list[str]) -> Path | None:
    base = REPO.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _resolves(dotted: str) -> bool:
    """The longest prefix is a module of kg/; the next name is defined in it (further
    attributes, such as a method of a class, must be defined somewhere in that module)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = _module_file(parts[:cut])
        if module is not None:
            return all(name in _defined_names(module) for name in parts[cut:])
    return False


def _dotted_references() -> list[tuple[Path, str]]:
    found = set()
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in _DOTTED.finditer(text):
            name = match.group(1)
            if not re.fullmatch(r"kg\.(?:html|json|jsonl|csv|txt|ttl|md|py|rq)", name):
                found.add((doc, name))
        for module, names in _FROM_IMPORT.findall(text):  # from kg.audit import a, b
            found.update((doc, f"{module}.{n.strip()}") for n in names.strip("()").split(","))
    return sorted(found)


@pytest.mark.parametrize(("doc", "ref"), _dotted_references(), ids=_ids(_dotted_references()))
def test_modules_named_in_the_docs_exist(doc, ref):
    assert _resolves(ref), f"{doc.relative_to(REPO)} names {ref}, which kg/ does not define"


def _code_spans(text: str) -> list[str]:
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, re.S)
    without_blocks = re.sub(r"```.*?```", "", text, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    return [span.replace("\\|", "|") for span in re.findall(r"`([^`\n]+)`", without_blocks)] + [
        line.replace("\\|", "|") for line in lines
    ]


def _options(command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


def _command_problems(span: str, commands: dict) -> list[str]:
    problems = []
    for match in _COMMAND.finditer(span):
        name, rest = match.group(1), match.group(2).split(" | ")[0]  # not a shell pipe's flags
        command = commands.get(name)
        if command is None:
            problems.append(f"no command `kg {name}`")
            continue
        words = rest.split()
        allowed = _options(command)
        group = getattr(command, "commands", None)
        if group and words and not words[0].startswith("-"):
            subs = words[0].strip("[]").split("|")
            unknown = [s for s in subs if s not in group]
            if unknown:
                problems.append(f"no sub-command `kg {name} {'|'.join(unknown)}`")
                continue
            allowed = set().union(*(_options(group[s]) for s in subs))
        problems.extend(
            f"`kg {name}` has no option {option}"
            for option in _OPTION.findall(rest)
            if option not in allowed
        )
    return problems


def test_kg_commands_and_options_named_in_the_docs_exist():
    commands = typer.main.get_command(app).commands
    problems = []
    for doc in DOCS:
        for span in _code_spans(doc.read_text(encoding="utf-8")):
            problems.extend(
                f"{doc.relative_to(REPO)}: {problem} (in `{span.strip()[:80]}`)"
                for problem in _command_problems(span, commands)
            )
    assert not problems, "\n".join(problems)


def test_the_checks_catch_dead_references():
    """The patterns find what they must: a moved module, a renamed script, a gone option."""
    commands = typer.main.get_command(app).commands
    assert not _exists(REPO / "README.md", "kg/store.py")  # moved to kg/graph/store.py
    assert _exists(REPO / "README.md", "kg/graph/store.py")
    assert _exists(REPO / "docs" / "performance.md", "scripts/bench_<area>.py")
    assert not _resolves("kg.store.Store") and _resolves("kg.graph.store.Store.rdflib_dataset")
    assert _command_problems("kg ingest --frobnicate x", commands) == [
        "`kg ingest` has no option --frobnicate"
    ]
    assert _command_problems("kg view tree|maps --out x", commands) == [
        "no sub-command `kg view maps`"
    ]
    assert _command_problems("kg frob", commands) == ["no command `kg frob`"]
    assert _command_problems("kg query --list | grep --count x", commands) == []
