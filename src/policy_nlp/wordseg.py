"""Chinese word segmentation for the lexical index (jieba), the same for passages and queries.

SQLite's unicode61 tokenizer and PostgreSQL's parser make one token of a whole run of Chinese
characters, so bm25 only matched whole runs ("人才" found nothing inside "高端人才短缺问题"). The
index therefore holds Chinese passages with words separated by spaces, and queries are cut the
same way; the stored passage text is left as printed.

- Passages are cut into words and every dictionary word inside a longer one is added (工业互联网平台
  -> 工业 互联 联网 互联网 工业互联网 平台 工业互联网平台; jieba's own search mode adds only the
  two- and three-character ones), queries in jieba's precise mode: a query word then finds passages
  where it stands alone and where it is part of a longer word.
- Figures (5.72, 16.55%, 4,755,785.11) are cut out before jieba sees the text and kept whole.
- A domain word list (models/zh_words.txt: 5G基站, 工业互联网, 专精特新 ...) is added to jieba's
  dictionary, so such terms stay one word.
- jieba's dictionary takes ~0.5 s to load: it is loaded once per process, on the first Chinese
  text (an English library never loads it), in a private Tokenizer so no other user of jieba
  sees our words.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from .language import has_han

# A figure as printed: digits with decimal or thousands separators, an optional percent sign.
# Not a figure glued to Latin letters: the 5 of 5G stays with its word.
_NUMBER = re.compile(r"(?<![A-Za-z\d])\d+(?:[.,，．]\d+)*(?:\s*[%％])?(?![A-Za-z\d])")
_WORD = re.compile(r"\w", re.UNICODE)
# Function words that match most Chinese passages: dropped from queries (like English stopwords).
QUERY_STOPWORDS = frozenset("的 了 和 与 及 在 是 等 对 为 将 以 并 或 而 其 之 于 也 把 被 从 由 向 就 都 有 中 上 下".split())
_LOCK = threading.Lock()


def words_file():
    from .config import models_dir

    return models_dir() / "zh_words.txt"


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """The words of models/zh_words.txt (one a line, '#' comments)."""
    path = words_file()
    if not path.exists():
        return ()
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return tuple(words)


_TOKENIZER = None


def tokenizer():
    """jieba's tokenizer with the domain words, built on first use (thread-safe, once)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for word in domain_words():
                    # a high frequency: the domain word wins over a cut into its parts
                    tk.add_word(word, freq=max(tk.suggest_freq(word, tune=False), 10_000))
                _TOKENIZER = tk
    return _TOKENIZER


def loaded() -> bool:
    """Whether jieba has been loaded in this process (tests check that English text never loads it)."""
    return _TOKENIZER is not None


def _with_inner_words(words, freq) -> list[str]:
    """Each word, preceded by the dictionary words inside it (two characters or more)."""
    out: list[str] = []
    for word in words:
        n = len(word)
        if n > 2:
            out += [word[i:j] for size in range(2, n) for i in range(n - size + 1)
                    for j in (i + size,) if freq.get(word[i:j])]
        out.append(word)
    return out


def _pieces(text: str, search: bool) -> list[str]:
    tk = tokenizer()
    if search:
        def cut(part):
            return _with_inner_words(tk.cut(part), tk.FREQ)
    else:
        cut = tk.cut
    out: list[str] = []
    last = 0
    for match in _NUMBER.finditer(text):
        out += cut(text[last:match.start()])
        out.append(re.sub(r"\s+", "", match.group(0)))
        last = match.end()
    out += cut(text[last:])
    return [w.strip() for w in out if _WORD.search(w)]


def index_text(text: str) -> str:
    """What the lexical index holds for a Chinese passage: its words separated by spaces."""
    return " ".join(_pieces(text, search=True))


def query_words(text: str) -> list[str]:
    """A query's words (precise mode), Chinese function words dropped unless nothing else is left;
    text without Chinese characters is not cut (returned as one piece, for the usual tokenizer)."""
    if not has_han(text):
        return [text]
    words = _pieces(text, search=False)
    return [w for w in words if w not in QUERY_STOPWORDS] or words


def fts_text(text: str, language: str) -> str | None:
    """The text the lexical index takes instead of the passage's own, or None when it is the same
    (English passages: nothing is cut, so their index and bm25 scores stay as they were)."""
    if language != "zh" or not has_han(text):
        return None
    return index_text(text)
