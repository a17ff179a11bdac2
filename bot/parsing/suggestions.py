""" "Did you mean …?": the known words closest to a value we do not know (rapidfuzz)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.parsing.normalise import fold

log = logging.getLogger(__name__)

# token_sort_ratio: the Indel similarity (0-100) of the two texts, folded, with their words in
# order. 80 is about one wrong letter in five ("clearence" 89, "demning" 93, "IMSM" 89, "EOR" 86,
# "survey technical" 100), while unrelated words stay far below it ("knitting" 53, "hugs" 57,
# "mine awarness" 74 against "risk awareness"). A second choice is offered only when it is
# almost as close as the first (within MARGIN), and at most LIMIT of them.
CUTOFF = 80
MARGIN = 10
LIMIT = 3


@dataclass(frozen=True)
class Choices:
    """Every word a field knows, folded → (the word as written, the value it stands for)."""

    words: Mapping[str, tuple[str, str]]
    keys: tuple[str, ...] = ()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Choices:
        words: dict[str, tuple[str, str]] = {}
        for word, value in pairs:
            if len(fold(word)) > 1:
                words.setdefault(fold(word), (word, value))
        return cls(words, tuple(words))

    def closest(self, text: str) -> tuple[str, ...]:
        """The known words closest to `text`, best first, one per value; () when none is close."""
        found = process.extract(
            fold(text),
            self.keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=CUTOFF,
            limit=20,
        )
        best = found[0][1] if found else 0
        chosen: dict[str, str] = {}
        for key, score, _ in found:
            word, value = self.words[key]
            if score >= best - MARGIN and value not in chosen and len(chosen) < LIMIT:
                chosen[value] = word
        log.debug("suggestions for %r: %s", text, list(chosen.values()))
        return tuple(chosen.values())
