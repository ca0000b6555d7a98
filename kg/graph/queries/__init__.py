"""Named SPARQL queries shipped with pikg (``kg/graph/queries/*.rq``).

Each file starts with comment lines::

    # title: Indicator names shared across departments
    # answers: Which normalised indicator names occur in at least N departments?
    # param: min_departments 2 integer

and may contain a ``#@values`` line inside its ``WHERE`` block. Parameters are bound there
as a SPARQL ``VALUES`` row built from pyoxigraph term objects (their own serialisation, with
escaping), never by pasting user text into the query. Without parameters the marker stays a
comment, so every file is also a valid query for any SPARQL tool (after the pikg prefixes,
:func:`kg.graph.namespace.sparql_prolog`); a ``# raw run:`` header line says what such a run returns.
Every triple pattern names its graph (``GRAPH ?g``), so a file gives the same rows on a store
whose default graph is the union of the named graphs (pikg) and on one where it is not
(Fuseki/TDB2 as it ships; ``tests/test_interop_queries.py``).

>>> q = get("shared-indicator-names")
>>> q.params[0].name, q.params[0].default
('min_departments', '2')
>>> 'VALUES (?min_departments) { ("3"^^<http://www.w3.org/2001/XMLSchema#integer>) }' in q.render(
...     {"min_departments": "3"}
... )
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.graph.namespace import XSD

QUERY_DIR = Path(__file__).resolve().parent
MARKER = "#@values"
_HEADER = re.compile(r"^#\s*([\w-]+)\s*:\s*(.*?)\s*$")
PARAM_TYPES = ("string", "integer", "decimal", "iri")
MAX_DECIMAL_EXPONENT = 1000
"""A decimal parameter is written out in full (``xsd:decimal`` has no exponent): 1e200000000
would be 200 million digits, and NaN or infinity no number at all, so both are refused."""


@dataclass(frozen=True)
class Param:
    name: str
    default: str
    type: str = "string"

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """The parameter value as an RDF term; a bad value is a one-line :class:`KgError`."""
        try:
            if self.type == "integer":
                return ox.Literal(str(int(value)), datatype=XSD.integer)
            if self.type == "decimal":
                number = Decimal(value.strip())
                if not number.is_finite() or abs(number.adjusted()) > MAX_DECIMAL_EXPONENT:
                    raise KgError(
                        f"parameter {self.name} needs a finite decimal within "
                        f"1e±{MAX_DECIMAL_EXPONENT}, got {value[:40]!r}"
                    )
                return ox.Literal(format(number, "f"), datatype=XSD.decimal)
            if self.type == "iri":
                return ox.NamedNode(value)
        except (ValueError, InvalidOperation):
            raise KgError(f"parameter {self.name} needs an {self.type}, got {value!r}") from None
        return ox.Literal(value)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    answers: str
    params: tuple[Param, ...]
    text: str
    path: Path

    def render(self, values: dict[str, str] | None = None) -> str:
        """The query text with parameters bound (defaults for those not given)."""
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            names = ", ".join(p.name for p in self.params) or "none"
            raise KgError(
                f"query {self.name} has no parameter {sorted(unknown)[0]!r} (parameters: {names})"
            )
        if not self.params:
            return self.text
        variables = " ".join(f"?{p.name}" for p in self.params)
        row = " ".join(str(p.term(values.get(p.name, p.default))) for p in self.params)
        return self.text.replace(MARKER, f"VALUES ({variables}) {{ ({row}) }}", 1)


def read_rq(path: Path, what: str = "SPARQL file") -> str:
    """The text of a ``.rq`` file (named query, view query or audit rule); a missing,
    unreadable or non-UTF-8 file is one :class:`KgError` line naming it, never a traceback."""
    try:
        return path.read_bytes().decode("utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise KgError(f"{what} not found", str(path)) from None
    except UnicodeDecodeError as exc:
        raise KgError(f"not UTF-8 text (byte {exc.start}): not a SPARQL file", str(path)) from None
    except OSError as exc:
        raise KgError(f"cannot read the {what}: {exc.strerror or exc}", str(path)) from None


def rq_header(text: str) -> Iterator[tuple[int, str, str]]:
    r"""``(line number, key, value)`` of each ``# key: value`` line in the comment block that
    opens a ``.rq`` file (blank lines allowed; the first query line ends it). Named queries
    and audit rules share this format and differ only in their keys.

    >>> list(rq_header("# title: T\n\n# severity : warning\nSELECT * {}\n# title: no"))
    [(1, 'title', 'T'), (3, 'severity', 'warning')]
    """
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return
        match = _HEADER.match(stripped)
        if match:
            yield number, match.group(1), match.group(2)


def parse_query_file(path: Path) -> NamedQuery:
    text = read_rq(path, "named query")
    title = answers = ""
    params: list[Param] = []
    for _number, key, value in rq_header(text):
        if key == "title":
            title = value
        elif key == "answers":
            answers = value
        elif key == "param":
            parts = value.split()
            kind = parts[2] if len(parts) > 2 else "string"
            if len(parts) < 2 or kind not in PARAM_TYPES:
                raise KgError("bad '# param: NAME DEFAULT [TYPE]' line", str(path))
            params.append(Param(parts[0], parts[1], kind))
    if not title or not answers:
        raise KgError("a named query needs '# title:' and '# answers:' lines", str(path))
    if params and MARKER not in text:
        raise KgError(f"a query with parameters needs a '{MARKER}' line", str(path))
    return NamedQuery(path.stem, title, answers, tuple(params), text, path)


def all_queries() -> list[NamedQuery]:
    """Every shipped named query, sorted by name."""
    return [parse_query_file(p) for p in sorted(QUERY_DIR.glob("*.rq"))]


def get(name: str) -> NamedQuery:
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise KgError(f"no named query {name!r} (see `kg query --list`)")
    return parse_query_file(path)


__all__ = ["NamedQuery", "Param", "all_queries", "get", "parse_query_file", "read_rq", "rq_header"]
