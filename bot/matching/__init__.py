"""Needs and offers that fit: the score (pure) and the matches kept current."""
