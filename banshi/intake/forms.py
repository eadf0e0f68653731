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
from banshi.core.privacy import id_number_normalise, phone_normalise
from banshi.intake.services import (
    AID_UNITS,
    MEDIATION_UNITS,
    NOTARY_UNITS,
    aid_exemption_options,
    aid_matter_options,
    mediation_dispute_options,
    notary_matter,
    service_unit_ids,
)

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



# -- 法律援助 and 人民调解 applications -------------------------------------------------------------

UNIT_ID_MAX = 2**62


def _text(label: str, limit: int, *, required: bool = True, required_message: str = "",
          textarea: bool = False) -> forms.CharField:
    """A text field whose every error names the field in Chinese: missing, too long, or holding
    characters that cannot be stored (a NUL byte)."""
    return forms.CharField(
        label=label, max_length=limit, required=required, widget=forms.Textarea if textarea else forms.TextInput,
        error_messages={
            **_messages(required=required_message or _("请填写%(f)s。") % {"f": label},
                        too_long=_("%(f)s最多%%(limit_value)d个字，现在是%%(show_value)d个字，请精简一些。") % {"f": label}),
            "null_characters_not_allowed": _("%(f)s中有无法识别的字符，请删除后重新填写。") % {"f": label},
        },
    )


def _phone_clean(raw: str) -> str:
    try:
        return phone_normalise(raw or "")
    except InvalidInput as exc:
        raise forms.ValidationError(exc.message) from exc


def _facts_clean(text: str | None, message: str) -> str:
    text = (text or "").strip()
    if len(text) < 5:
        raise forms.ValidationError(message)
    return text


class _ServiceForm(forms.Form):
    """What both applications share: the unit (one of the units the page offers), the applicant's
    name and phone (the phone opens the tracking page and gets the notices), and the page's
    submission id (a second click on 提交 gives back the first application). The fields are made
    per request, in the order the page shows them, so the error summary follows the page."""

    unit_kinds: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        what = self.unit_what()
        message = _("请从列表中选择%(what)s。") % {"what": what}
        self.fields["unit"] = forms.IntegerField(min_value=1, max_value=UNIT_ID_MAX, error_messages={
            "required": message, "invalid": message, "min_value": message, "max_value": message,
            "null_characters_not_allowed": message})
        self.fields.update(self.matter_fields())
        self.fields["name"] = _text(_("您的姓名"), 60, required_message=_("请填写您的姓名。"))
        self.fields["phone"] = _text(_("您的手机号码"), 30, required_message=_(
            "请填写手机号码：用于接收查询码、补充材料的通知和办理结果。"))
        self.fields.update(self.applicant_fields())
        expired = _("页面已过期，请刷新后重新提交。")
        self.fields["submission_id"] = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput,
                                                       error_messages={"max_length": expired,
                                                                       "null_characters_not_allowed": expired})

    def unit_what(self) -> str:
        raise NotImplementedError

    def matter_fields(self) -> dict[str, forms.Field]:
        return {}

    def applicant_fields(self) -> dict[str, forms.Field]:
        return {}

    def clean_unit(self) -> int:
        unit_id = int(self.cleaned_data["unit"])
        if unit_id not in service_unit_ids(self.unit_kinds):
            raise forms.ValidationError(_("请从列表中选择%(what)s。") % {"what": self.unit_what()})
        return unit_id

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data.get("phone") or "")

    def clean_submission_id(self) -> str:
        raw = (self.cleaned_data.get("submission_id") or "").strip()
        return raw if _KEY.match(raw) else ""  # a bad or missing id only loses the double-click guard


class AidApplyForm(_ServiceForm):
    """申请法律援助 (法律援助法 art. 41): what the applicant can tell; the centre checks the rest."""

    unit_kinds = AID_UNITS

    def unit_what(self) -> str:
        return _("法律援助中心")

    def matter_fields(self) -> dict[str, forms.Field]:
        return {
            "matter_type": forms.ChoiceField(
                choices=[(o["code"], o["plain"]) for o in aid_matter_options()],
                error_messages=_messages(required=_("请选择您要申请法律援助的事项。"),
                                         choice=_("请从列出的援助事项中选择一项。"))),
            "facts": _text(_("事情经过和您的请求"), 5000, textarea=True, required_message=_(
                "请写明事情经过和您的请求：发生了什么事、和谁、希望得到什么帮助。")),
            "other_party": _text(_("对方（个人或单位）"), 200, required=False),
            "exemption": forms.ChoiceField(
                required=False, choices=[("", "")] + [(o["code"], o["plain"]) for o in aid_exemption_options()],
                error_messages=_messages(choice=_("请从列出的情形中选择一项，或选择“以上都不是”。"))),
            "economic": _text(_("家庭经济状况"), 5000, required=False, textarea=True),
        }

    def applicant_fields(self) -> dict[str, forms.Field]:
        return {"id_number": _text(_("身份证号码"), 20, required=False), "address": _text(_("住址"), 255, required=False)}

    def clean_id_number(self) -> str:
        try:
            return id_number_normalise(self.cleaned_data.get("id_number") or "")
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_facts(self) -> str:
        return _facts_clean(self.cleaned_data.get("facts"), _("请把事情经过和您的请求写清楚一些（至少5个字）。"))


class MediationApplyForm(_ServiceForm):
    """申请人民调解 (人民调解法 art. 17): the dispute, the other party, the applicant."""

    unit_kinds = MEDIATION_UNITS

    def unit_what(self) -> str:
        return _("人民调解委员会")

    def matter_fields(self) -> dict[str, forms.Field]:
        return {
            "dispute_type": forms.ChoiceField(
                choices=[(o["code"], o["label"]) for o in mediation_dispute_options()],
                error_messages=_messages(required=_("请选择纠纷类型。"), choice=_("请从列出的纠纷类型中选择一项。"))),
            "facts": _text(_("纠纷经过和您的要求"), 5000, textarea=True, required_message=_(
                "请写明纠纷经过：什么事、什么时候开始的、您希望怎样解决。")),
            "other_name": _text(_("对方姓名或单位名称"), 60, required_message=_(
                "请填写对方的姓名或单位名称：调解需要双方当事人。")),
            "other_phone": _text(_("对方电话"), 30, required=False),
        }

    def applicant_fields(self) -> dict[str, forms.Field]:
        return {"address": _text(_("纠纷发生地点"), 255, required=False)}

    def clean_other_phone(self) -> str:
        return _phone_clean(self.cleaned_data.get("other_phone") or "")

    def clean_facts(self) -> str:
        return _facts_clean(self.cleaned_data.get("facts"), _("请把纠纷经过写清楚一些（至少5个字）。"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("other_phone") and data.get("other_phone") == data.get("phone"):
            self.add_error("other_phone", _("对方电话与您的电话相同，请核对；不知道对方电话可以不填。"))
        return data


class AidDocumentsForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("说明（选填）"), max_length=1000, required=False, widget=forms.Textarea,
                           error_messages={
                               **_messages(too_long=gettext_lazy("说明最多%(limit_value)d个字，现在是%(show_value)d个字。")),
                               "null_characters_not_allowed": gettext_lazy("说明中有无法识别的字符，请删除后重新填写。")})


class AidObjectionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("异议理由"), max_length=5000, widget=forms.Textarea, error_messages={
        **_messages(required=gettext_lazy("请写明您不同意不予法律援助决定的理由。"),
                    too_long=gettext_lazy("异议理由最多%(limit_value)d个字，现在是%(show_value)d个字。")),
        "null_characters_not_allowed": gettext_lazy("异议理由中有无法识别的字符，请删除后重新填写。")})


def _pick(message: str, field: forms.Field) -> forms.Field:
    """A field whose every error (missing, not a number, a NUL byte …) says one Chinese sentence."""
    field.error_messages.update({k: message for k in (
        "required", "invalid", "min_value", "max_value", "invalid_choice", "null_characters_not_allowed", "max_length")})
    return field


class NotaryBookForm(forms.Form):
    """公证预约: the matter, the office, a free slot of it, in person or by video, and who comes
    (the booking code and the reminder come by SMS). The domain (`book`) decides the rest."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["matter"] = _pick(_("请选择要办理的公证事项。"), forms.CharField(max_length=40))
        self.fields["office"] = _pick(_("请从列表中选择公证处。"),
                                      forms.IntegerField(min_value=1, max_value=UNIT_ID_MAX))
        self.fields["slot"] = _pick(_("请选择一个预约时段。"), forms.IntegerField(min_value=1, max_value=UNIT_ID_MAX))
        self.fields["mode"] = _pick(_("请选择办理方式：到公证处办理或远程视频办理。"), forms.ChoiceField(
            choices=[("in_person", "in_person"), ("video", "video")]))
        self.fields["name"] = _text(_("您的姓名"), 60, required_message=_("请填写您的姓名。"))
        self.fields["phone"] = _text(_("您的手机号码"), 30, required_message=_(
            "请填写手机号码：用于接收预约码和提醒短信。"))
        expired = _("页面已过期，请刷新后重新提交。")
        self.fields["submission_id"] = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput,
                                                       error_messages={"max_length": expired,
                                                                       "null_characters_not_allowed": expired})

    def clean_matter(self) -> str:
        code = str(self.cleaned_data["matter"]).strip()
        if notary_matter(code) is None:
            raise forms.ValidationError(_("请选择要办理的公证事项。"))
        return code

    def clean_office(self) -> int:
        unit_id = int(self.cleaned_data["office"])
        if unit_id not in service_unit_ids(NOTARY_UNITS):
            raise forms.ValidationError(_("请从列表中选择公证处。"))
        return unit_id

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data.get("phone") or "")

    def clean_submission_id(self) -> str:
        raw = (self.cleaned_data.get("submission_id") or "").strip()
        return raw if _KEY.match(raw) else ""


class NotaryCancelForm(forms.Form):
    """取消公证预约: the booking code and the phone number booked with."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["code"] = _text(_("预约码"), 12, required_message=_("请填写预约码（预约成功时的8位字母数字）。"))
        self.fields["phone"] = _text(_("预约时填写的手机号码"), 30, required_message=_("请填写预约时填写的手机号码。"))

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data.get("phone") or "")
