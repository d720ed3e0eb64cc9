"""What every domain shares: clock, errors, pagination, the core plugin."""
