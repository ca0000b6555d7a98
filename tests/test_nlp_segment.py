"""The spaCy-free path of ingest (kg.nlp.segment) gives what the spaCy pipelines give, and its
persistent jieba cache is rebuilt, never trusted, when it is stale or broken."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest

from kg.nlp import analyze_name, get_nlp, pipe_cells, pipe_names
from kg.nlp.segment import PackedTable, cell_reading, pos_cut, segment, words_of

HOSTILE_NAMES = [
    "应急平台 互联互通率",
    " 两个空格  之间 ",
    "1.网络故障次数(次）\n",
    "全角\u3000空格",
    "tab\tand\r\nnewline",
    "",
    "群众满意率≥90%",
]


def _seed_names_and_cells(seed_path) -> tuple[list[str], list[str]]:
    from kg.extraction import extract_file

    names, cells = set(HOSTILE_NAMES), set()
    for seed in ("000", "002", "003", "004"):
        for _, ind in extract_file(seed_path(seed)).iter_indicators():
            names.add(ind.name or "")
            cells.update(ind.raw_grades.values())
            cells.update(ind.grades.values())
    return sorted(names), sorted(cells | set(HOSTILE_NAMES))


def test_names_and_cells_read_alike_with_and_without_spacy(seed_path):
    """analyze_document reads names and grade cells through kg.nlp.segment; the spaCy
    pipelines must give the same tokens and the same bands, on every seed text."""
    names, cells = _seed_names_and_cells(seed_path)
    for name, doc in zip(names, pipe_names(names), strict=True):
        assert doc._.name_analysis.tokens == list(segment(name)), name
        assert doc._.name_analysis == analyze_name(name), name
    for cell, doc in zip(cells, pipe_cells(cells), strict=True):
        assert doc._.band == cell_reading(cell)[0], cell


def test_segmentation_is_spacys_jieba_tokenizer_without_whitespace(seed_path):
    names, _ = _seed_names_and_cells(seed_path)
    inner = get_nlp().tokenizer.inner  # spaCy's own ChineseTokenizer (jieba)
    for name in names:
        words, tokens = words_of(name)
        assert tokens == tuple(t.text for t in inner(name) if not t.is_space), name
        assert "".join(words) == name


def test_part_of_speech_cut_is_jiebas():
    import jieba.posseg

    for title in ("云溪区人民政府办公室2024年部门预算", "秦皇岛市北戴河区财政局", "工管委"):
        assert pos_cut(title) == [(p.word, p.flag) for p in jieba.posseg.cut(title)]


def test_packed_table_behaves_as_the_dict_it_packs():
    plain = {"网络": 5, "网": 0, "故障": 2, "a": 1, "ab": 3}
    table = PackedTable.pack(plain)
    assert table.get("zz", 7) == 7 and "zz" not in table and table.packed  # 'a', '故' left
    table["故障"] = 9  # assignment before the piece is unpacked: the assignment wins
    assert table["故障"] == 9 and table.get("网") == 0
    table.update({"新词": 1})
    with pytest.raises(KeyError):
        table["缺"]
    assert len(table) == 6 and dict(table) == {**plain, "故障": 9, "新词": 1}
    assert pickle.loads(pickle.dumps(table)) == dict(table)


def test_packed_table_answers_alike_from_many_threads():
    import sys
    import threading

    plain = {f"{c}{i}": i for c in "甲乙丙丁戊己庚辛壬癸" for i in range(20_000)}
    wrong: list[str] = []
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(3):
            table = PackedTable.pack(plain)

            def read(table=table) -> None:
                wrong.extend(k for k in list(plain)[::997] if table.get(k) != plain[k])

            threads = [threading.Thread(target=read) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert wrong == []


def _probe(tmp_path, code: str) -> str:
    env = {"PIKG_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()


SEGMENT = (
    "from kg.nlp.segment import segment, pos_cut; print(segment('网络故障次数'), pos_cut('云溪区'))"
)


def test_the_jieba_cache_is_written_once_and_rebuilt_when_broken_or_unwritable(tmp_path):
    first = _probe(tmp_path, SEGMENT)
    (cache,) = tmp_path.glob("jieba-*.pickle")
    written = cache.stat().st_mtime_ns
    assert _probe(tmp_path, SEGMENT) == first and cache.stat().st_mtime_ns == written
    cache.write_bytes(b"not a pickle")
    assert _probe(tmp_path, SEGMENT) == first  # rebuilt, same words
    assert pickle.loads(cache.read_bytes())[1] > 0
    if os.getuid() == 0:  # a cache another user wrote is not loaded (a pickle runs code)
        os.chown(cache, 65534, 65534)
        cache.write_bytes(pickle.dumps((1, 2, 3, 4)))  # would break every cut if loaded
        assert _probe(tmp_path, SEGMENT) == first
    blocker = tmp_path / "file"  # a cache folder that cannot be made only costs time
    blocker.write_text("")
    code = f"import os; os.environ['PIKG_CACHE_DIR'] = {str(blocker / 'sub')!r}; " + SEGMENT
    assert _probe(tmp_path, code) == first
