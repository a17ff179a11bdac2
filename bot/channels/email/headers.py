"""Header fields read as the email package's default policy reads them, the last ones kept.

The default policy parses a header field again each time it is asked for: a message's
Content-Type about fifteen times while it is read (by the parser itself, then for its body and
its attachments), its From once for reading and once more for authentication. Each parse takes
a header value apart by the RFC 5322 grammar, in Python. POLICY asks the same registry, once per
field: the header objects it makes are not changed once made (a `str` with read-only
properties), so one can serve every asker of the same field.
"""

from __future__ import annotations

import email.policy
from email.headerregistry import BaseHeader, HeaderRegistry
from functools import lru_cache
from typing import Any

REMEMBERED = 512  # header fields, whatever message they come from
LONGEST = 2_000  # characters: a longer value is parsed each time, so as not to keep it


class RememberingRegistry:
    """The email package's HeaderRegistry, remembering the fields it parsed last."""

    def __init__(self) -> None:
        self._registry = HeaderRegistry()
        self._remembered = lru_cache(maxsize=REMEMBERED)(self._registry.__call__)

    def __call__(self, name: str, value: Any) -> BaseHeader:
        if isinstance(value, str) and len(value) <= LONGEST:
            return self._remembered(name, value)  # type: ignore[no-any-return]
        return self._registry(name, value)  # type: ignore[no-any-return]

    def __getitem__(self, name: str) -> type[BaseHeader]:
        return self._registry[name]  # type: ignore[no-any-return]


POLICY = email.policy.default.clone(header_factory=RememberingRegistry())
