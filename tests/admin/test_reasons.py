"""The library's reasons in the console's Swedish: the common ones by pattern, whole; any other
one as the library wrote it; English pages unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from api.admin.reasons import reason_in
from assistant.errors import DocumentNotFoundError
from assistant.jobs import Job, JobRunningError
from assistant.parse import ParseError
from assistant.parse.guard import ParseLimits, check_upload
from assistant.sources.manager import SourceNotFoundError


def raised(action: object) -> str:
    with pytest.raises(Exception) as caught:
        action()  # type: ignore[operator]
    return str(caught.value)


def test_a_refused_upload_is_said_in_swedish() -> None:
    too_large = raised(lambda: check_upload(b"x" * 2048, suffix=".pdf", limits=ParseLimits(max_bytes=1024)))
    assert reason_in("sv", too_large).startswith("filen är större än ")
    assert reason_in("sv", raised(lambda: check_upload(b"x", suffix=".exe", limits=ParseLimits()))) == (
        "filtypen '.exe' stöds inte")


def test_refused_changes_are_said_in_swedish() -> None:
    assert reason_in("sv", str(DocumentNotFoundError("plan-2024"))) == "inget dokument har id 'plan-2024'"
    assert reason_in("sv", str(SourceNotFoundError("no source named 'delad'"))) == "ingen källa heter 'delad'"
    running = Job(number=1, kind="sync", target="delad", started_at=dt.datetime.now(dt.UTC), started_by="skript")
    assert reason_in("sv", str(JobRunningError(running))) == (
        "ett annat jobb pågår (sync delad, startat av skript); försök igen när det är klart")


def test_an_unknown_reason_and_every_english_one_are_left_as_written() -> None:
    odd = str(ParseError("the spreadsheet has 40 hidden sheets"))
    assert reason_in("sv", odd) == odd
    assert reason_in("en", "the file is empty") == "the file is empty"
    assert reason_in("sv", "the file is empty and more") == "the file is empty and more"  # matched whole only
