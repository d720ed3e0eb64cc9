"""Worker tests use the worker, SMTP and link helpers of tests/integration/conftest.py."""

from tests.integration.conftest import RunWorker, link, listed_titles

__all__ = ["RunWorker", "link", "listed_titles"]
