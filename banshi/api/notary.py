"""/api/v1/… endpoints of the notary matters (opening them; their steps are the generated case actions)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["notary"])
