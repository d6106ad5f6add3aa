"""Scheduled syncs inside ``assistant serve``: a daemon thread that asks every ``check_seconds``
which sources are due (``SourceManager.sync_due``) and syncs them. Every worker and replica runs
one; the store's sync lock and the last-run times make each due sync run once between them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from assistant.sources.manager import SourceManager
from assistant.sources.models import SyncReport

logger = logging.getLogger(__name__)


class SyncScheduler:
    """Start with ``start()``, stop with ``stop()`` (waits for a running sync to finish).
    ``on_report`` is called with each finished run (the facade records it in the audit trail)."""

    def __init__(self, *, sources: SourceManager, check_seconds: float = 60.0,
                 on_report: Callable[[SyncReport], None] | None = None) -> None:
        self.sources = sources
        self.check_seconds = check_seconds
        self.on_report = on_report
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="source-sync", daemon=True)

    def start(self) -> SyncScheduler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def run_once(self) -> list[SyncReport]:
        """Sync what is due now; a failure of the check itself is logged, never raised (the
        server keeps serving and tries again at the next check)."""
        try:
            reports = self.sources.sync_due()
        except Exception:  # a database or disk error: logged, retried at the next check
            logger.exception("scheduled source sync failed")
            return []
        for report in reports:
            if self.on_report is not None:
                self.on_report(report)
        return reports

    def _loop(self) -> None:
        while not self._stop.wait(self.check_seconds):
            self.run_once()
