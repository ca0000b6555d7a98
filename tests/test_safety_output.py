"""Issue 19.1: every writer writes every byte, or says in one line that it could not.

A pipe accepts at most 2,147,479,552 bytes per ``write(2)`` on Linux and
``BufferedWriter.write`` returns that short count; the writers used to ignore it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.output import TextSink, open_output, write_all

REPO = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-c", "from kg.cli import main; main()"]


class ShortWriter:
    """A stream that takes at most ``step`` bytes per call, like a pipe near the 2 GiB cap."""

    def __init__(self, step: int, fail_after: int | None = None, error: OSError | None = None):
        self.step = step
        self.data = bytearray()
        self.calls = 0
        self.fail_after = fail_after
        self.error = error

    def write(self, data) -> int:
        self.calls += 1
        if self.fail_after is not None and len(self.data) >= self.fail_after:
            raise self.error or BrokenPipeError(32, "Broken pipe")
        chunk = bytes(data[: self.step])
        self.data += chunk
        return len(chunk)

    def flush(self) -> None:
        pass


def test_short_writes_are_continued_until_every_byte_is_out():
    payload = bytes(range(256)) * 40  # 10,240 bytes, every value, order checkable
    stream = ShortWriter(step=1000)
    assert write_all(stream, payload) == len(payload)
    assert bytes(stream.data) == payload
    assert stream.calls == 11  # ten full 1,000-byte writes and the 240-byte rest


def test_text_sink_encodes_and_continues_short_writes():
    stream = ShortWriter(step=5)
    sink = TextSink(stream)
    sink.write("指标名称,办结率\n")
    assert stream.data.decode("utf-8") == "指标名称,办结率\n"


def test_a_stream_that_takes_nothing_is_an_error_not_a_hang():
    stream = ShortWriter(step=0)
    with pytest.raises(KgError, match="accepted no more data"):
        write_all(stream, b"abc")


def test_broken_pipe_and_full_disk_are_one_clear_error():
    with pytest.raises(KgError, match=r"stdout: output closed.*broken pipe"):
        write_all(ShortWriter(step=4, fail_after=8), b"x" * 100)
    full = OSError(28, "No space left on device")
    with pytest.raises(KgError, match=r"out\.nq: cannot write: No space left on device"):
        write_all(ShortWriter(step=4, fail_after=8, error=full), b"x" * 100, "out.nq")


def test_missing_folder_names_the_file(tmp_path):
    target = tmp_path / "no" / "such" / "out.nq"
    with (
        pytest.raises(KgError, match=r"out\.nq: cannot open for writing: No such file"),
        open_output(target),
    ):
        pass


def test_export_to_a_closed_pipe_is_one_line_and_nonzero(tmp_path):
    """``kg export | head -c 100``: one line on stderr, exit 2, no traceback."""
    from kg.graph.store import Store

    with Store(tmp_path / "store") as store:
        store.ensure_ontology()  # ontology and vocabulary: far more than a pipe buffer
    env = {**os.environ, "KG_STORE": str(tmp_path / "store")}
    export = subprocess.Popen(
        [*KG, "export", "-f", "nquads"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert export.stdout is not None and export.stderr is not None
    export.stdout.read(100)
    export.stdout.close()
    stderr = export.stderr.read().decode()
    assert export.wait(timeout=60) == 2
    assert stderr.strip().splitlines() == [
        "kg: error: stdout: output closed before everything was written (broken pipe)"
    ]


def test_export_to_a_full_disk_is_one_line(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.graph.store import Store

    with Store(tmp_path / "store") as store:
        store.ensure_ontology()
    result = CliRunner().invoke(
        app, ["export", "--store", str(tmp_path / "store"), "--out", "/dev/full"]
    )
    assert isinstance(result.exception, KgError)
    assert "/dev/full: cannot write: No space left on device" in str(result.exception)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("KG_SLOW_TESTS"), reason="writes 2 GiB through a pipe; set KG_SLOW_TESTS=1"
)
def test_more_than_two_gib_through_a_pipe_arrive_in_full():
    """The mechanism of the truncated export: one write of 2 GiB + 1,000 bytes to a pipe."""
    size = 2**31 + 1000
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from kg.output import write_all; "
            f"write_all(sys.stdout.buffer, bytes({size})); sys.stdout.buffer.flush()",
        ],
        stdout=subprocess.PIPE,
    )
    assert writer.stdout is not None
    received = 0
    while chunk := writer.stdout.read(1 << 20):
        received += len(chunk)
    assert writer.wait(timeout=600) == 0
    assert received == size


def test_query_csv_to_a_closed_pipe_is_one_line_and_nonzero(tmp_path):
    from kg.graph.store import Store

    with Store(tmp_path / "store") as store:
        store.ensure_ontology()
    query = subprocess.Popen(
        [
            *KG,
            "query",
            "SELECT * WHERE { ?s ?p ?o }",
            "-f",
            "csv",
            "--store",
            str(tmp_path / "store"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert query.stdout is not None and query.stderr is not None
    query.stdout.read(100)
    query.stdout.close()
    stderr = query.stderr.read().decode()
    assert query.wait(timeout=60) == 2
    assert stderr.strip().splitlines() == [
        "kg: error: stdout: output closed before everything was written (broken pipe)"
    ]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_an_os_error_no_command_expected_is_one_line():
    """``kg docs --out /dev/full/x``: the folder cannot be created; no traceback."""
    done = subprocess.run([*KG, "docs", "--out", "/dev/full/x"], capture_output=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == ["kg: error: /dev/full/x: Not a directory"]
