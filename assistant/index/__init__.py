"""Index step: chunk store (SQLite), vectors (FAISS), lexical BM25, versions on disk."""
