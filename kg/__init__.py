"""pikg: a performance-indicator knowledge graph for Chinese public budget disclosures.

The Python API in a few lines (the ``kg`` command line is a thin layer over the same calls)::

    import kg

    doc = kg.extract_file("budget.txt")        # typed model, every record with its line
    kg.analyze_document(doc)                    # parsed grade bands, ladder schemes, name analysis
    store = kg.Store("kg-store")                # embedded Oxigraph store on disk
    kg.ingest_paths(["disclosures/"], store)    # read → extract → analyse → map, in parallel
    store.select("SELECT (COUNT(*) AS ?n) WHERE { ?i a pi:Indicator }")
    kg.department_tree(store).save("tree.html")  # offline, safe graph view

Names are imported lazily, so ``import kg`` stays fast and pulls in spaCy or pyoxigraph only
when they are used. (``kg.ingest`` is the module; its function is exported as ``ingest_paths``.)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API: dict[str, str | tuple[str, str]] = {
    "extract_file": "kg.extraction",
    "extract_text": "kg.extraction",
    "analyze_document": "kg.nlp",
    "analyze_name": "kg.nlp",
    "analyze_scheme": "kg.nlp",
    "parse_cell": "kg.nlp",
    "Store": "kg.graph.store",
    "ingest_paths": ("kg.ingest", "ingest"),
    "detect": "kg.duplicates",
    "department_tree": "kg.views",
    "duplicate_clusters": "kg.views",
    "ladder_hubs": "kg.views",
    "ontology_view": "kg.views",
    "generate_corpus": "kg.synth",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    target = _API.get(name)
    if target is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    module, attribute = target if isinstance(target, tuple) else (target, name)
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
