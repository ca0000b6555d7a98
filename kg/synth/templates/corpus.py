"""Write a national-template corpus: documents in every format, each with its answer key.

Document ``i`` of corpus ``seed`` depends on nothing else, so any subset can be regenerated.
Next to each ``0003.xlsx`` goes ``0003.answer.json``; ``answers.json`` holds them all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.synth.templates.draw import FORMATS, make_document
from kg.synth.templates.model import TemplateDocument
from kg.synth.templates.to_docx import render_docx
from kg.synth.templates.to_html import render_html
from kg.synth.templates.to_md import render_md
from kg.synth.templates.to_ods import render_ods
from kg.synth.templates.to_pdf import render_pdf
from kg.synth.templates.to_txt import render_txt
from kg.synth.templates.to_xls import render_xls
from kg.synth.templates.to_xlsx import render_xlsx

ANSWERS_NAME = "answers.json"

RENDERERS: dict[str, Callable[[TemplateDocument], bytes]] = {
    "xlsx": render_xlsx,
    "docx": render_docx,
    "html": render_html,
    "pdf": render_pdf,
    "md": render_md,
    "txt": render_txt,
    "xls": render_xls,
    "ods": render_ods,
}


def render(doc: TemplateDocument) -> bytes:
    """The file bytes of ``doc`` in its own format."""
    return RENDERERS[doc.format](doc)


def make_file(
    seed: int, index: int, fmt: str = "xlsx", hazards: Iterable[str] | None = None
) -> tuple[str, bytes, dict[str, Any]]:
    """One document in memory, for tests that need no folder: file name, bytes, answer key."""
    doc = make_document(seed, index, fmt, hazards)
    return doc.file_name, render(doc), doc.answer()


def answer_json(doc: TemplateDocument) -> str:
    """The answer key of ``doc`` as the JSON text written next to it."""
    return json.dumps(doc.answer(), ensure_ascii=False, indent=1) + "\n"


def generate_template_corpus(
    out: str | Path,
    n: int,
    seed: int = 0,
    formats: Sequence[str] = ("all",),
    hazards: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Write ``n`` documents to ``out``; formats cycle over the documents (``all`` = every one).

    ``hazards`` fixes the hazard set of every document (``None`` draws them per document).
    Returns the manifest that is also written to ``answers.json``.
    """
    if n < 1:
        raise KgError(f"the corpus needs at least 1 document, got {n}")
    cycle = _formats(formats)
    fixed = None if hazards is None else list(hazards)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    documents = []
    for index in range(n):
        doc = make_document(seed, index, cycle[index % len(cycle)], fixed)
        (folder / doc.file_name).write_bytes(render(doc))
        key = answer_json(doc)
        (folder / f"{index:04d}.answer.json").write_text(key, encoding="utf-8")
        documents.append(json.loads(key))
        if progress:
            progress(index + 1, n)
    manifest = {
        "layout": "national",
        "seed": seed,
        "formats": list(cycle),
        "documents": documents,
        "totals": {
            "documents": len(documents),
            "tables": sum(len(d["tables"]) for d in documents),
            "indicators": sum(len(t["indicators"]) for d in documents for t in d["tables"]),
        },
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (folder / ANSWERS_NAME).write_text(text, encoding="utf-8")
    return manifest


def _formats(formats: Sequence[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for fmt in formats:
        if fmt == "all":
            chosen += [f for f in FORMATS if f in RENDERERS]
        elif fmt in RENDERERS:
            chosen.append(fmt)
        else:
            raise KgError(f"unknown format {fmt!r}; choose from {', '.join([*RENDERERS, 'all'])}")
    return tuple(dict.fromkeys(chosen))
