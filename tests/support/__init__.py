"""Test-only helpers: the fake OpenAI-compatible HTTP server (never shipped in the wheel)."""
