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
import signal
import sys

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


__all__ = ["die_with_parent"]
