"""Meilisearch: index settings, documents, filters, sync and reindex. Knows nothing of HTTP."""
