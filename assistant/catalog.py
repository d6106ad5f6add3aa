"""Facts about documents that the index does not hold: where each one comes from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from assistant.models import DocumentInfo
from assistant.sources.store import SourceStore


def origins(document_ids: Sequence[str], *, documents: Mapping[str, DocumentInfo], sources: SourceStore,
            corpus_dir: Path, uploads_dir: Path) -> dict[str, str]:
    """Where each document comes from: ``source:<name>`` (a synced folder or website), ``corpus``
    (the shipped folder, not replaced by an upload) or ``upload``. Cost: one query per source and a
    ``stat`` or two per id."""
    synced = {item.document_name: config.name for config in sources.all()
              for item in sources.items(config.name).values() if item.indexed}
    found = {}
    for document_id in document_ids:
        info = documents.get(document_id)
        name = Path(info.source_path).name if info is not None else ""
        if name in synced:
            found[document_id] = f"source:{synced[name]}"
        elif name and (corpus_dir / name).is_file() and not (uploads_dir / name).is_file():
            found[document_id] = "corpus"
        else:
            found[document_id] = "upload"
    return found
