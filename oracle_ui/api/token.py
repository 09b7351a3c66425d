"""Who is calling: the bearer token of a request, resolved to a principal (401 without one, 429 while locked)."""

from __future__ import annotations

import math

from fastapi import HTTPException, Request

from ..security.access import Access, bearer_token
from ..security.accounts import Principal


def token_principal(access: Access, request: Request) -> Principal:
    """The caller named by the request's bearer token; 401 without a valid one, 429 while the client is locked
    out."""
    client = request.client.host if request.client else 'unknown'
    if (wait := access.throttle.retry_after(client)) > 0:
        raise HTTPException(
            429, f'too many failed attempts; retry in {wait:.0f} s', headers={'Retry-After': str(math.ceil(wait))}
        )
    who = access.authenticate(bearer_token(request.headers.get('authorization')), client)
    if who is None:
        raise HTTPException(401, 'missing or invalid bearer token', headers={'WWW-Authenticate': 'Bearer'})
    return who
