"""The kinds and statuses of records: plain names, importable without SQLAlchemy."""

from __future__ import annotations

NEED, OFFER = "need", "offer"
ENDORSEMENT = "awaiting_endorsement"  # a need sent on behalf of a state, until the state agrees
PENDING, PUBLISHED, REJECTED = "pending", "published", "rejected"
WITHDRAWN, FULFILLED, EXPIRED = "withdrawn", "fulfilled", "expired"
STATUSES = (ENDORSEMENT, PENDING, PUBLISHED, REJECTED, WITHDRAWN, FULFILLED, EXPIRED)
OPEN = (ENDORSEMENT, PENDING, PUBLISHED)
PREFIX = {NEED: "N", OFFER: "O"}
