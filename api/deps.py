"""Dependencies: the wired ``PolicyAssistant`` lives on ``app.state``; routes ask for it by type."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.facade import PolicyAssistant


def get_assistant(request: Request) -> PolicyAssistant:
    return request.app.state.assistant


AssistantDep = Annotated[PolicyAssistant, Depends(get_assistant)]
