"""A LangChain ``BaseRetriever`` over ``PolicyAssistant.search``, so the index plugs into LangChain
chains (``retriever | format_docs | prompt | llm``). LangChain types stay inside this module.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LangChainDocument
from langchain_core.retrievers import BaseRetriever

from assistant.models import Filters


class PolicyRetriever(BaseRetriever):
    """Returns one LangChain document per hit: ``page_content`` is the hit's text, ``metadata``
    every other ``Hit`` field (chunk id, document, title, municipality, section, score, offsets).

    ``assistant`` is a ``PolicyAssistant`` (typed loosely: it is not a pydantic model).
    """

    assistant: Any
    k: int = 5
    municipality: str | None = None
    document_id: str | None = None
    viewer: Any = None  # an ``assistant.access.Viewer``: the documents the caller may see (None: all)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LangChainDocument]:
        filters = Filters(municipality=self.municipality, document_id=self.document_id)
        hits = self.assistant.search(query, k=self.k, filters=filters, viewer=self.viewer)
        return [LangChainDocument(page_content=hit.text, metadata=hit.model_dump(exclude={"text"}))
                for hit in hits]
