from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from banshi.orgs.auth import api_token_issue
from banshi.orgs.models import Person


class Api:
    """A JSON client acting as one person through a real API token."""

    def __init__(self, client: Client, person: Person) -> None:
        self.client = client
        self.auth = f"Bearer {api_token_issue(person)}"

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=self.auth)

    def post(self, path: str, body: Any = None, **headers: str):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        return self.client.post(f"/api/v1{path}", body if body is not None else {}, content_type="application/json",
                                HTTP_AUTHORIZATION=self.auth, **extra)


@pytest.fixture
def api_as(client: Client) -> Callable[[Person], Api]:
    return lambda person: Api(client, person)
