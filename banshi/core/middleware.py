"""Security headers for every response: a strict Content-Security-Policy (no inline script,
no third-party origin: every asset is served from our own static files)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)

DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The bundled Swagger UI of the API docs sets inline styles; its scripts are still our own files.
        csp = DOCS_CSP if request.path.startswith("/api/v1/docs") else CSP
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        return response


NUL_MESSAGE = "请求中含有不允许的空字符（NUL），请检查输入。"
DATA_MESSAGE = "输入的内容数据库无法保存（含有不允许的字符、过长或数值超出范围），请检查后重试。"


class RejectNulMiddleware:
    """No NUL character gets past the door: PostgreSQL refuses it in text (a 500 at the first
    write or query), SQLite silently stores it. A query string, form field or JSON body carrying
    one is answered 400 in Chinese before any view runs. Uploaded files are not text and are not
    looked at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            from django.http import JsonResponse

            if request.path.startswith(("/api/", "/open311/")) or request.content_type == "application/json":
                return JsonResponse({"code": "nul_character", "message": NUL_MESSAGE, "details": {}}, status=400)
            return HttpResponse(NUL_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The safety net behind the door: input the database refuses (a NUL inside a multipart
        upload's text fields, a value past a column's length or range) is a 400, never a 500. The
        action's transaction has rolled back: nothing half-written stays."""
        from django.db import DataError

        if not isinstance(exception, DataError):
            return None
        from django.http import JsonResponse

        if request.path.startswith(("/api/", "/open311/")):
            return JsonResponse({"code": "invalid_data", "message": DATA_MESSAGE, "details": {}}, status=400)
        return HttpResponse(DATA_MESSAGE, status=400, content_type="text/plain; charset=utf-8")


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or any("\x00" in v for vs in request.GET.lists() for v in [vs[0], *vs[1]]):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body.lower()
    if request.content_type == "application/x-www-form-urlencoded":
        return any("\x00" in v for vs in request.POST.lists() for v in [vs[0], *vs[1]])
    # Multipart uploads are parsed by their views (their size checks answer 413 in each interface's
    # format); a NUL in their text fields meets the DataError net below.
    return False
