"""The schema of a request without sign-in: only what a survey page needs.

An anonymous request may run exactly `submitSurvey` (the token is its authority); anything else
without a token is UNAUTHENTICATED, as before (see `prism.public`).
"""

from __future__ import annotations

from functools import cache

import strawberry

from schema.build import CachedNameConverter
from schema.surveys import SubmitSurveyMutation


@strawberry.type(description="Without sign-in, nothing can be read.")
class PublicQuery:
    @strawberry.field(
        description="Always false here: send `Authorization: Bearer <token>` to read data."
    )
    def signed_in(self) -> bool:
        return False


@strawberry.type(description="What can be done without sign-in: answer a survey.")
class PublicMutation(SubmitSurveyMutation):
    pass


@cache
def build_public_schema() -> strawberry.Schema:
    from strawberry.schema.config import StrawberryConfig

    return strawberry.Schema(
        query=PublicQuery,
        mutation=PublicMutation,
        config=StrawberryConfig(name_converter=CachedNameConverter()),
    )
