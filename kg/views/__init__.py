"""Interactive graph views that work offline and treat every document string as untrusted.

Python API (each returns a :class:`View`; ``view.save("x.html")``, ``view.html()``, and in a
notebook the view displays inline)::

    from kg.graph.store import Store
    from kg.views import department_tree, duplicate_clusters, ladder_hubs, ontology_view
    store = Store("kg-store", read_only=True)
    department_tree(store, department="办公室").save("tree.html")

See :mod:`kg.views.render` for the safety model and :mod:`kg.views.layout` for layouts and
size limits.
"""

from __future__ import annotations

from kg.views.ontology import ontology_view
from kg.views.render import DEFAULT_MAX_NODES, Style, View, script_json
from kg.views.store_views import department_tree, duplicate_clusters, ladder_hubs

__all__ = [
    "DEFAULT_MAX_NODES",
    "Style",
    "View",
    "department_tree",
    "duplicate_clusters",
    "ladder_hubs",
    "ontology_view",
    "script_json",
]
