"""DataLoaders, created per request: one batched, scoped statement per shape, never per row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import Row

from persistence import computed, reads, timeline
from persistence.access import Access
from persistence.listing import SPECS
from persistence.pagination import Direction, Page, PageArgs
from persistence.session import Database

K = TypeVar("K")
V = TypeVar("V")


def freeze(filters: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A hashable form of filter values, so equal arguments share one loader."""
    return tuple(
        sorted(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in filters.items() if v is not None
        )
    )


class Loaders:
    def __init__(self, db: Database, access: Access) -> None:
        self.db = db
        self.access = access
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}

    def _get(
        self,
        key: Hashable,
        batch: Callable[[Sequence[K]], Awaitable[Mapping[K, V]]],
        default: Any = None,
    ) -> DataLoader[K, V]:
        loader = self._loaders.get(key)
        if loader is None:

            async def load_many(keys: list[K]) -> list[V]:
                found = await batch(keys)
                return [found.get(k, default) for k in keys]

            loader = DataLoader(load_many, max_batch_size=1000)
            self._loaders[key] = loader
        return loader

    def node(self, type_name: str) -> DataLoader[int, Row[Any] | None]:
        """`<Type>ById`: rows of the viewer's slice; ids outside it load as None."""

        async def batch(ids: Sequence[int]) -> Mapping[int, Row[Any]]:
            async with self.db.connection() as conn:
                return await reads.by_ids(conn, SPECS[type_name], self.access.read(type_name), ids)

        return self._get(("node", type_name), batch)

    def children(
        self,
        type_name: str,
        parent_column: str,
        filters: Mapping[str, Any],
        order: tuple[str | None, Direction | None],
        args: PageArgs,
    ) -> DataLoader[int, Page]:
        """`<Type>PageBy<Parent>`: one page of children per parent id."""

        async def batch(parent_ids: Sequence[int]) -> Mapping[int, Page]:
            async with self.db.connection() as conn:
                return await reads.child_pages(
                    conn,
                    SPECS[type_name],
                    self.access.read(type_name),
                    parent_column,
                    parent_ids,
                    filters,
                    order,
                    args,
                )

        return self._get(
            ("children", type_name, parent_column, freeze(filters), order, args), batch
        )

    def child_count(
        self, type_name: str, parent_column: str, filters: Mapping[str, Any]
    ) -> DataLoader[int, int]:
        async def batch(parent_ids: Sequence[int]) -> Mapping[int, int]:
            async with self.db.connection() as conn:
                return await reads.child_counts(
                    conn,
                    SPECS[type_name],
                    self.access.read(type_name),
                    parent_column,
                    parent_ids,
                    filters,
                )

        return self._get(("count", type_name, parent_column, freeze(filters)), batch, 0)

    def feed(self, type_name: str, name: str, args: PageArgs) -> DataLoader[int, Page]:
        """One page of the feed `type_name.name` (`Customer.timeline`) per parent id."""
        sql = computed.feed(type_name, name)

        async def batch(parent_ids: Sequence[int]) -> Mapping[int, Page]:
            async with self.db.connection() as conn:
                return await timeline.pages(conn, self.access, sql, parent_ids, args)

        return self._get(("feed", type_name, name, args), batch)

    def feed_count(self, type_name: str, name: str) -> DataLoader[int, int]:
        sql = computed.feed(type_name, name)

        async def batch(parent_ids: Sequence[int]) -> Mapping[int, int]:
            async with self.db.connection() as conn:
                return await timeline.counts(conn, self.access, sql, parent_ids)

        return self._get(("feed_count", type_name, name), batch, 0)

    def aggregate(self, type_name: str, name: str) -> DataLoader[int, Any]:
        """The aggregate `type_name.name` (`Customer.lifetimeValue`) per parent id, over the
        rows the viewer may see; its `zero` where there are none."""
        sql = computed.aggregate(type_name, name)

        async def batch(parent_ids: Sequence[int]) -> Mapping[int, Any]:
            async with self.db.connection() as conn:
                scope = self.access.read(sql.type_name)
                return await computed.aggregates(conn, sql, scope, parent_ids)

        return self._get(("aggregate", type_name, name), batch, sql.zero)
