"""Signed-in users kept in memory, forgotten the moment any user changes.

Loading the viewer was a statement on every request. A trigger on `app_user` announces every
change (`NOTIFY prism_user`, migration 0004); each process listens and drops its whole cache,
so a role change or a deactivation applies at the next request, in every process. While the
listener is not connected, nothing is cached: a change could go unheard.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable

from authz.viewer import Viewer

USER_CHANNEL = "prism_user"
MAX_ENTRIES = 10_000
_ABSENT = object()


class ViewerCache:
    def __init__(self, is_listening: Callable[[], bool]) -> None:
        self._is_listening = is_listening
        self._entries: OrderedDict[str, Viewer | None] = OrderedDict()
        self._generation = 0

    def forget_all(self) -> None:
        self._generation += 1
        self._entries.clear()

    async def get(
        self, external_id: str, load: Callable[[str], Awaitable[Viewer | None]]
    ) -> Viewer | None:
        found = self._entries.get(external_id, _ABSENT)
        if found is not _ABSENT:
            self._entries.move_to_end(external_id)
            return found  # type: ignore[return-value]
        generation = self._generation
        viewer = await load(external_id)
        # A change heard while loading may have been missed by that load: keep nothing then.
        if generation == self._generation and self._is_listening():
            self._entries[external_id] = viewer
            if len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return viewer
