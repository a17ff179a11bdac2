"""Commands: one module per command word."""
