"""Failures persistence reports to callers; each maps to a client-facing code upstream.

`BadInput` is the domain's (a global ID is decoded beneath persistence too); it is named here as
well because persistence raises it for cursors, page sizes and filter values.
"""

from __future__ import annotations

from domain.errors import BadInput

__all__ = ["BadInput"]
