from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import World


@pytest.fixture
def token(world: World, client: Client) -> str:
    r = client.post("/api/v1/auth/token", {"username": "operator", "password": "banshi-test-123"}, content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()["token"]


def test_openapi_served(client: Client) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/cases" in r.json()["paths"]


def test_create_case_returns_tracking_code(world: World, client: Client, token: str) -> None:
    r = client.post(
        "/api/v1/cases",
        {"type": "help", "channel": "hotline_12345", "content": "楼道灯坏了", "citizen_phone": "13812345678"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "registered"
    assert body["citizen"]["phone"] == "138****5678"
    assert len(body["tracking_code"]) == 10
