"""Understand grade cells and indicator names (domain.md §2 and §4).

Public API (stable):

* :func:`get_nlp` – the cached spaCy pipeline (blank ``zh`` + jieba + pikg components;
  spaCy is imported on first use, :func:`analyze_document` never needs it)
* :func:`get_cell_nlp` – the cached pipeline for grade cells (one token per character)
* :func:`parse_cell` – one grade cell or project value → :class:`~kg.model.Band`
* :func:`analyze_name` – one indicator name → :class:`~kg.model.NameAnalysis`
* :func:`analyze_scheme` – four bands (+ name analysis) → :class:`~kg.model.Scheme`
* :func:`ladder_issues` – the first-match grid check alone
* :func:`analyze_document` – fill bands / scheme / analysis on a whole extracted Document

>>> from kg.nlp import parse_cell, analyze_scheme
>>> bands = [parse_cell(t, g) for t, g in zip(["≥90%", "≥80%", "≥70%", "<70%"], "优良中差")]
>>> analyze_scheme(bands).signature
'ge90%|ge80%|ge70%|lt70%'
"""

from kg.nlp.document import analyze_document, analyze_name, document_places
from kg.nlp.lexicon import load_lexicon
from kg.nlp.scheme import analyze_scheme, ladder_issues, signatures
from kg.nlp.thresholds import parse_cell

_SPACY_NAMES = frozenset({"get_cell_nlp", "get_nlp", "pipe_cells", "pipe_names"})


def __getattr__(name: str):
    """The spaCy pipelines load spaCy (~0.7 s) on first use only: ingest never needs them."""
    if name in _SPACY_NAMES:
        from kg.nlp import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'kg.nlp' has no attribute {name!r}")


__all__ = [
    "analyze_document",
    "analyze_name",
    "analyze_scheme",
    "document_places",
    "get_cell_nlp",
    "get_nlp",
    "ladder_issues",
    "load_lexicon",
    "parse_cell",
    "pipe_cells",
    "pipe_names",
    "signatures",
]
