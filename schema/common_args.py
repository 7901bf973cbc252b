"""Argument types shared by connections."""

from __future__ import annotations

from typing import Annotated

import strawberry

First = Annotated[
    int | None, strawberry.argument(description="Return the first n nodes (at most 100).")
]
After = Annotated[str | None, strawberry.argument(description="Return nodes after this cursor.")]
Last = Annotated[
    int | None, strawberry.argument(description="Return the last n nodes (at most 100).")
]
Before = Annotated[str | None, strawberry.argument(description="Return nodes before this cursor.")]
