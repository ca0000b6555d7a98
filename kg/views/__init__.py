"""Interactive graph views that work offline and treat every document string as untrusted.

``View.html()`` gives one self-contained page, ``View.save(path)`` writes it, and in a notebook
a view displays inline. See :mod:`kg.views.render` for the safety model and
:mod:`kg.views.layout` for layouts and size limits.
"""

from __future__ import annotations

from kg.views.render import DEFAULT_MAX_NODES, Style, View, script_json

__all__ = ["DEFAULT_MAX_NODES", "Style", "View", "script_json"]
