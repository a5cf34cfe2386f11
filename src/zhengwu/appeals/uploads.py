"""Attachments: type checked by content, images re-encoded (which also drops EXIF location)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def as_django_file(self) -> ContentFile:
        return ContentFile(self.content, name=f"upload.{self.extension}")


def check_files(files: list[UploadedFile]) -> list[CheckedFile]:
    if len(files) > MAX_FILES:
        raise ValidationError(_("最多上传%(n)d个附件。") % {"n": MAX_FILES}, code="too_many_files")
    return [check_file(f) for f in files]


def check_file(upload: UploadedFile) -> CheckedFile:
    name = (upload.name or "附件")[-100:]
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("“%(name)s”超过10MB。") % {"name": name}, code="file_too_large")
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ValidationError(_("“%(name)s”超过10MB。") % {"name": name}, code="file_too_large")
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED:
        raise ValidationError(
            _("“%(name)s”不是允许的文件类型（只接受JPG、PNG、WEBP图片和PDF）。") % {"name": name},
            code="file_type",
        )
    if kind.mime == "application/pdf":
        return _check_pdf(name, content)
    return _reencode_image(name, content, kind.mime)


def _check_pdf(name: str, content: bytes) -> CheckedFile:
    if b"%%EOF" not in content[-2048:]:
        raise ValidationError(
            _("“%(name)s”不是完整的PDF文件。") % {"name": name}, code="file_broken"
        )
    return CheckedFile(name, content, "application/pdf", "pdf")


def _reencode_image(name: str, content: bytes, mime: str) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    _("“%(name)s”图片尺寸过大。") % {"name": name}, code="image_too_big"
                )
            image.load()
            clean = image.convert("RGBA" if mime == "image/png" else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("“%(name)s”无法识别为图片。") % {"name": name}, code="file_broken"
        ) from exc
    out = io.BytesIO()
    fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[mime]
    clean.save(out, fmt, quality=88) if fmt != "PNG" else clean.save(out, fmt, optimize=True)
    return CheckedFile(name, out.getvalue(), mime, ALLOWED[mime])
