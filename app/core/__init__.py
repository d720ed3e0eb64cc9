"""The kernel every domain shares: clock, errors, pagination, text, signing (imports no domain)."""
