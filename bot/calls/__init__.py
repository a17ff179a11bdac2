"""Calls for information from the secretariat, and the answers they bring."""
