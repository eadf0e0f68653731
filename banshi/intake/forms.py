"""Forms of the citizen portal: they parse and report errors in Chinese; rules live in services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banshi.cases.domain.intake import MAX_CONTENT
from banshi.cases.enums import CaseType, Satisfaction
from banshi.core.errors import InvalidInput
from banshi.core.privacy import phone_normalise

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _messages(required: str | Promise = "", too_long: str | Promise = "", choice: str | Promise = "") -> dict[str, Any]:
    """Our own Chinese messages for a field, instead of Django's ("这个字段是必填项", "确保该变量…").
    Each message names the field, so the error summary can show it alone."""
    out: dict[str, Any] = {}
    if required:
        out["required"] = required
    if too_long:
        out["max_length"] = too_long
    if choice:
        out["invalid_choice"] = choice
    return out


def idempotency_key_clean(raw: str | None) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not _KEY.match(raw):
        raise InvalidInput(_("Idempotency-Key 格式不正确：应为8至64位字母、数字或 _.:-。"), code="invalid_idempotency_key")
    return raw


class SubmitForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("诉求类型"), choices=CaseType.choices, widget=forms.RadioSelect,
                             error_messages=_messages(required=gettext_lazy("请选择诉求类型。"),
                                                      choice=gettext_lazy("请从列出的诉求类型中选择一项。")))
    content = forms.CharField(label=gettext_lazy("诉求内容"), max_length=MAX_CONTENT, widget=forms.Textarea,
                              error_messages=_messages(
                                  required=gettext_lazy("请填写诉求内容：什么事、在哪里、希望怎样解决。"),
                                  too_long=gettext_lazy("诉求内容最多%(limit_value)d个字，现在是%(show_value)d个字，请精简一些。")))
    address = forms.CharField(label=gettext_lazy("详细地址"), max_length=255, required=False,
                              error_messages=_messages(too_long=gettext_lazy("详细地址最多%(limit_value)d个字。")))
    anonymous = forms.BooleanField(label=gettext_lazy("匿名提交"), required=False)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=60, required=False,
                           error_messages=_messages(too_long=gettext_lazy("姓名最多%(limit_value)d个字。")))
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=30, required=False,
                            error_messages=_messages(too_long=gettext_lazy("手机号码太长，请填写11位手机号。")))
    confidential = forms.BooleanField(label=gettext_lazy("请求对我的身份信息保密"), required=False)
    sp = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput,
                         error_messages=_messages(too_long=gettext_lazy("服务点编码不正确，请重新扫码。")))
    submission_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput,
                                    error_messages=_messages(too_long=gettext_lazy("页面已过期，请刷新后重新提交。")))

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
            raise forms.ValidationError(_("诉求内容太短，请把什么事、在哪里说清楚一些（至少5个字）。"))
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
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=20, error_messages=_messages(
        required=gettext_lazy("请填写查询码（提交诉求后页面和短信中的10位字母数字）。"),
        too_long=gettext_lazy("查询码不正确：应为10位字母和数字。")))
    phone = forms.CharField(label=gettext_lazy("提交时填写的手机号码"), max_length=30, required=False,
                            error_messages=_messages(too_long=gettext_lazy("手机号码太长，请填写11位手机号。")))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("您对办理结果的评价"), choices=Satisfaction.choices, coerce=int, widget=forms.RadioSelect,
        error_messages=_messages(required=gettext_lazy("请选择您对办理结果的评价。"),
                                 choice=gettext_lazy("请从列出的评价中选择一项。")),
    )
    comment = forms.CharField(label=gettext_lazy("意见或建议（选填）"), max_length=1000, required=False,
                              widget=forms.Textarea, error_messages=_messages(
                                  too_long=gettext_lazy("意见或建议最多%(limit_value)d个字，现在是%(show_value)d个字。")))


class SupplementForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("补充说明"), max_length=5000, required=False, widget=forms.Textarea,
                           error_messages=_messages(
                               too_long=gettext_lazy("补充说明最多%(limit_value)d个字，现在是%(show_value)d个字。")))
