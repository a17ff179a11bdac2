"""Benchmarks of the portal's cost as its work grows, each against a baseline of the same run.

Run them all with `make bench` (or `python -m bench`), or one at a time with
`python -m bench.intake`, `bench.matching`, `bench.digests`, `bench.parser`. They print a
table; they are never timed assertions in tests. PERFORMANCE.md has the results.
"""
