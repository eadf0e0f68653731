"""Forms of the citizen portal: they parse and report errors in Chinese; rules live in services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.domain.intake import MAX_CONTENT
from banshi.cases.enums import CaseType, Satisfaction
from banshi.core.errors import InvalidInput
from banshi.core.privacy import phone_normalise

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def idempotency_key_clean(raw: str | None) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not _KEY.match(raw):
        raise InvalidInput(_("Idempotency-Key 格式不正确：应为8至64位字母、数字或 _.:-。"), code="invalid_idempotency_key")
    return raw


class SubmitForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("诉求类型"), choices=CaseType.choices, widget=forms.RadioSelect)
    content = forms.CharField(label=gettext_lazy("诉求内容"), max_length=MAX_CONTENT, widget=forms.Textarea)
    address = forms.CharField(label=gettext_lazy("详细地址"), max_length=255, required=False)
    anonymous = forms.BooleanField(label=gettext_lazy("匿名提交"), required=False)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=60, required=False)
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=30, required=False)
    confidential = forms.BooleanField(label=gettext_lazy("请求对我的身份信息保密"), required=False)
    sp = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    submission_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, regions: list[str] | None = None, point_has_region: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.region_code = next((r for r in reversed(regions or []) if r), "")
        self.point_has_region = point_has_region

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone") or ""
        try:
            return phone_normalise(raw)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_content(self) -> str:
        text = (self.cleaned_data.get("content") or "").strip()
        if len(text) < 5:
            raise forms.ValidationError(_("请把诉求说清楚一些（至少5个字）。"))
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("anonymous"):
            if not (data.get("name") or "").strip():
                self.add_error("name", _("实名提交请填写姓名，或选择匿名提交。"))
            if not data.get("phone") and "phone" not in self.errors:
                self.add_error("phone", _("实名提交请填写手机号码，用于接收查询码和联系您。"))
        if not self.region_code and not (data.get("address") or "").strip() and not self.point_has_region:
            self.add_error("address", _("请选择所在地区或填写详细地址。"))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=20)
    phone = forms.CharField(label=gettext_lazy("提交时填写的手机号码"), max_length=30, required=False)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("您对办理结果的评价"), choices=Satisfaction.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=gettext_lazy("意见或建议（选填）"), max_length=1000, required=False,
                              widget=forms.Textarea)


class SupplementForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("补充说明"), max_length=5000, required=False, widget=forms.Textarea)
