"""What a request is by its path and method: the JSON API or the site, a write or a read."""

from __future__ import annotations

import re

# The JSON API: bearer tokens, no cookies, problem details; everything else is the site.
API_PATHS = r"^/api(?:/|$)"  # a regex, as Litestar's `exclude` options take them
_API = re.compile(API_PATHS)

# Methods that may change something (and carry a body).
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_api_path(path: str) -> bool:
    """`/api` and everything under `/api/`; not `/apiary`."""
    return _API.match(path) is not None
