"""One sync of one source: scan it, compare with what the last sync kept, parse what is new or
changed, and apply the difference to the index as one change.

- New or changed content (by SHA-256) is parsed in the isolated parse workers; an item that fails
  to parse is reported with its reason and its previous version, if any, keeps serving.
- A new item with the content of an item that went is a rename: the old document goes and the
  new one comes in the same change, and the embedding cache makes it cost no embedding.
- Removed: what the connector says is gone (not in the folder, a 404/410), and what a crawl did
  not meet two runs in a row (a link or sitemap entry that was taken away).
- Nothing changed: no index update at all. The run is recorded either way, with what failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from assistant.index.backend import IndexBackend
from assistant.index.build import parse_files
from assistant.models import Document
from assistant.parse import document_id_for
from assistant.parse.guard import ParseLimits
from assistant.parse.structure import slugify
from assistant.sources.base import Connector, SourceUnreadableError
from assistant.sources.models import FailedItem, FailureReason, FetchedItem, KnownItem, Scan, SourceConfig, SyncReport
from assistant.sources.store import SourceStore

logger = logging.getLogger(__name__)

UNSEEN_RUNS_BEFORE_REMOVAL = 2
_MAX_NAME_CHARS = 100
# The parse error's class, as the parse workers name it, to the reason an administrator reads.
_REASONS: dict[str, FailureReason] = {
    "FileTooLargeError": "too_large", "DocumentLimitError": "too_large", "ParseTimeoutError": "timed_out",
    "UnsafeDocumentError": "refused", "ContentMismatchError": "refused", "ParseResourceError": "too_large",
}


def document_name_for(source: str, key: str, suffix: str) -> str:
    """The corpus file name an item becomes: the source's name and a slug of the item's path, so
    items of different sources never collide (``intranat--styrdokument-bostadsprogram.pdf``). A
    slug too long, or a URL with a query, ends in a short hash of the key."""
    parts = urlsplit(key)
    path = parts.path if parts.scheme else key
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    slug = slugify(stem) if stem.strip("/") else "index"
    if parts.query or len(slug) > _MAX_NAME_CHARS:
        slug = f"{slug[:_MAX_NAME_CHARS - 9]}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"
    return f"{source}--{slug}{suffix}"


@dataclass
class _Plan:
    """The difference a scan makes: documents to put and remove, and the items to keep."""

    put: list[tuple[FetchedItem, str]]  # item, its corpus file name
    remove: list[str]  # document ids
    items: dict[str, KnownItem]  # what this run keeps, by key
    known: Mapping[str, KnownItem]  # what the last run kept
    report: SyncReport


class SourceSync:
    """Runs syncs of sources against one backend. ``connector_for`` makes the connector of a
    source (the wiring decides clients and limits); ``limits`` bound each file's parse."""

    def __init__(self, *, store: SourceStore, backend: IndexBackend, connector_for: Callable[[SourceConfig], Connector],
                 limits: ParseLimits, now: Callable[[], dt.datetime] | None = None) -> None:
        self.store = store
        self.backend = backend
        self.connector_for = connector_for
        self.limits = limits
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    def run(self, config: SourceConfig) -> SyncReport:
        """Sync ``config`` now and record the run. The caller holds the store's sync lock. Cost: the
        scan, the parse of what changed, and one index update when anything changed."""
        started = time.monotonic()
        report = SyncReport(source=config.name, started_at=self._stamp())
        known = self.store.items(config.name)
        try:
            scan = self.connector_for(config).scan(known)
            plan = self._plan(config, known, scan, report)
            self._apply(config, plan)
        except (SourceUnreadableError, OSError) as error:
            logger.warning("source %s could not be synced: %s", config.name, error)
            report = report.model_copy(update={"status": "failed", "error": str(error), "added": [], "changed": [],
                                               "renamed": [], "removed": []})
            return self._finish(report, None, started)
        status = "partial" if plan.report.failed else "ok"
        return self._finish(plan.report.model_copy(update={"status": status}), plan.items, started)

    def _finish(self, report: SyncReport, items: Mapping[str, KnownItem] | None, started: float) -> SyncReport:
        report = report.model_copy(update={"finished_at": self._stamp(),
                                           "seconds": round(time.monotonic() - started, 3)})
        self.store.save_run(report, items)
        return report

    def _stamp(self) -> str:
        return self._now().isoformat(timespec="seconds")

    # --- what changed ---------------------------------------------------------------------------

    def _plan(self, config: SourceConfig, known: Mapping[str, KnownItem], scan: Scan, report: SyncReport) -> _Plan:
        plan = _Plan(put=[], remove=[], items={}, known=known, report=report.model_copy(update={
            "requests": scan.requests, "not_modified": scan.not_modified,
            "failed": [_failure(f) for f in scan.failed], "unchanged": len(scan.unchanged)}))
        met = {i.key for i in scan.fetched} | set(scan.unchanged) | set(scan.gone) | {f.key for f in scan.failed}
        # Failed and unchanged items keep what the last sync kept (a failed one keeps serving).
        for key in [*scan.unchanged, *(f.key for f in scan.failed)]:
            if key in known:
                plan.items[key] = replace(known[key], unseen_runs=0)
        leaving = [known[key] for key in scan.gone]
        for key, item in known.items():
            if key in met:
                continue
            if item.unseen_runs + 1 >= UNSEEN_RUNS_BEFORE_REMOVAL:  # not reached twice in a row: taken away
                leaving.append(item)
            else:
                plan.items[key] = replace(item, unseen_runs=item.unseen_runs + 1)
        leaving = [item for item in leaving if item.indexed]
        renamed = self._sort_fetched(config, scan.fetched, plan, leaving)
        plan.remove = [document_id_of(item.document_name) for item in leaving]
        plan.report.removed = [document_id for document_id in plan.remove if document_id not in renamed]
        return plan

    def _sort_fetched(self, config: SourceConfig, fetched: Sequence[FetchedItem], plan: _Plan,
                      leaving: list[KnownItem]) -> set[str]:
        """Sort what was read into unchanged, changed, renamed and new: fills the plan's puts, items
        and report. The ids of documents that leave by a rename."""
        by_digest = {item.digest: item for item in leaving}
        taken = {item.document_name for item in plan.known.values() if item.indexed}
        renamed: set[str] = set()
        for item in fetched:
            before = plan.known.get(item.key)
            before = before if before is not None and before.indexed else None
            if not item.indexed:
                plan.items[item.key] = _known(item, "")
                if before is not None:  # it became navigation (or excluded): its document goes
                    leaving.append(before)
            elif before is not None and before.digest == item.digest:
                plan.items[item.key] = _known(item, before.document_name)  # same bytes: new validators only
                plan.report.unchanged += 1
            elif before is not None:
                plan.put.append((item, before.document_name))
                plan.report.changed.append(document_id_of(before.document_name))
            else:
                name = self._name(config, item, taken)
                taken.add(name)
                plan.put.append((item, name))
                if (old := by_digest.pop(item.digest, None)) is not None:
                    renamed.add(document_id_of(old.document_name))
                    plan.report.renamed.append(f"{document_id_of(old.document_name)} -> {document_id_of(name)}")
                else:
                    plan.report.added.append(document_id_of(name))
        return renamed

    @staticmethod
    def _name(config: SourceConfig, item: FetchedItem, taken: set[str]) -> str:
        name = document_name_for(config.name, item.key, item.suffix)
        if name in taken:  # two paths with the same slug ("a b.pdf", "a-b.pdf")
            stem, suffix = name.rsplit(".", 1)
            name = f"{stem}-{hashlib.sha1(item.key.encode()).hexdigest()[:8]}.{suffix}"
        return name

    # --- applying it ----------------------------------------------------------------------------

    def _apply(self, config: SourceConfig, plan: _Plan) -> None:
        """Parse what is put (failures join the report, and a changed item that fails keeps its
        previous version), then one index change; items are recorded only for what it took."""
        documents = self._parse(config, plan)
        puts = [(name, item.data, documents[name]) for item, name in plan.put if name in documents]
        if puts or plan.remove:
            self.backend.apply_changes(put=puts, remove=plan.remove)
        for item, name in plan.put:
            if name in documents:
                plan.items[item.key] = _known(item, name)
            elif item.key in plan.known:  # kept as it was: tried again next run
                plan.items[item.key] = plan.known[item.key]

    def _parse(self, config: SourceConfig, plan: _Plan) -> dict[str, Document]:
        """Each put item parsed in the isolated workers, by file name; a failure is reported with
        its reason and taken out of the report's added, changed and renamed."""
        if not plan.put:
            return {}
        by_id = {document_id_of(name): (item, name) for item, name in plan.put}
        with tempfile.TemporaryDirectory(prefix="assistant-sync-") as folder:
            for item, name in plan.put:
                (Path(folder) / name).write_bytes(item.data)
            parsed = parse_files([Path(folder) / name for _, name in plan.put], limits=self.limits)
        documents = {}
        for document in parsed.documents:
            item, name = by_id[document.id]
            documents[name] = document.model_copy(update={"access": list(config.groups), "source_url": item.url})
        report = plan.report
        for skipped in parsed.skipped:
            document_id = document_id_of(skipped.name)
            item, _ = by_id[document_id]
            report.failed.append(_failure(FailedItem(item.key, _REASONS.get(skipped.kind, "unreadable"),
                                                     skipped.reason)))
            report.added = [d for d in report.added if d != document_id]
            report.changed = [d for d in report.changed if d != document_id]
            for line in [r for r in report.renamed if r.endswith(f" -> {document_id}")]:
                report.renamed.remove(line)  # the old name went all the same
                report.removed.append(line.split(" -> ")[0])
        return documents


def document_id_of(name: str) -> str:
    """The id of the document a corpus file name gives."""
    return document_id_for(Path(name))


def _known(item: FetchedItem, document_name: str) -> KnownItem:
    return KnownItem(key=item.key, document_name=document_name, digest=item.digest, etag=item.etag,
                     last_modified=item.last_modified, url=item.url, links=item.links)


def _failure(item: FailedItem) -> dict[str, str]:
    return {"key": item.key, "reason": item.reason, "detail": item.detail}
