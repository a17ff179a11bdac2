"""Need or offer: the words that name a kind, and the kind a subject or a note says."""

from __future__ import annotations

from bot.parsing import prose
from bot.parsing.normalise import fold
from bot.parsing.subjects import without_prefixes

KINDS = ("need", "offer")
KIND_WORDS = {
    "need": "need",
    "needs": "need",
    "besoin": "need",
    "besoins": "need",
    "necesidad": "need",
    "necesidades": "need",
    "offer": "offer",
    "offers": "offer",
    "offre": "offer",
    "offres": "offer",
    "oferta": "offer",
    "ofertas": "offer",
}


def kind_said(subject: str, note: str) -> str | None:
    """The subject's first word (NEED, Oferta…); else what the subject and the writer's words
    outside the fields say ("Request for…", "Nous proposons…") when they speak of one kind
    only; else None. A Description's text is not given here: "the survivors need…" is what an
    offer is for."""
    subject = without_prefixes(subject)
    words = fold(subject).split()
    kind = KIND_WORDS.get(words[0]) if words else None
    if kind is None:
        folded = fold(subject + "\n" + note)
        said = {k for k in KINDS if prose.count_phrases(folded, _cues(k))}
        kind = said.pop() if len(said) == 1 else None
    return kind


def _cues(kind: str) -> tuple[str, ...]:
    """The phrases that say a kind ("request for", "nous proposons"), less the bare kind words:
    "a question about needs" asks nothing."""
    return tuple(p for p in prose.phrases(kind) if p not in KIND_WORDS)
