"""An auditor's review decisions on findings, kept in the ``pig:curation`` graph.

A decision marks one finding (a copy cluster, a reused ladder or any audit finding with an
IRI) *confirmed* or *dismissed*, with a note, who and when. It lives in its own named graph,
so re-ingesting documents and re-running ``kg duplicates`` or ``kg audit`` (which replace the
document and ``pig:audit/*`` graphs) never touch it. Written on the finding IRI:

* ``pi:reviewStatus`` ``rev:confirmed`` | ``rev:dismissed``, ``skos:note``,
  ``dcterms:creator`` (a name), ``dcterms:modified`` (``xsd:dateTime``);
* ``dcterms:references`` one *indicator key* per member: ``pid:indicator-key/…`` minted from
  the file name, the normalised name (N1–N4) and the canonical ladder, not from the
  document's hash — so the key of an indicator survives a changed document as long as the
  row itself is unchanged.

:func:`review_states` resolves every decision against the store as it is now:

* ``attached`` — the decided finding still exists (same members, same IRI);
* ``follows`` — the finding was replaced (a member added, a document re-ingested with other
  IRIs), but the decided indicators all still exist and one current finding holds them all:
  the decision applies to that finding;
* ``unattached`` — the indicators exist, no current finding holds them all;
* ``stale`` — an indicator the decision was about is gone.

>>> from kg.graph.store import Store
>>> review_states(Store())
[]
"""

from __future__ import annotations

import getpass
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kg.duplicates.rules import canonical_ladder, name_key
from kg.errors import KgError
from kg.graph.namespace import CURATION_GRAPH, DCTERMS, PI, REV, SKOS, XSD, mint
from kg.graph.store import Store
from kg.records.from_store import records_from_store
from kg.records.indicators import IndicatorRecord

STATUSES = ("confirmed", "dismissed")
"""The decisions an auditor can take (``rev:`` notations)."""

_FINDINGS = """
SELECT ?f ?m ?label WHERE {
  ?f a pi:Finding ; pi:member ?m .
  OPTIONAL { ?f skos:prefLabel ?label }
}"""

_DECISIONS = """
SELECT ?f ?status ?note ?by ?at ?key WHERE {
  GRAPH pig:curation {
    ?f pi:reviewStatus ?concept ; dcterms:modified ?at .
    OPTIONAL { ?f skos:note ?note }
    OPTIONAL { ?f dcterms:creator ?by }
    OPTIONAL { ?f dcterms:references ?key }
  }
  ?concept skos:notation ?status .
}"""


@dataclass(frozen=True)
class Decision:
    """One review decision as stored."""

    finding: str
    status: str
    note: str
    by: str
    at: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class ReviewState:
    """A decision resolved against the store as it is now."""

    decision: Decision
    state: str  # attached | follows | unattached | stale
    finding: str | None  # the current finding the decision applies to
    label: str
    members: tuple[str, ...]  # current indicator IRIs the decision is about


def indicator_key(record: IndicatorRecord) -> str:
    """The IRI of an indicator's content key: file name, normalised name, canonical ladder.

    Stable across re-ingest (unlike the indicator IRI, which carries the document hash).
    """
    ladder = "|".join(canonical_ladder(record.grades))
    return mint("indicator-key", Path(record.source).name, name_key(record.text), ladder).value


def _current_findings(store: Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    members: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for row in store.select(_FINDINGS):
        members[row["f"]].add(row["m"])
        if "label" in row:
            labels.setdefault(row["f"], row["label"])
    return dict(members), labels


def resolve_finding(store: Store, ref: str) -> str:
    """The IRI of the current finding ``ref`` names: its IRI, or the hash at its end."""
    findings, _labels = _current_findings(store)
    matches = [f for f in findings if f == ref or f.rsplit("/", 1)[-1] == ref]
    if len(matches) != 1:
        raise KgError(f"no finding {ref!r} in the store (see `kg review list --all`)")
    return matches[0]


def decide(
    store: Store,
    finding: str,
    status: str,
    note: str = "",
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Record ``status`` (confirmed or dismissed) on ``finding`` (IRI or hash), replacing any
    earlier decision on it. Raises :class:`KgError` for an unknown status or finding."""
    if status not in STATUSES:
        raise KgError(f"unknown review status {status!r} (use {' or '.join(STATUSES)})")
    if store.read_only:
        raise KgError("the store is open read-only: cannot record a decision", str(store.path))
    iri = resolve_finding(store, finding)
    findings, _labels = _current_findings(store)
    keys_of = {r.id: indicator_key(r) for r in records_from_store(store)}
    keys = tuple(sorted({keys_of[m] for m in findings[iri] if m in keys_of}))
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    who = by or getpass.getuser()
    node = ox.NamedNode(iri)
    quads = [
        ox.Quad(node, PI.reviewStatus, REV.by_notation(status), CURATION_GRAPH),
        ox.Quad(node, SKOS.note, ox.Literal(note), CURATION_GRAPH),
        ox.Quad(node, DCTERMS.creator, ox.Literal(who), CURATION_GRAPH),
        ox.Quad(node, DCTERMS.modified, ox.Literal(when, datatype=XSD.dateTime), CURATION_GRAPH),
        *(ox.Quad(node, DCTERMS.references, ox.NamedNode(k), CURATION_GRAPH) for k in keys),
    ]
    for quad in list(store.oxigraph.quads_for_pattern(node, None, None, CURATION_GRAPH)):
        store.oxigraph.remove(quad)
    store.oxigraph.extend(quads)
    return Decision(iri, status, note, who, when, keys)


def decisions(store: Store) -> list[Decision]:
    """Every decision in ``pig:curation``, newest first."""
    rows: dict[str, dict] = {}
    for row in store.select(_DECISIONS):
        item = rows.setdefault(
            row["f"],
            {
                "status": row["status"],
                "note": row.get("note", ""),
                "by": row.get("by", ""),
                "at": row["at"],
                "keys": set(),
            },
        )
        if "key" in row:
            item["keys"].add(row["key"])
    out = [
        Decision(f, v["status"], v["note"], v["by"], v["at"], tuple(sorted(v["keys"])))
        for f, v in rows.items()
    ]
    out.sort(key=lambda d: (d.at, d.finding), reverse=True)
    return out


def review_states(store: Store) -> list[ReviewState]:
    """Every decision resolved against the current findings and indicators (module doc)."""
    made = decisions(store)
    if not made:
        return []
    findings, labels = _current_findings(store)
    by_key: dict[str, set[str]] = defaultdict(set)
    for record in records_from_store(store):
        by_key[indicator_key(record)].add(record.id)
    states = []
    for decision in made:
        if decision.finding in findings:
            members = tuple(sorted(findings[decision.finding]))
            states.append(
                ReviewState(
                    decision, "attached", decision.finding, labels.get(decision.finding, ""),
                    members,
                )
            )  # fmt: skip
            continue
        if not decision.keys or any(k not in by_key for k in decision.keys):
            states.append(ReviewState(decision, "stale", None, "", ()))
            continue
        wanted = [by_key[k] for k in decision.keys]
        holders = [f for f, members in findings.items() if all(group & members for group in wanted)]
        if not holders:
            members = tuple(sorted(set().union(*wanted)))
            states.append(ReviewState(decision, "unattached", None, "", members))
            continue
        best = min(holders, key=lambda f: (len(findings[f]), f))
        states.append(
            ReviewState(
                decision, "follows", best, labels.get(best, ""), tuple(sorted(findings[best]))
            )
        )
    return states


def hidden_findings(states: Iterable[ReviewState]) -> set[str]:
    """Current findings a dismissal hides (reports and views show them only on request)."""
    return {s.finding for s in states if s.decision.status == "dismissed" and s.finding}


__all__ = [
    "STATUSES",
    "Decision",
    "ReviewState",
    "decide",
    "decisions",
    "hidden_findings",
    "indicator_key",
    "resolve_finding",
    "review_states",
]
