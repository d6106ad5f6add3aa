"""A serving parse worker (``assistant.parse.serve``) that misbehaves on files named for it, for the
pool's tests: ``python -m tests.parse.crashing_worker``. Only tests start it (they point
``assistant.parse.pool._SERVE`` here); every other file is parsed by the real worker code.

* ``crash-segv*``: the worker dies of SIGSEGV, as a parser's C code would.
* ``crash-exit*``: the worker exits with code 3 without answering.
* ``hang*``: the worker ignores its alarm and CPU signal, starts ``sleep 600`` in its session
  (its pid written next to the file, as ``<name>.pid``) and sleeps: only the parent's wall clock ends it.
* ``report-env*``: the file is refused with the worker's environment (JSON) as the message.
* ``bug*``: the parser raises ``RuntimeError``, as a parser bug would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from assistant.models import Document
from assistant.parse import serve, worker
from assistant.parse.errors import ParseError
from assistant.parse.guard import ParseLimits

_parse_untrusted = worker.parse_untrusted


def parse_or_misbehave(data: bytes, *, suffix: str, source_path: str, document_id: str,
                       limits: ParseLimits) -> Document:
    name = Path(source_path).name
    if name.startswith("crash-segv"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name.startswith("crash-exit"):
        os._exit(3)
    if name.startswith("hang"):
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        signal.signal(signal.SIGXCPU, signal.SIG_IGN)
        child = subprocess.Popen(["sleep", "600"])
        Path(source_path).with_suffix(".pid").write_text(str(child.pid))
        time.sleep(600)
    if name.startswith("report-env"):
        raise ParseError(json.dumps(dict(os.environ)))
    if name.startswith("bug"):
        raise RuntimeError("a parser bug")
    return _parse_untrusted(data, suffix=suffix, source_path=source_path, document_id=document_id, limits=limits)


if __name__ == "__main__":
    worker.parse_untrusted = parse_or_misbehave
    serve.main()
