"""Business minutes until the shared business calendar (`domain.calendar`, issue 10) is merged:
09:00–18:00 Asia/Shanghai, Monday to Friday. Holidays and 调休 come with that calendar; this
module only keeps lead routing working on its own branch.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENS, CLOSES = time(9), time(18)


def add_working_minutes(start: datetime, minutes: int) -> datetime:
    """`start` plus `minutes` of working time (weekdays 09:00–18:00 in Shanghai)."""
    at = start.astimezone(SHANGHAI)
    left = timedelta(minutes=minutes)
    while True:
        day_open = datetime.combine(at.date(), OPENS, SHANGHAI)
        day_close = datetime.combine(at.date(), CLOSES, SHANGHAI)
        if at.weekday() >= 5 or at >= day_close:
            at = datetime.combine(at.date() + timedelta(days=1), OPENS, SHANGHAI)
            continue
        at = max(at, day_open)
        if at + left <= day_close:
            return (at + left).astimezone(start.tzinfo)
        left -= day_close - at
        at = day_close
