"""Hooks armed in a child process only, to kill it at a chosen point (tests/faults)."""
