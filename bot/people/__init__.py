"""Focal points, the secretariat and subscribers: registration, links, personal data."""
