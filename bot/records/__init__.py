"""Needs and offers: created, changed, reviewed, renewed, withdrawn, and shown."""
