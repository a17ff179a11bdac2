"""Channels translate between the outside world and the inbox/outbox."""
