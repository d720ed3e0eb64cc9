"""The composition root: plugin, CLI, start-up, health, dependencies (may import domains)."""
