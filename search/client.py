"""The one Meilisearch client of a process, with the index names it uses."""

from __future__ import annotations

from dataclasses import dataclass

from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.index import AsyncIndex

from search.indexes import META, IndexSpec


@dataclass
class SearchEngine:
    """A Meilisearch client and the prefix of this deployment's index names."""

    client: AsyncClient
    prefix: str = ""

    def uid(self, spec: IndexSpec | str) -> str:
        name = spec if isinstance(spec, str) else spec.name
        return f"{self.prefix}{name}"

    def index(self, spec: IndexSpec | str) -> AsyncIndex:
        return self.client.index(self.uid(spec))

    @property
    def meta_uid(self) -> str:
        return self.uid(META)

    async def close(self) -> None:
        await self.client.aclose()


def open_engine(url: str, key: str, prefix: str = "", timeout: float = 10.0) -> SearchEngine:
    return SearchEngine(AsyncClient(url, key, timeout=int(timeout)), prefix)
