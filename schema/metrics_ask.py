"""The `metrics`/`funnel` arguments as the plain question the application answers
(`persistence.metrics.MetricsAsk`); a bad ID, a naive time or an empty period is the client's
to fix (BAD_USER_INPUT)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.errors import BadInput
from domain.metrics import Dimension, Kpi
from persistence.metrics import MetricsAsk
from schema.filters import _instant
from schema.ids import decode_id_of

#: More dimensions than this make groups of one record: a listing, not a figure.
MAX_DIMENSIONS = 4
#: IDs a filter may name, as `nodes(ids:)` takes.
MAX_IDS = 100


def ask_of(kpis: Sequence[Kpi], group_by: Sequence[Dimension], filter_: Any) -> MetricsAsk:
    dims = tuple(dict.fromkeys(Dimension(d) for d in group_by))
    if len(dims) > MAX_DIMENSIONS:
        raise BadInput(f"`groupBy` takes at most {MAX_DIMENSIONS} dimensions", "groupBy")
    values: dict[str, Any] = {}
    if filter_ is not None:
        start = _instant(filter_.from_, "filter.from") if filter_.from_ is not None else None
        end = _instant(filter_.to, "filter.to") if filter_.to is not None else None
        if start is not None and end is not None and end < start:
            raise BadInput("`filter.to` must not be before `filter.from`", "filter.to")
        values.update(start=start, end=end)
        if filter_.regions is not None:
            values["regions"] = tuple(r.value for r in filter_.regions)
        for name, type_name, field in (
            ("owner_ids", "User", "filter.ownerIds"),
            ("partner_ids", "Partner", "filter.partnerIds"),
        ):
            ids = getattr(filter_, name)
            if ids is not None and len(ids) > MAX_IDS:
                raise BadInput(f"`{field}` may hold at most {MAX_IDS} IDs", field)
            if ids is not None:
                values[name] = tuple(decode_id_of(i, type_name, field) for i in ids)
    return MetricsAsk(kpis=tuple(dict.fromkeys(Kpi(k) for k in kpis)), group_by=dims, **values)
