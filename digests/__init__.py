"""Weekly digests: build, render and enqueue exactly once per subscriber and period."""
