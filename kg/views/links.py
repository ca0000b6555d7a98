"""Views that an HTML audit report links to, written where its links point.

The report links each finding to the department tree (``view_link``, default
``tree.html#node={anchor}``, relative to the report's folder). A link to a file that was never
written is a dead end, so whoever writes the report writes the tree view at that place too,
with "Show in audit report" pointing back at the report.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from kg.graph.store import Store
from kg.views.store_views import department_tree


def link_target(view_link: str) -> PurePosixPath | None:
    """The relative file a view link template points at, or None when it is not ours to write
    (an absolute URL or path, or a template whose file part varies per node).

    >>> link_target("tree.html#node={anchor}"), link_target("../views/tree.html#node={anchor}")
    (PurePosixPath('tree.html'), PurePosixPath('../views/tree.html'))
    >>> link_target("https://intranet/kg/tree.html#node={anchor}") is None
    True
    """
    file_part = re.split(r"[#?]", view_link, maxsplit=1)[0]
    if not file_part or "{" in file_part or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", file_part):
        return None
    if file_part.startswith(("/", "\\")):
        return None
    return PurePosixPath(file_part)


def write_linked_views(store: Store, report: str | Path, view_link: str) -> list[Path]:
    """Write the tree view where ``view_link`` (relative to ``report``) points; return the
    files written (none when the link is absolute: that view is someone else's to publish)."""
    target = link_target(view_link)
    if target is None:
        return []
    report = Path(report)
    path = report.parent / Path(*target.parts)
    back = Path(os.path.relpath(report, path.parent)).as_posix()
    return [department_tree(store, audit_href=back).save(path)]
