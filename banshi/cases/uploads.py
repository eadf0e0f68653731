"""Citizen uploads: the type is read from the file's first bytes, never from its name or the
browser's Content-Type; JPEG, PNG and PDF only, each at most settings.BANSHI_MAX_UPLOAD_BYTES."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from banshi.cases.models import Attachment, Case
from banshi.core.errors import DomainError, InvalidInput, TooLarge
from banshi.orgs.models import Person

MAX_FILES = 6
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


class UnsupportedMedia(DomainError):
    status = 415
    code = "unsupported_media"


@dataclass
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def _safe_name(name: str, ext: str) -> str:
    base = (name or "file").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')[:150] or "file"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem}{ext}"


def upload_check(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Validate every file before anything is saved. Raises TooLarge (413), UnsupportedMedia (415)."""
    limit = int(settings.BANSHI_MAX_UPLOAD_BYTES)
    if len(files) > MAX_FILES:
        raise InvalidInput(_("最多上传%(n)d个文件。") % {"n": MAX_FILES}, code="too_many_files")
    out: list[CheckedFile] = []
    for f in files:
        if (f.size or 0) > limit:
            raise TooLarge(
                _("文件“%(name)s”超过%(mb)sMB，请压缩后再上传。") % {"name": f.name, "mb": f"{limit / 1048576:g}"},
                code="file_too_large",
            )
        data = f.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(_("文件“%(name)s”过大。") % {"name": f.name}, code="file_too_large")
        if not data:
            raise InvalidInput(_("文件“%(name)s”是空文件。") % {"name": f.name}, code="empty_file")
        kind = sniff(data[:16])
        if kind is None:
            raise UnsupportedMedia(
                _("文件“%(name)s”不是JPEG、PNG图片或PDF文件。") % {"name": f.name}, code="unsupported_media"
            )
        out.append(CheckedFile(_safe_name(f.name or "", kind[1]), kind[0], data, hashlib.sha256(data).hexdigest()))
    return out


def attachments_save(case: Case, files: Sequence[CheckedFile], *, by: Person | None = None) -> list[Attachment]:
    saved: list[Attachment] = []
    for f in files:
        att = Attachment(case=case, name=f.name, content_type=f.content_type, size=len(f.data), sha256=f.sha256,
                         uploaded_by=by)
        att.file.save(f"{f.sha256[:16]}{f.name[f.name.rfind('.'):]}", ContentFile(f.data), save=False)
        att.save()
        saved.append(att)
    return saved
