"""Benchmarks: realistic seeded data (generate.py), then figures and ratios, not pass/fail."""
