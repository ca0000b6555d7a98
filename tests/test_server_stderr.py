"""The ``kg serve`` child's stderr is drained, so a chatty server never blocks on a full pipe."""

from __future__ import annotations

import subprocess
import sys

from kg.graph.server import drain_stderr

# 2 MB of log lines: 30 times a Linux pipe buffer (64 KiB); unread, the writer would block.
CHATTY = "import sys\nfor i in range(100_000): sys.stderr.write(f'line {i:06d} of log\\n')"


def test_a_chatty_child_finishes_and_the_tail_is_kept():
    process = subprocess.Popen([sys.executable, "-c", CHATTY], stderr=subprocess.PIPE)
    tail, reader = drain_stderr(process, keep=3)
    assert process.wait(timeout=30) == 0
    reader.join(timeout=10)
    assert list(tail) == [f"line {i:06d} of log\n".encode() for i in (99_997, 99_998, 99_999)]
