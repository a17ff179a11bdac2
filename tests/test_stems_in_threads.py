"""Word stems are the same whichever thread reads them (processors read in threads)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot.parsing import terms

WORDS = [
    f"{stem}{ending}"
    for stem in (
        "equipamiento",
        "clearance",
        "déminage",
        "victime",
        "assistance",
        "formación",
        "survey",
        "policies",
        "munitions",
        "retenidas",
    )
    for ending in ("", "s", "es", "ment", "ción", "aient", "ing", "ed", "ando", "ité")
] * 8


def test_threads_reading_at_once_get_the_stems_one_thread_gets() -> None:
    unstemmed = terms.stems.__wrapped__  # past the cache, so every call stems again
    alone = [unstemmed(word) for word in WORDS]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda _: [unstemmed(word) for word in WORDS], range(8)))
    assert together == [alone] * 8
