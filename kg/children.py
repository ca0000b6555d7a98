"""Child processes that never outlive pikg.

``kg ingest`` forks parse workers and ``kg serve`` runs an ``oxigraph`` server. When pikg is
killed with ``kill -9`` (out of memory, a CI timeout) nothing runs its clean-up code, and
such children used to live on, re-parented to PID 1, holding memory or a port. On Linux the
kernel can send a signal to a child when its parent dies (``prctl(PR_SET_PDEATHSIG)``); every
child pikg starts asks for ``SIGKILL`` that way, first thing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import BinaryIO

from kg.errors import KgError
from kg.output import write_all

PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def die_with_parent(parent: int) -> None:
    """In a child of ``parent``: be killed when the parent dies; exit now if it already has.

    Call it first thing in a forked worker, or as ``preexec_fn`` of :class:`subprocess.Popen`
    (it only calls ``prctl`` and ``getppid``, both safe between fork and exec).
    """
    if sys.platform.startswith("linux"):
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def run_in_child(
    work: Callable[[BinaryIO], None], out: BinaryIO, timeout_s: float | None = None
) -> None:
    """Run ``work(stream)`` in a forked child that dies with us, copying its output to ``out``.

    pyoxigraph evaluates a query in native code holding the interpreter lock, so neither a
    time limit nor Ctrl-C can reach it in the same process. In a child, the parent stays free:
    past ``timeout_s`` it kills the child and raises :class:`TimeoutError`; on Ctrl-C it kills
    the child and lets :class:`KeyboardInterrupt` through. A :class:`KgError` (or any other
    error) in the child is raised here with its message.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    data_r, data_w = os.pipe()
    err_r, err_w = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(data_r)
        os.close(err_r)
        status = 0
        try:
            die_with_parent(parent)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            with os.fdopen(data_w, "wb") as stream:
                work(stream)
        except KgError as exc:
            os.write(err_w, str(exc).encode("utf-8", "replace")[:4000])
            status = 2
        except BaseException as exc:  # reported by the parent, never lost
            os.write(err_w, f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")[:4000])
            status = 1
        finally:
            os._exit(status)
    os.close(data_w)
    os.close(err_w)
    deadline = time.monotonic() + timeout_s if timeout_s else None
    try:
        with os.fdopen(data_r, "rb", buffering=0) as source:
            while True:
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
                if not select.select([source], [], [], wait)[0]:
                    raise TimeoutError(f"no answer within {timeout_s:g} s")
                chunk = source.read(1 << 16)
                if not chunk:
                    break
                write_all(out, chunk)
        _, status = os.waitpid(pid, 0)
        pid = 0
        with os.fdopen(err_r, "rb") as errors:
            err_r = -1
            message = errors.read().decode("utf-8", "replace")
        if os.waitstatus_to_exitcode(status) == 2:
            raise KgError(message)
        if status:
            raise RuntimeError(message or f"child exited with status {status}")
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if err_r >= 0:
            os.close(err_r)


__all__ = ["die_with_parent", "run_in_child"]
