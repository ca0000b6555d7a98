"""Refuse SPARQL ``SERVICE`` clauses unless their host is explicitly allowed.

A ``SERVICE <http://10.0.0.5/…>`` clause makes the query engine send an HTTP request to that
address. An endpoint or an audit rule file must not become a way to reach other hosts on a
finance bureau's network (server-side request forgery), so pikg refuses every ``SERVICE``
clause by default; ``--allow-service HOST`` lets a user opt in for named hosts.

The check reads the query the way a SPARQL parser does: ``\\uXXXX`` escapes are decoded first
(SPARQL applies them to the whole query text), then comments, strings and IRIs are skipped,
so ``SERVICE`` hidden in an escape is found and a string or IRI containing the word is not.
A target that cannot be resolved to an allowed host (a variable, an unknown prefix, a
relative IRI) is refused.

>>> check_service("SELECT * WHERE { ?s ?p 'SERVICE' }  # SERVICE <http://x/>")
>>> check_service("SELECT * { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
Traceback (most recent call last):
kg.errors.KgError: SERVICE <http://127.0.0.1:9/x> refused: federated queries are off \
(allow a host with --allow-service HOST)
>>> check_service("SELECT * { SERVICE <http://dbpedia.org/sparql> {} }", ["dbpedia.org"])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from kg.errors import KgError
from kg.graph.namespace import PREFIXES

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '''(?:[^'\\]|\\.|'(?!''))*'''
             | "(?:[^"\\\n\r]|\\.)*"
             | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<word>[^\W\d][\w\-.\u00b7]*(?::[\w\-.:%\\]*)?|:[\w\-.:%\\]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_PREFIX_DECL = re.compile(r"([^\W\d][\w\-.]*|):")


def _unescape(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _ESCAPE.sub(decode, text)


def _tokens(sparql: str) -> list[tuple[str, str]]:
    """Significant tokens ``(kind, text)``: comments and white space dropped."""
    return [
        (m.lastgroup or "other", m.group())
        for m in _TOKEN.finditer(_unescape(sparql))
        if m.lastgroup not in ("comment", "space")
    ]


def service_targets(sparql: str) -> list[str]:
    """The target of every ``SERVICE`` clause, as written (IRI, prefixed name or variable)."""
    tokens = _tokens(sparql)
    targets = []
    for index, (kind, text) in enumerate(tokens):
        if kind != "word" or text.upper() != "SERVICE":
            continue
        rest = tokens[index + 1 : index + 3]
        if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
            rest = rest[1:]
        targets.append(rest[0][1] if rest else "")
    return targets


def _prefixes(tokens: list[tuple[str, str]]) -> dict[str, str]:
    declared = dict(PREFIXES)
    for index, (kind, text) in enumerate(tokens[:-2]):
        if kind == "word" and text.upper() == "PREFIX":
            name, iri = tokens[index + 1], tokens[index + 2]
            match = _PREFIX_DECL.fullmatch(name[1])
            if match and iri[0] == "iri":
                declared[match.group(1)] = iri[1][1:-1]
    return declared


def _host(target: str, prefixes: dict[str, str]) -> str | None:
    if target.startswith("<") and target.endswith(">"):
        iri = target[1:-1]
    elif ":" in target and not target.startswith(("?", "$")):
        prefix, _, local = target.partition(":")
        if prefix not in prefixes:
            return None
        iri = prefixes[prefix] + local
    else:
        return None
    try:
        parts = urlsplit(iri)
        return parts.hostname if parts.scheme in ("http", "https") else None
    except ValueError:
        return None


def check_service(sparql: str, allowed_hosts: Iterable[str] = ()) -> None:
    """Raise :class:`KgError` if ``sparql`` has a ``SERVICE`` clause whose host is not allowed."""
    targets = service_targets(sparql)
    if not targets:
        return
    allowed = {host.strip().lower().strip("[]") for host in allowed_hosts if host.strip()}
    prefixes = _prefixes(_tokens(sparql))
    for target in targets:
        host = _host(target, prefixes)
        if host is None or host.lower() not in allowed:
            shown = target[:200] or "(nothing)"
            if allowed:
                reason = f"its host is not one of --allow-service {', '.join(sorted(allowed))}"
            else:
                reason = "federated queries are off (allow a host with --allow-service HOST)"
            raise KgError(f"SERVICE {shown} refused: {reason}")


MAX_NESTING = 200
"""Deepest nesting of ``{}``, ``()`` and ``[]`` a query may have: oxigraph's parser recurses
once per level, and a query nested 5,000 deep crashed it (SIGSEGV under ``kg query``, an
abort that took the ``kg serve`` engine down for every client). Real queries stay under 20."""


def check_depth(sparql: str, limit: int = MAX_NESTING) -> None:
    """Raise :class:`KgError` if brackets in ``sparql`` (outside strings, IRIs and comments)
    nest deeper than ``limit``."""
    depth = deepest = 0
    for kind, text in _tokens(sparql):
        if kind == "other" and text in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and text in "})]":
            depth -= 1
    if deepest > limit:
        raise KgError(f"query nested {deepest} levels deep: at most {limit} are accepted")


__all__ = ["MAX_NESTING", "check_depth", "check_service", "service_targets"]
