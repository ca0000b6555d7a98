"""The top-level Python API resolves every advertised name lazily."""

import subprocess
import sys

import pytest

import kg


@pytest.mark.parametrize("name", [n for n in kg.__all__ if n != "__version__"])
def test_public_name_resolves(name):
    assert callable(getattr(kg, name))


def test_ingest_function_survives_the_module_import():
    import kg.ingest  # binds the submodule as an attribute of the package

    assert kg.ingest_paths is kg.ingest.ingest


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        kg.no_such_function  # noqa: B018


def test_import_is_lazy():
    code = "import sys, kg; print('spacy' in sys.modules, 'pyoxigraph' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_api_round_trip_on_a_sample(samples_dir):
    path = sorted(samples_dir.glob("*.txt"))[0]
    doc = kg.analyze_document(kg.extract_file(path))
    indicators = [ind for _, ind in doc.iter_indicators()]
    assert indicators and all(ind.scheme is not None for ind in indicators)
    store = kg.Store()
    summary = kg.ingest_paths([path], store)
    assert summary.ingested == 1
    rows = list(store.select("SELECT (COUNT(?i) AS ?n) WHERE { ?i a pi:ActivityIndicator }"))
    assert int(rows[0]["n"]) == len(indicators)
