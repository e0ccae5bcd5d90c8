"""Pieces shared by the API routers: error bodies, pagination, and the security note."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[dict]


# Any call may carry an invalid token (401) or malformed parameters (422).
COMMON_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 422: ValidationErrorOut}
NOT_FOUND: dict[int, type[Schema]] = {404: ErrorOut}

# Public reads: anonymous calls are allowed, and a token, when sent, must be valid.
# OpenAPI says "optional" with an empty requirement next to the scheme.
PUBLIC = {"security": [{}, {"OptionalBearer": []}]}

# PostgreSQL refuses NUL characters in text: such input is invalid (422), not a 500.
NO_NUL = r"^[^\x00]*$"

MAX_PAGE = 100_000


class Pagination(PageNumberPagination):
    """Page-number pagination (50 per page, `page_size` up to 500) with a bounded page
    number, so that an absurd page gives a 422 rather than an integer overflow in SQL."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
