"""人民调解 (人民调解法; 人民调解工作若干规定): the domain functions of the mediation matter. Each
runs one action of the definition (services/workflow/mediation.py) through `transition()`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.domain.matters import matter_register, opener_check, service_unit, text_clean
from banshi.cases.enums import CaseType, Channel
from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import transition
from banshi.core.errors import Conflict, InvalidInput
from banshi.core.privacy import phone_normalise
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Person, Unit
from banshi.services import catalog
from banshi.services.inputs import MedOpenIn
from banshi.services.models import MediationFile, MediationRoom, MediationSession
from banshi.sla.services import milestone_extend

KIND = "mediation"
POLICY = "people_mediation"
MEDIATION_UNITS = (UnitKind.MEDIATION, UnitKind.JUSTICE_OFFICE)
EXTENSIONS = ("7d", "15d", "1m")


def _parties(raw: list[dict[str, Any]], *, minimum: int) -> list[dict[str, str]]:
    parties: list[dict[str, str]] = []
    for p in raw[:20]:
        if not isinstance(p, dict):
            raise InvalidInput(_("当事人信息不正确。"), code="invalid_parties")
        name = text_clean(str(p.get("name") or ""), _("当事人姓名"), limit=60)
        role = str(p.get("role") or "applicant")
        if role not in ("applicant", "respondent"):
            raise InvalidInput(_("当事人身份应为申请人或被申请人。"), code="invalid_parties")
        parties.append({"name": name, "role": role, "phone": phone_normalise(str(p.get("phone") or ""))})
    if len(parties) < minimum:
        raise InvalidInput(_("人民调解须有双方（或多方）当事人。"), code="parties_required")
    return parties


def _file(case: Case) -> MediationFile:
    f = MediationFile.objects.select_for_update().filter(case=case).first()
    if f is None:  # pragma: no cover
        raise Conflict(_("调解案卷不存在。"), code="no_file")
    return f


def mediation_open(data: MedOpenIn, *, actor: Person | None, origin: Case | None = None, now: datetime | None = None,
                   minimum_parties: int = 2, notify: bool = True) -> Case:
    """A dispute comes to a committee (application, court referral, police, own initiative)."""
    cat = catalog.mediation()
    unit = service_unit(data.unit_id, MEDIATION_UNITS, _("人民调解委员会或司法所"))
    opener_check(actor, unit, origin)
    if data.source not in cat["sources"]:
        raise InvalidInput(_("调解来源不正确。"), code="invalid_source")
    if data.dispute_type not in cat["dispute_types"]:
        raise InvalidInput(_("纠纷类型不正确。"), code="invalid_dispute_type")
    if data.channel not in Channel.values:
        raise InvalidInput(_("渠道不正确。"), code="invalid_channel")
    facts = text_clean(data.facts, _("纠纷事实"))
    parties = _parties(data.parties, minimum=minimum_parties)
    applicant = next((p for p in parties if p["role"] == "applicant"), parties[0])
    dispute = cat["dispute_types"][data.dispute_type]

    def file(case: Case) -> None:
        MediationFile.objects.create(case=case, source=data.source, dispute_type=data.dispute_type, parties=parties)

    return matter_register(
        KIND, intake_unit=unit, lead_unit=unit, actor=actor, content=facts, title=_("调解申请：%(d)s") % {"d": dispute},
        channel=data.channel, type=CaseType.HELP, citizen_name=applicant["name"], citizen_phone=applicant["phone"],
        address=text_clean(data.address, _("地点"), required=False, limit=255), origin=origin, policy_code=POLICY,
        category=f"mediation.{data.dispute_type}", now=now, after=file, notify=notify,
        data={"source": data.source, "dispute_type": data.dispute_type, "text": _("调解申请")},
    )


def mediation_open_from_demand(demand: Case, *, actor: Person, unit: Unit, note: str, now: datetime) -> Case:
    """转人民调解: the demand's citizen is the applicant; the other party is added when the
    committee accepts the dispute."""
    data = MedOpenIn(unit_id=unit.pk, source="referral", dispute_type=_dispute_guess(demand), facts=demand.content,
                     parties=[{"name": demand.citizen_name or _("（未留姓名）"), "role": "applicant",
                               "phone": demand.citizen_phone}],
                     address=demand.address, channel=demand.channel)
    return mediation_open(data, actor=actor, origin=demand, now=now, minimum_parties=1)


def _dispute_guess(demand: Case) -> str:
    text = f"{demand.category} {demand.content}"
    for words, code in ((("医疗", "医院", "手术"), "medical"), (("交通事故", "车祸"), "traffic"),
                        (("物业",), "property"), (("邻居", "邻里", "噪音", "漏水"), "neighbour"),
                        (("离婚", "婚姻", "赡养", "家庭"), "family"), (("地界", "宅基地", "土地"), "land_boundary"),
                        (("工资", "欠薪", "劳务"), "labour"), (("合同", "欠款", "借款", "货款"), "contract")):
        if any(w in text for w in words):
            return code
    return "other"


def med_accept(case_id: int, *, actor: Person, room_id: int | None = None, mediators: list[str] | None = None,
               parties: list[dict[str, Any]] | None = None, note: str = "", expected_version: int | None = None,
               now: datetime | None = None) -> Case:
    """受理: the committee takes the dispute up (both parties willing); the one-month clock starts."""
    names = [text_clean(m, _("调解员"), limit=60) for m in (mediators or []) if (m or "").strip()][:10]

    def check(case: Case) -> None:
        f = MediationFile.objects.filter(case=case).first()
        known = list(f.parties) if f else []
        if len(known) + len(parties or []) < 2:
            raise InvalidInput(_("受理前请补充对方当事人（人民调解须有双方当事人）。"), code="parties_required")
        if room_id is not None and not MediationRoom.objects.filter(pk=room_id, unit=case.lead_unit,
                                                                    is_active=True).exists():
            raise InvalidInput(_("调解室不属于本调委会。"), code="invalid_room")

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        if parties:
            f.parties = list(f.parties) + _parties(parties, minimum=0)
        f.room_id, f.mediators = room_id, names
        f.save(update_fields=["parties", "room", "mediators"])

    return transition(case_id, "med_accept", actor=actor, reason=text_clean(note, _("说明"), required=False),
                      before=check, after=record, expected_version=expected_version, now=now,
                      data={"mediators": names, "text": _("您的调解申请已受理。")})


def med_decline(case_id: int, *, actor: Person, reason: str, expected_version: int | None = None,
                now: datetime | None = None) -> Case:
    """不予受理: mediation is voluntary — a party refuses, or the dispute is not for mediation."""
    reason = text_clean(reason, _("不予受理的理由"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.end_reason = reason
        f.save(update_fields=["end_reason"])

    return transition(case_id, "med_decline", actor=actor, reason=reason, after=record, now=now,
                      expected_version=expected_version, data={"text": _("不予受理：%(r)s") % {"r": reason}})


def med_session(case_id: int, *, actor: Person, at: datetime, record: str, mode: str = "face_to_face", place: str = "",
                video: bool = False, mediators: list[str] | None = None, expected_version: int | None = None,
                now: datetime | None = None) -> Case:
    """调解记录: one session (面对面 or 背对背, in a room or by video) and what was said."""
    now = now or timezone.now()
    if mode not in catalog.mediation()["modes"]:
        raise InvalidInput(_("调解方式不正确。"), code="invalid_mode")
    if timezone.is_naive(at) or at > now + timedelta(days=1):
        raise InvalidInput(_("调解时间必须带时区，且不能晚于明天。"), code="invalid_time")
    text = text_clean(record, _("调解记录"))
    names = [text_clean(m, _("调解员"), limit=60) for m in (mediators or []) if (m or "").strip()][:10]
    place = text_clean(place, _("地点"), required=False, limit=120)

    def write(case: Case, event: CaseEvent) -> None:
        MediationSession.objects.create(file=_file(case), at=at, place=place, video=video, mode=mode,
                                        mediators=names, record=text, by=actor)

    return transition(case_id, "med_session", actor=actor, reason=text[:200], after=write, now=now,
                      expected_version=expected_version,
                      data={"mode": mode, "video": video, "at": at.isoformat(), "mediators": names})


def med_extend(case_id: int, *, actor: Person, period: str, reason: str, expected_version: int | None = None,
               now: datetime | None = None) -> Case:
    """延长调解期限 with reasons (规定 art. 33: normally one month)."""
    now = now or timezone.now()
    if period not in EXTENSIONS:
        raise InvalidInput(_("延长期限应为7日、15日或1个月。"), code="invalid_period")
    reason = text_clean(reason, _("延长理由"))

    def record(case: Case, event: CaseEvent) -> None:
        from banshi.cases.workflow.engine import clock_store

        m, clock = milestone_extend(case.pk, "settle", period, now=now)
        clock_store(case, clock)
        event.data = {**event.data, "period": period, "due_at": m.due_at.isoformat()}
        event.save(update_fields=["data"])

    return transition(case_id, "med_extend", actor=actor, reason=reason, after=record, now=now,
                      expected_version=expected_version)


def agreement_text(case: Case, f: MediationFile, *, terms: str, facts: str, now: datetime) -> str:
    """调解协议书 from the template in data/mediation.yaml (人民调解法 art. 29)."""
    cat = catalog.mediation()
    parties = "；".join(f"{'申请人' if p['role'] == 'applicant' else '被申请人'} {p['name']}" for p in f.parties)
    unit = case.lead_unit.name if case.lead_unit else ""
    return cat["agreement_template"].format(
        number=case.number or "", parties=parties, facts=facts or case.content, unit=unit, terms=terms,
        copies=len(f.parties) + 1, mediators="、".join(f.mediators) or "", date=f"{timezone.localtime(now):%Y年%m月%d日}",
    )


def med_agree(case_id: int, *, actor: Person, terms: str, form: str = "written", facts: str = "",
              expected_version: int | None = None, now: datetime | None = None) -> Case:
    """达成调解协议: written (the 调解协议书 is generated) or oral (recorded); the 30-day window to
    apply for 司法确认 starts (人民调解法 art. 33)."""
    now = now or timezone.now()
    if form not in ("written", "oral"):
        raise InvalidInput(_("协议形式应为书面或口头。"), code="invalid_form")
    terms = text_clean(terms, _("协议内容"))
    facts = text_clean(facts, _("纠纷事实"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.agreement_form, f.agreed_at = form, now
        f.agreement_text = agreement_text(case, f, terms=terms, facts=facts, now=now) if form == "written" else terms
        f.save(update_fields=["agreement_form", "agreed_at", "agreement_text"])

    return transition(case_id, "med_agree", actor=actor, reason=terms[:300], after=record, now=now,
                      expected_version=expected_version,
                      data={"form": form, "text": _("调解达成协议。可自协议生效之日起三十日内共同向人民法院申请司法确认。")})


def med_fail(case_id: int, *, actor: Person, next_channel: str, reason: str, expected_version: int | None = None,
             now: datetime | None = None) -> Case:
    """调解不成: the parties are told the next channel (诉讼, 仲裁, 行政; 人民调解法 art. 26)."""
    channels = catalog.mediation()["next_channels"]
    if next_channel not in channels:
        raise InvalidInput(_("后续途径不正确。"), code="invalid_channel")
    reason = text_clean(reason, _("调解不成的情况"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.next_channel, f.end_reason = next_channel, reason
        f.save(update_fields=["next_channel", "end_reason"])

    return transition(case_id, "med_fail", actor=actor, reason=reason, after=record, now=now,
                      expected_version=expected_version,
                      data={"next_channel": next_channel,
                            "text": _("调解未达成协议，您可以%(c)s。") % {"c": channels[next_channel]}})


def med_terminate(case_id: int, *, actor: Person, reason: str, expected_version: int | None = None,
                  now: datetime | None = None) -> Case:
    """终止调解: a party no longer wants mediation (it is voluntary)."""
    reason = text_clean(reason, _("终止理由"))

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.end_reason = reason
        f.save(update_fields=["end_reason"])

    return transition(case_id, "med_terminate", actor=actor, reason=reason, after=record, now=now,
                      expected_version=expected_version)


def med_performance(case_id: int, *, actor: Person, performance: str, note: str = "",
                    expected_version: int | None = None, now: datetime | None = None) -> Case:
    """履行回访: whether the agreement is performed."""
    options = catalog.mediation()["performance"]
    if performance not in options:
        raise InvalidInput(_("履行情况不正确。"), code="invalid_performance")
    note = text_clean(note, _("回访情况"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.performance, f.performance_note = performance, note
        f.save(update_fields=["performance", "performance_note"])

    return transition(case_id, "med_performance", actor=actor, reason=note or options[performance], after=record,
                      now=now, expected_version=expected_version, data={"performance": performance})


def med_confirm(case_id: int, *, actor: Person, note: str = "", expected_version: int | None = None,
                now: datetime | None = None) -> Case:
    """当事人已共同申请司法确认: only a written agreement, within 30 days of its taking effect
    (人民调解法 art. 33)."""
    now = now or timezone.now()

    def check(case: Case) -> None:
        f = MediationFile.objects.filter(case=case).first()
        if f is None or f.agreement_form != "written":
            raise InvalidInput(_("只有书面调解协议可以申请司法确认。"), code="not_written")
        if f.agreed_at is None or now > f.agreed_at + timedelta(days=30):
            raise InvalidInput(_("已超过调解协议生效之日起三十日，不能再申请司法确认。"), code="confirm_lapsed")

    def record(case: Case, event: CaseEvent) -> None:
        f = _file(case)
        f.confirm_applied_at = now
        f.save(update_fields=["confirm_applied_at"])

    return transition(case_id, "med_confirm", actor=actor, reason=text_clean(note, _("说明"), required=False),
                      before=check, after=record, now=now, expected_version=expected_version)


def med_close(case_id: int, *, actor: Person, note: str = "", expected_version: int | None = None,
              now: datetime | None = None) -> Case:
    """结案: after the agreement (and its performance check), the file closes."""
    return transition(case_id, "med_close", actor=actor, reason=text_clean(note, _("结案意见"), required=False),
                      expected_version=expected_version, now=now)
