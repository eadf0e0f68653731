"""Sign-in with lockout after repeated failures, and API tokens. Web and API both call these."""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from datetime import datetime, timedelta

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.core.audit import audit_write
from banshi.core.errors import PermissionDenied, RateLimited
from banshi.orgs.models import ApiToken, Person

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


def person_sign_in(*, username: str, password: str, ip: str | None = None, now: datetime | None = None) -> Person:
    now = now or timezone.now()
    person = Person.objects.filter(username=username).first()
    if person is not None and person.locked_until and person.locked_until > now:
        audit_write(actor_id=person.pk, action="login_locked", ip=ip, at=now)
        raise RateLimited(_("登录失败次数过多，账号已临时锁定，请15分钟后再试。"), code="locked")
    user = authenticate(username=username, password=password)
    if user is None:
        if person is not None:
            person.failed_logins += 1
            if person.failed_logins >= MAX_FAILURES:
                person.locked_until, person.failed_logins = now + LOCKOUT, 0
            person.save(update_fields=["failed_logins", "locked_until"])
            audit_write(actor_id=person.pk, action="login_failed", ip=ip, at=now)
        raise PermissionDenied(_("用户名或密码不正确。"), code="bad_credentials")
    assert isinstance(user, Person)
    if user.failed_logins or user.locked_until:
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["failed_logins", "locked_until"])
    audit_write(actor_id=user.pk, action="login", ip=ip, at=now)
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(person: Person, name: str = "api") -> str:
    key = "bs_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(person=person, name=name[:80], key_hash=_hash(key))
    return key


# token hash → (monotonic time, person): a revoked token or deactivated person stops working
# within TOKEN_CACHE_SECONDS on every server process.
_token_cache: dict[str, tuple[float, Person]] = {}
TOKEN_CACHE_SECONDS = 30.0


def api_token_person(key: str) -> Person | None:
    if not key or len(key) > 200:
        return None
    digest = _hash(key)
    hit = _token_cache.get(digest)
    if hit is not None and time.monotonic() - hit[0] < TOKEN_CACHE_SECONDS:
        return copy.copy(hit[1])  # one object per request: threads never share a mutable instance
    tok = ApiToken.objects.select_related("person__unit__region").filter(key_hash=digest, revoked=False).first()
    if tok is None or not tok.person.is_active:
        _token_cache.pop(digest, None)
        return None
    if len(_token_cache) > 10_000:
        _token_cache.clear()
    _token_cache[digest] = (time.monotonic(), tok.person)
    return tok.person


def api_token_cache_clear() -> None:
    _token_cache.clear()
