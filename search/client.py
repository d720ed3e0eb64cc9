"""The one Meilisearch client of a process, with the index names it uses."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx2
import msgspec
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchError,
)
from meilisearch_python_sdk.index import AsyncIndex
from meilisearch_python_sdk.json_handler import BuiltinHandler

from search._http import Answer, LeanClient
from search.indexes import META, IndexSpec

# Meilisearch compresses its answers when asked to, and httpx asks by default (gzip,
# deflate): between processes of one machine or one network that costs far more time than it
# saves (a search answered in 10 ms took 48 ms compressed). Every call asks for none.
HEADERS = {"Accept-Encoding": "identity"}

# Meilisearch's error codes for a key it refuses (wrong, revoked, expired) or that is absent.
AUTH_ERRORS = frozenset(
    {"invalid_api_key", "missing_authorization_header", "invalid_api_key_expired"}
)

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


class MsgspecJson(BuiltinHandler):
    """The SDK's JSON (documents sent, tasks read) through msgspec, several times json's speed."""

    @staticmethod
    def dumps(obj: Any) -> str:
        return _encoder.encode(obj).decode()

    @staticmethod
    def dump_bytes(obj: Any) -> bytes:
        return _encoder.encode(obj)

    @staticmethod
    def loads(json_string: str | bytes | bytearray) -> Any:
        return _decoder.decode(json_string)


@dataclass
class SearchEngine:
    """A Meilisearch client and the prefix of this deployment's index names.

    `client` (the SDK) serves every call but the searches, which go through `searches`.
    """

    client: AsyncClient
    searches: LeanClient
    prefix: str = ""

    def uid(self, spec: IndexSpec | str) -> str:
        name = spec if isinstance(spec, str) else spec.name
        return f"{self.prefix}{name}"

    def index(self, spec: IndexSpec | str) -> AsyncIndex:
        return self.client.index(self.uid(spec))

    @property
    def meta_uid(self) -> str:
        return self.uid(META)

    async def check_indexes(self, uids: Iterable[str]) -> str | None:
        """None when Meilisearch accepts this client's key and holds every index named, else
        the reason: "invalid API key", "does not answer", "index <uid> missing" (each missing
        one, joined by "; "), or the HTTP status and Meilisearch's code.

        An authenticated call per index: Meilisearch's /health answers without a key.
        """
        problems = await asyncio.gather(*(self._index_problem(uid) for uid in uids))
        # A wrong key or an engine that does not answer is the same for every index: say it once.
        return "; ".join(dict.fromkeys(p for p in problems if p is not None)) or None

    async def _index_problem(self, uid: str) -> str | None:
        try:
            await self.client.get_index(uid)  # GET /indexes/{uid}; an error answer raises
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return f"index {uid} missing"
            if exc.code in AUTH_ERRORS or exc.status_code in (401, 403):
                return "invalid API key"
            return f"HTTP {exc.status_code}" + (f" ({exc.code})" if exc.code else "")
        except MeilisearchError:  # no connection, or no answer in time
            return "does not answer"
        except Exception as exc:  # any failure means "not ready"; the reason is reported
            return f"{type(exc).__name__}: {exc}"
        return None

    async def multi_search(self, queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """POST /multi-search: each query's result as Meilisearch wrote it (camelCase keys)."""
        answer = await self._post("multi-search", {"queries": queries})
        results: list[dict[str, Any]] = answer["results"]
        return results

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        """The decoded answer; the SDK's own errors when there is none or it is an error."""
        try:
            answer = await self.searches.post(path, _encoder.encode(body))
        except (OSError, TimeoutError) as exc:
            raise MeilisearchCommunicationError(f"{type(exc).__name__}: {exc}") from exc
        if answer.status >= 300:
            raise _api_error(path, answer)
        return _decoder.decode(answer.body)

    async def close(self) -> None:
        await self.searches.aclose()
        await self.client.aclose()


def _api_error(path: str, answer: Answer) -> MeilisearchApiError:
    response = httpx2.Response(
        answer.status, content=answer.body, headers={"content-type": answer.content_type}
    )
    return MeilisearchApiError(f"POST {path}: HTTP {answer.status}", response)


def open_engine(url: str, key: str, prefix: str = "", timeout: float = 10.0) -> SearchEngine:
    client = AsyncClient(
        url, key, timeout=int(timeout), custom_headers=HEADERS, json_handler=MsgspecJson()
    )
    headers = {"Authorization": f"Bearer {key}", **HEADERS} if key else dict(HEADERS)
    return SearchEngine(client, LeanClient(url, headers, timeout), prefix)
