"""Every tutorial notebook runs top to bottom on the bundled samples, in a fresh kernel.

Kernels use this interpreter (a kernel spec written to a temp folder, nothing registered
globally); each notebook runs in its own temp working folder and store.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory) -> KernelSpecManager:
    root = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(root / "pikg-venv")
    return KernelSpecManager(kernel_dirs=[str(root)], ensure_native_kernel=False)


def run_notebook(path: Path, specs: KernelSpecManager, cwd: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_name="pikg-venv", kernel_spec_manager=specs)
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]


def text_of(notebook: nbformat.NotebookNode) -> str:
    return json.dumps(outputs(notebook), ensure_ascii=False)


def test_every_notebook_is_described_in_the_docs():
    guide = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in guide, f"{path.name} is missing from docs/notebooks.md"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, kernel_specs, tmp_path, monkeypatch):
    monkeypatch.delenv("PIKG_DATA", raising=False)  # a fresh install: the bundled samples
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend draws PNGs
    notebook = run_notebook(path, kernel_specs, tmp_path)
    produced = outputs(notebook)
    assert not [o for o in produced if o.get("output_type") == "error"]
    text = text_of(notebook)
    assert "101_yunxi_government_office.txt" in text  # the samples, Chinese shown as text
    if path.stem in {"01-quickstart", "03-copied-indicators", "04-thresholds"}:
        assert "<iframe sandbox" in text, "the graph view is displayed inline"
    if path.stem == "04-thresholds":
        assert any("image/png" in o.get("data", {}) for o in produced), "the chart is drawn"
    if path.stem == "02-sparql-for-auditors":
        assert "shared-indicator-names" in text
