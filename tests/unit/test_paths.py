"""The one answer to "is this the JSON API?" used by input limits, CSRF and error pages."""

from __future__ import annotations

import re

import pytest

from app.core.paths import API_PATHS, is_api_path


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/api", True),
        ("/api/", True),
        ("/api/offers/search", True),
        ("/apiary", False),  # startswith("/api") took it for the API
        ("/apis/x", False),
        ("/", False),
        ("/offres", False),
        ("/espace/api", False),
    ],
)
def test_is_api_path(path: str, api: bool) -> None:
    assert is_api_path(path) is api
    # CSRF's exclude list takes the pattern itself: the same answer.
    assert (re.match(API_PATHS, path) is not None) is api
