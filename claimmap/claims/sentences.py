"""Exact sentence offsets for claims: syntok, paragraph by paragraph, titles split from leads.

    >>> from claimmap.claims.sentences import split_sentences
    >>> t = "Russians take Novenke\\nRussian forces captured Novenke, the MoD said. It fell."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Russians take Novenke', 'Russian forces captured Novenke, the MoD said.', 'It fell.']

A blank line ends a paragraph. A line that ends without sentence punctuation and is followed by a
line starting with a capital letter is a title (or a dateline, or a list item) and stands alone:
a headline glued to its lead is not one sentence.
"""

from __future__ import annotations

import re

from syntok import segmenter

from claimmap.errors import ClaimInputError

#: A "sentence" longer than this (a scraped page with no full stops) is cut at white space, so the
#: work per place mention stays bounded; no real sentence is this long.
MAX_SENTENCE_CHARS = 2000
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
#: A line with no closing punctuation, then a line that starts like a sentence.
_TITLE_BREAK = re.compile(
    r"(?<=[^\s.!?…:;,\-–—(\[«„“\"'])[^\S\n]*\n(?=[^\S\n]*[\"«“„']?[^\W\d_a-zа-яіїєґё])"
)
_SPACES = re.compile(r"\s*")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Exact ``(start, end)`` offsets of the sentences of ``text`` (whitespace-trimmed).

    >>> t = "Gen. Smith said 213,000 left.\\n\\nThen U.S. troops came."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Gen. Smith said 213,000 left.', 'Then U.S. troops came.']
    """
    return [(s, e) for s, e, _ in sentences(text)]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds = [0, *(i for m in _BLANK_LINE.finditer(text) for i in m.span()), len(text)]
    out: list[tuple[int, int]] = []
    for lo, hi in zip(bounds[::2], bounds[1::2], strict=True):
        m = _TITLE_BREAK.search(text, lo, hi)
        if m is not None and "\n" not in text[lo : m.start()] and _is_title(text, lo, m, hi):
            out.append((lo, m.start()))
            lo = m.end()
        out.append((lo, hi))
    return out


def _is_title(text: str, lo: int, brk: re.Match[str], hi: int) -> bool:
    """Is the first line of a paragraph a title rather than the first line of wrapped text?
    A title is short and either ends on a capitalised word or is shorter than the line after."""
    first = text[lo : brk.start()]
    nxt = text[brk.end() : hi].split("\n", 1)[0]
    last_word = first.split()[-1] if first.split() else ""
    return len(first) <= 200 and (last_word[:1].isupper() or len(nxt) > len(first) + 15)


def sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph number) for each sentence."""
    if not isinstance(text, str):
        raise ClaimInputError(f"split_sentences: expected text as str, got {type(text).__name__}")
    spans: list[tuple[int, int, int]] = []
    # Paragraph by paragraph: syntok slows down quadratically on long documents.
    for para_no, (lo, hi) in enumerate(_paragraphs(text)):
        for paragraph in segmenter.analyze(text[lo:hi]):
            for sentence in paragraph:
                tokens = [t for t in sentence if t.value]  # syntok ends with an empty token
                if not tokens:
                    continue
                start, last = lo + tokens[0].offset, tokens[-1]
                end = lo + last.offset + len(last.value)
                if text[end - len(last.value) : end] != last.value:  # rejoined "hy-\nphen"
                    end = lo + last.offset + len(text[lo + last.offset : hi].split(None, 1)[0])
                spans.append((start, end, para_no))
    # syntok may drop characters between tokens: make each sentence run to the next one.
    fixed: list[tuple[int, int, int]] = []
    for i, (start, end, para) in enumerate(spans):
        stop = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        tail = text[end:stop]
        if tail.strip() and "\n\n" not in tail:
            end = end + len(tail.rstrip())
        while end - start > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
            cut = cut if cut != -1 else start + MAX_SENTENCE_CHARS
            fixed.append((start, cut, para))
            start = _SPACES.match(text, cut).end()  # type: ignore[union-attr]
        fixed.append((start, end, para))
    return fixed
