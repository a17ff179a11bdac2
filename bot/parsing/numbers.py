"""Small numbers and ordinals written in words, in English, French and Spanish ("dix-huit")."""

from __future__ import annotations

import re

from bot.parsing.months import plain

_UNITS = {
    "en": "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty",
    "fr": "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
    "seize dix-sept dix-huit dix-neuf vingt",
    "es": "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciseis diecisiete dieciocho diecinueve veinte",
}
_MORE = {
    "une": 1,
    "una": 1,
    "twenty-one": 21,
    "twenty-two": 22,
    "twenty-three": 23,
    "twenty-four": 24,
    "vingt-et-un": 21,
    "vingt-deux": 22,
    "vingt-trois": 23,
    "vingt-quatre": 24,
    "veintiuno": 21,
    "veintiun": 21,
    "veintiuna": 21,
    "veintidos": 22,
    "veintitres": 23,
    "veinticuatro": 24,
    "dix-huit": 18,
}
NUMBER_WORDS: dict[str, int] = {
    **{word: n for words in _UNITS.values() for n, word in enumerate(words.split(), start=1)},
    **_MORE,
}
ORDINAL_WORDS = {
    **dict.fromkeys(("first", "premier", "premiere", "primer", "primero", "primera"), 1),
    **dict.fromkeys(("second", "seconde", "deuxieme", "segundo", "segunda"), 2),
    **dict.fromkeys(("third", "troisieme", "tercer", "tercero", "tercera"), 3),
    **dict.fromkeys(("fourth", "quatrieme", "cuarto", "cuarta"), 4),
}
# "1st", "2nd", "1er", "1re", "2e", "2ème", "3º", "1ª", "2°", "1o": a digit and an ordinal ending.
ORDINAL_DIGITS = re.compile(r"(\d{1,2})(?:st|nd|rd|th|er|re|eme|e|o|a|º|ª|°)")


_COMPOUND = re.compile(
    r"\b(?:"
    + "|".join(
        r"[ -]+".join(map(re.escape, word.split("-")))
        for word in sorted(NUMBER_WORDS, key=len, reverse=True)
        if "-" in word
    )
    + r")\b"
)
_SEPARATORS = re.compile(r"[ -]+")


def joined(text: str) -> str:
    """Plain text with compound number words made one word ("vingt et un" → "vingt_et_un")."""
    return _COMPOUND.sub(lambda m: _SEPARATORS.sub("_", m.group()), plain(text))


def number(word: str) -> int | None:
    """1..24 written in words ("eighteen", "dix_huit", "veinticuatro") or in digits."""
    word = word.replace("_", "-")
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def ordinal(word: str) -> int | None:
    """1..4 as an ordinal: "second", "2e", "2nd", "segundo", "1er", "3º"."""
    match = ORDINAL_DIGITS.fullmatch(word)
    if match:
        return int(match.group(1))
    return ORDINAL_WORDS.get(word)
