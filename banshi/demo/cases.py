"""The demo's cases: a plan drawn from the seed, then each case's life driven through the domain.

Every case is driven through the domain functions (`case_register`, `case_dispatch`, `case_sign` …)
with `now=` set to the historical moment, so events, milestones and deadlines look as they would
have; nothing writes `state`. The texts and the mix come from ``banshi/demo/data/`` (demands.yaml,
replies.yaml, mix.yaml; see dataset.py); this module keeps the logic only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import (
    case_answer,
    case_archive,
    case_assign,
    case_co_add,
    case_co_report,
    case_dispatch,
    case_documents_received,
    case_documents_request,
    case_extension_decide,
    case_extension_request,
    case_follow_up,
    case_invalidate,
    case_merge,
    case_progress_reply,
    case_reply_decide,
    case_reply_submit,
    case_return,
    case_return_request,
    case_sign,
    case_supervise,
    case_supervise_answer,
    case_transfer,
    case_withdraw,
)
from banshi.cases.enums import CaseType, Channel, State, Urgency
from banshi.cases.models import Case
from banshi.cases.registration import SYSTEM_CHANNELS, VIA_STAFF
from banshi.core.errors import DomainError
from banshi.demo.dataset import TEXT_PLACEHOLDERS, DemoData, Template, Weights
from banshi.demo.knowledge import on_the_spot_answer
from banshi.demo.world import DemoResult, PlaceWorld, id_number_random, mobile_random, name_random
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Region, Unit

HISTORY_DAYS = 120

# Minimum age (hours) a case needs for its planned life to fit before now.
MIN_AGE_HOURS: dict[str, float] = {
    State.REGISTERED: 0.2, State.INVALID: 1, State.DISPATCHED: 1, State.RETURNED: 24, State.WITHDRAWN: 24,
    State.MERGED: 24, State.HANDLING: 12, State.REPLY_REVIEW: 48, State.REPLIED: 72, State.FOLLOWED_UP: 6 * 24,
    State.ARCHIVED: 14 * 24,
}


@dataclass
class CaseSpec:
    index: int
    place: int
    template: Template
    target: str
    received_at: datetime
    data: CaseInput
    intake: str  # unit key of the intake unit
    street: int
    invalid_text: bool = False


def _weighted(rng: random.Random, pairs: Weights) -> Any:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


# -- planning --------------------------------------------------------------------------------------


def _fill(rng: random.Random, tpl: Template, w: PlaceWorld, street: int, received: datetime, data: DemoData) -> str:
    fillers = data.demands
    local = timezone.localtime(received)
    earlier = local - timedelta(days=rng.randint(1, 20))
    month = (local - timedelta(days=rng.randint(60, 200))).month
    values = {
        "estate": rng.choice(data.estates),
        "road": rng.choice(w.spec.roads),
        "road2": rng.choice(w.spec.roads),
        "street": w.spec.streets[street][1],
        "community": w.communities[street][0].name,
        "amount": str(rng.choice((rng.randint(8, 99) * 100, rng.randint(10, 300) * 1000))),
        "wage": str(rng.randint(20, 400) * 1000),
        "n": str(rng.randint(1, 28)),
        "people": str(rng.randint(3, 40)),
        "months": str(rng.randint(2, 14)),
        "month": str(month),
        "year": str(local.year - rng.randint(1, 4)),
        "age": str(rng.randint(72, 95)),
        "company": rng.choice(fillers.company_heads) + rng.choice(fillers.company_tails),
        "other": rng.choice(data.names.surnames) + "某",
        "bank": rng.choice(fillers.banks),
        "plate": w.spec.plate + "".join(rng.choice(fillers.plate_chars) for _ in range(5)),
        "date": f"{earlier.month}月{earlier.day}日",
        "court": w.units["court"][0].name,
        "unit": rng.choice([w.units[k][0].name for k in fillers.units]),
    }
    assert values.keys() == TEXT_PLACEHOLDERS  # what dataset.py lets a text use
    return tpl.text.format(**values)


def _received_at(rng: random.Random, target: str, now: datetime) -> datetime:
    min_age = timedelta(hours=MIN_AGE_HOURS[target])
    if target in (State.ARCHIVED, State.FOLLOWED_UP, State.REPLIED):
        age = timedelta(days=rng.uniform(min_age.total_seconds() / 86400, HISTORY_DAYS))
    else:
        age = min_age + timedelta(days=min(rng.expovariate(1 / 6), HISTORY_DAYS - 15))
    moment = timezone.localtime(now - age)
    hour = _weighted(rng, tuple((h, 1 if h < 7 or h > 21 else (6 if 8 <= h <= 11 or 14 <= h <= 17 else 3)) for h in range(24)))
    at = moment.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
    while at > now - min_age:
        at -= timedelta(days=1)
    return at


def cases_plan(rng: random.Random, worlds: list[PlaceWorld], count: int, now: datetime, data: DemoData) -> list[CaseSpec]:
    mix, names = data.mix, data.names
    forced = [s for s, _ in mix.states]
    targets = forced[: min(count, len(forced))] + [_weighted(rng, mix.states) for _ in range(max(0, count - len(forced)))]
    rng.shuffle(targets)
    place_weights = tuple((i, p.weight) for i, p in enumerate(data.places))
    specs: list[CaseSpec] = []
    for index, target in enumerate(targets):
        p = _weighted(rng, place_weights)
        w = worlds[p]
        tpl = rng.choice(data.demands.templates)
        received = _received_at(rng, target, now)
        street = rng.randrange(len(w.streets))
        intake = "committee"
        channel = _weighted(rng, mix.committee_channels)
        if tpl.target in mix.unit_intake:
            unit_intake = mix.unit_intake[tpl.target]
            if rng.random() < unit_intake.share:
                intake, channel = unit_intake.unit, _weighted(rng, unit_intake.channels)
        invalid_text = target == State.INVALID and rng.random() < 0.6
        content = rng.choice(data.demands.invalid_texts) if invalid_text else _fill(rng, tpl, w, street, received, data)
        region: Region = w.streets[street]
        grid_id: int | None = None
        if channel in (Channel.GRID, Channel.FIELD_VISIT) or rng.random() < 0.6:
            community = rng.randrange(len(w.communities[street]))
            region = w.communities[street][community]
            if channel in (Channel.GRID, Channel.FIELD_VISIT):
                grid_id = w.grids[street][community].pk
        anonymous = rng.random() < (0.25 if tpl.type == CaseType.REPORT else 0.05)
        confidential = not anonymous and rng.random() < (0.3 if tpl.type == CaseType.REPORT else 0.04)
        female = rng.random() < 0.5
        phone = "" if (anonymous and rng.random() < 0.5) else mobile_random(rng, names)
        id_number = "" if anonymous or rng.random() < 0.7 else id_number_random(rng, w.county.code, now)
        name = "" if anonymous else name_random(rng, names, female)
        address = f"{w.spec.streets[street][1]}{rng.choice(data.estates)}{rng.randint(1, 28)}号楼" if rng.random() < 0.7 else ""
        urgency = Urgency.NORMAL
        if tpl.urgent:
            urgency = Urgency.EMERGENCY if rng.random() < 0.2 else Urgency.URGENT
        policy = tpl.policy or ("xinfang" if channel == Channel.LETTER else "")
        if channel == Channel.HOTLINE_12309:
            policy = ""  # the channel's own policy (12309) applies
        point = None
        if channel == Channel.WINDOW and intake != "committee":
            point = w.points.get(intake)
        elif channel == Channel.WECHAT_QR and intake == "committee":
            point = w.points.get("committee")
        case_input = CaseInput(
            type=CaseType.CONSULTATION if invalid_text else tpl.type,
            channel=channel,
            content=content,
            title="" if invalid_text else tpl.title,
            citizen_name=name,
            citizen_phone=phone,
            citizen_id_number=id_number,
            anonymous=anonymous,
            confidential=confidential,
            address=address,
            region_code=region.code,
            grid_id=grid_id,
            category="" if invalid_text else tpl.category,
            urgency=urgency,
            received_at=received,
            policy_code=policy or None,
            service_point_id=point.pk if point else None,
        )
        specs.append(CaseSpec(index, p, tpl, target, received, case_input, intake, street, invalid_text))
    return specs


# -- running a case's life -----------------------------------------------------------------------


class CaseStopped(Exception):
    """A domain function refused a step: the case stays as the steps before left it."""


class CaseRun:
    """One case's life, action by action, each at its own historical moment."""

    def __init__(self, spec: CaseSpec, w: PlaceWorld, rng: random.Random, now: datetime, result: DemoResult,
                 data: DemoData) -> None:
        self.spec, self.w, self.rng, self.now, self.result = spec, w, rng, now, result
        self.mix, self.replies, self.notes = data.mix, data.replies, data.replies.notes
        self.t = spec.received_at
        self.case_id = 0
        self.case: Case | None = None  # as the last action left it
        self.intake_unit = w.units[spec.intake][0]
        self.lead: Unit | None = None
        self.handler: Person | None = None
        self.co: list[Unit] = []
        self.supervised = False
        self.rounds = 0

    # time ---------------------------------------------------------------------------------------
    def later(self, hours: float) -> datetime:
        """Advance the clock by about `hours`, never past `now` (squeezed into the time left)."""
        limit = self.now - timedelta(minutes=1)
        step = timedelta(hours=max(hours, 0.02))
        if self.t + step > limit:
            step = max((limit - self.t) / 2, timedelta(seconds=1))
        self.t += step
        return self.t

    # people -------------------------------------------------------------------------------------
    def committee_dispatcher(self) -> Person:
        return self.w.one(self.rng, self.w.committee, Role.DISPATCHER)

    def intake_dispatcher(self) -> Person:
        people = self.w.people(self.intake_unit, Role.DISPATCHER)
        return self.rng.choice(people) if people else self.committee_dispatcher()

    def intake_operator(self) -> Person:
        return self.w.one(self.rng, self.intake_unit, Role.OPERATOR)

    def leader(self) -> Person:
        assert self.lead is not None
        return self.w.one(self.rng, self.lead, Role.LEADER)

    def lead_handler(self) -> Person:
        assert self.lead is not None
        if self.handler is not None and self.handler.unit_id == self.lead.pk:
            return self.handler
        return self.w.one(self.rng, self.lead, Role.HANDLER)

    def do(self, label: str, fn: Callable[..., Case], *args: Any, **kw: Any) -> Case:
        try:
            self.case = fn(self.case_id, *args, now=self.t, **kw)
            return self.case
        except DomainError as exc:
            self.result.problems.append(f"#{self.spec.index} {label}: {exc.message}")
            raise CaseStopped from exc

    def target_unit(self) -> Unit:
        return self.w.unit(self.spec.template.target, self.spec.street)

    def wrong_unit(self) -> Unit:
        right = self.spec.template.target
        keys = [k for k in self.mix.misroute_units if k != right]
        return self.w.unit(self.rng.choice(keys), self.spec.street)

    # steps --------------------------------------------------------------------------------------
    def register(self) -> None:
        operator = self.intake_operator()
        via = SYSTEM_CHANNELS.get(self.spec.data.channel, VIA_STAFF)  # portal and ledger demands: their own callers
        case, _ = case_register(data=self.spec.data, intake_unit=self.intake_unit, actor=operator, via=via, now=self.t,
                                auto_dispatch=False)
        self.case_id, self.case = case.pk, case

    def dispatch(self, unit: Unit, *, quick: bool = True) -> None:
        hotline = self.spec.data.channel in (Channel.HOTLINE_12345, Channel.HOTLINE_12309)
        delay = self.rng.expovariate(1 / (0.3 if hotline else 4)) if quick else self.rng.uniform(24, 72)
        self.later(delay + 0.05)
        periods: dict[str, str] = {}
        policy = self.spec.data.policy_code or ""
        if not policy and self.spec.data.channel != Channel.HOTLINE_12309 and self.rng.random() < 0.15:
            periods = {"result": "15d"}  # a complex matter: the dispatcher writes a longer deadline on the order
        self.do("派单", case_dispatch, actor=self.intake_dispatcher(), unit_id=unit.pk, periods=periods)
        self.lead, self.handler = unit, None

    def sign(self) -> None:
        late = self.rng.random() < 0.12
        self.later(self.rng.uniform(2.5, 20) if late else self.rng.uniform(0.1, 1.8))
        handler = self.w.one(self.rng, self.lead, Role.HANDLER) if self.lead else None
        assert handler is not None
        self.do("签收", case_sign, actor=handler)
        self.handler = handler

    def supervise(self) -> None:
        self.later(self.rng.uniform(2, 72))
        supervisor = self.w.one(self.rng, self.w.committee, Role.SUPERVISOR)
        self.do("督办", case_supervise, actor=supervisor, note=self.rng.choice(self.replies.supervise_notes),
                due_at=self.t + timedelta(days=3))
        self.supervised = True

    def supervise_answer(self, actor: Person) -> None:
        if self.supervised:
            self.later(self.rng.uniform(2, 48))
            self.do("督办反馈", case_supervise_answer, actor=actor, text=self.rng.choice(self.replies.supervise_answers))
            self.supervised = False

    def return_order(self) -> None:
        handler = self.lead_handler()
        self.later(self.rng.uniform(0.5, 20))
        self.do("申请退单", case_return_request, actor=handler, reason=self.rng.choice(self.replies.return_reasons))
        self.later(self.rng.uniform(0.5, 8))
        self.do("退单", case_return, actor=self.leader(), reason=self.notes.return_approved)
        self.lead, self.handler = None, None

    def extendable(self) -> bool:
        """Whether a deadline is open to extend (a transferred 12345 order has none: see the report)."""
        from banshi.sla.models import ACTIVE_MILESTONE_STATUSES, Milestone

        open_ms = Milestone.objects.filter(case_id=self.case_id, status__in=ACTIVE_MILESTONE_STATUSES)
        return open_ms.exclude(kind="sign").exists()

    def until(self, moment: datetime) -> datetime:
        return self.later(max(0.05, (moment - self.t).total_seconds() / 3600))

    def handling(self, *, finish: bool) -> None:
        """Work while the case is being handled; `finish` means a final reply will follow."""
        rng, spec = self.rng, self.spec
        first = self.rounds == 0
        self.rounds += 1
        policy = spec.data.policy_code or ("12309" if spec.data.channel == Channel.HOTLINE_12309 else "12345")
        base = self.mix.handling_days_by_policy.get(policy, self.mix.handling_days)
        days = rng.uniform(*base)
        if rng.random() < 0.13:
            days = days * 1.6 + 2  # this one runs late
        began = self.t
        if first and policy in ("12309", "xinfang"):
            self.later(rng.uniform(12, 24 * (9 if rng.random() < 0.1 else 5)))
            self.do("程序性答复", case_progress_reply, actor=self.lead_handler(), text=self.replies.procedural,
                    procedural=True)
        if first and policy == "legal_aid" and self.lead is not None and rng.random() < 0.85:
            self.later(rng.uniform(4, 24 * 4))
            lawyer = rng.choice(self.w.people(self.lead, Role.HANDLER))
            self.do("指派承办人", case_assign, actor=self.leader(), handler_id=lawyer.pk)
            self.handler = lawyer
        co_key = spec.template.co if rng.random() < 0.6 else ""
        if not co_key and rng.random() < 0.04:
            co_key = "street" if spec.template.target != "street" else "urban"
        if first and co_key and self.lead is not None:
            co_unit = self.w.unit(co_key, spec.street)
            if co_unit.pk != self.lead.pk:
                self.later(rng.uniform(1, 24))
                self.do("增加协办", case_co_add, actor=self.leader(), unit_id=co_unit.pk, note=self.notes.co_add)
                self.co.append(co_unit)
                self.result.co_handled += 1
        if first and policy in ("notary", "legal_aid") and rng.random() < 0.25:
            self.later(rng.uniform(2, 30))
            self.do("要求补充材料", case_documents_request, actor=self.lead_handler(),
                    text=self.notes.documents_request)
            self.later(rng.uniform(24, 24 * 5))
            self.do("材料已补齐", case_documents_received, actor=self.lead_handler(), note=self.notes.documents_received)
        if rng.random() < 0.06:
            self.supervise()
            if finish or rng.random() < 0.5:
                self.supervise_answer(self.leader())
        if rng.random() < 0.1 and self.extendable():
            self.until(began + timedelta(days=days * rng.uniform(0.4, 0.7)))
            period = self.mix.extension_period_by_policy.get(policy, self.mix.extension_period)
            self.do("申请延期", case_extension_request, actor=self.lead_handler(), period=period,
                    reason=rng.choice(self.replies.extension_reasons))
            self.later(rng.uniform(1, 20))
            approve = rng.random() < 0.85
            self.do("审批延期", case_extension_decide, actor=self.leader(), approve=approve,
                    note=self.notes.extension_approved if approve else self.notes.extension_refused)
            if approve:
                self.result.extended += 1
        if days > 20 and policy in ("12309", "xinfang", "legal_aid"):
            self.until(began + timedelta(days=days * 0.6))
            self.do("阶段性答复", case_progress_reply, actor=self.lead_handler(), text=rng.choice(self.replies.progress))
        for unit in list(self.co):
            if finish or rng.random() < 0.5:
                self.later(rng.uniform(4, 24 * 3))
                reporter = self.w.one(rng, unit, Role.HANDLER)
                self.do("协办反馈", case_co_report, actor=reporter, text=rng.choice(self.replies.co_reports))
                self.co.remove(unit)
        if finish:
            self.until(began + timedelta(days=days))

    def reply(self) -> None:
        rng = self.rng
        text = rng.choice(self.replies.final[self.spec.template.target])
        self.do("提交办结答复", case_reply_submit, actor=self.lead_handler(), text=text)

    def approve(self) -> None:
        if self.rng.random() < 0.07:
            self.later(self.rng.uniform(1, 20))
            self.do("退回答复", case_reply_decide, actor=self.leader(), approve=False,
                    note=self.notes.reply_sent_back)
            self.later(self.rng.uniform(2, 30))
            self.do("提交办结答复", case_reply_submit, actor=self.lead_handler(),
                    text=self.rng.choice(self.replies.final[self.spec.template.target]) + self.notes.reply_resubmitted_tail)
        self.later(self.rng.uniform(0.5, 20))
        self.do("审核答复", case_reply_decide, actor=self.leader(), approve=True, note=self.notes.reply_approved)

    def follow_up(self, rating: int) -> None:
        self.later(self.rng.uniform(6, 72))
        comment = self.rng.choice(
            self.replies.satisfied_comments if rating >= 4 else self.replies.basic_comments if rating == 3
            else self.replies.unsatisfied_comments
        )
        by_citizen = self.rng.random() < 0.3
        actor = None if by_citizen else self.intake_operator()
        self.do("回访", case_follow_up, actor=actor, rating=rating, comment=comment, by_citizen=by_citizen)

    def rating(self) -> int:
        return int(_weighted(self.rng, self.mix.ratings))

    # the whole life -----------------------------------------------------------------------------
    def run(self) -> None:
        spec, rng, target = self.spec, self.rng, self.spec.target
        self.register()
        if target == State.INVALID:
            self.later(rng.uniform(0.2, 12))
            actor = self.intake_dispatcher() if rng.random() < 0.5 else self.intake_operator()
            reason = self.notes.invalid_no_content if spec.invalid_text else self.notes.invalid_nuisance
            self.do("标记无效", case_invalidate, actor=actor, reason=reason)
            return
        if target == State.REGISTERED:
            if spec.received_at < self.now - timedelta(days=2) and rng.random() < 0.4:
                self.supervise()
            return
        closed = target in (State.REPLIED, State.FOLLOWED_UP, State.ARCHIVED)
        if closed and spec.data.type == CaseType.CONSULTATION and rng.random() < 0.55:
            self.later(rng.uniform(0.02, 0.4))
            self.do("当场答复", case_answer, actor=self.intake_operator(),
                    text=on_the_spot_answer(spec.data.content, self.notes.answered_on_the_spot))
            self.after_reply(target, reopen=False)
            return
        if target == State.WITHDRAWN:
            stage = rng.choice(("registered", "dispatched", "handling"))
            if stage != "registered":
                self.dispatch(self.target_unit())
                if stage == "handling":
                    self.sign()
            self.later(rng.uniform(2, 72))
            withdrawer = None if rng.random() < 0.5 else self.intake_operator()  # None: the citizen, online
            self.do("撤回", case_withdraw, actor=withdrawer, reason=rng.choice(self.replies.withdraw_reasons))
            return
        right = self.target_unit()
        misroute = rng.random() < 0.1 or target == State.RETURNED
        if misroute:
            self.dispatch(self.wrong_unit())
            if target == State.RETURNED or rng.random() < 0.5:
                if rng.random() < 0.5:
                    self.sign()
                self.return_order()
                if target == State.RETURNED:
                    return
                self.dispatch(right)
            else:
                self.later(rng.uniform(0.5, 24))
                unit = right if right.pk != self.lead.pk else self.wrong_unit()  # type: ignore[union-attr]
                self.do("转办", case_transfer, actor=self.committee_dispatcher(), unit_id=unit.pk,
                        reason=self.notes.transfer.format(unit=unit.name))
                self.lead, self.handler = unit, None
                self.result.transferred += 1
        else:
            self.dispatch(right, quick=rng.random() < 0.9)
        if target == State.DISPATCHED:
            if rng.random() < 0.3:
                self.supervise()
            return
        self.sign()
        self.handling(finish=target != State.HANDLING)
        if target == State.HANDLING:
            return
        self.reply()
        if target == State.REPLY_REVIEW:
            return
        self.approve()
        self.after_reply(target, reopen=rng.random() < 0.07)

    def after_reply(self, target: str, *, reopen: bool) -> None:
        rng = self.rng
        if target == State.REPLIED:
            return
        if reopen and self.lead is not None:
            self.follow_up(rng.choice(self.mix.reopen_ratings))  # unsatisfied: the domain reopens the case
            self.result.reopened += 1
            self.handler = None
            self.handling(finish=True)
            self.reply()
            self.approve()
        self.follow_up(self.rating())
        if target == State.FOLLOWED_UP:
            return
        self.later(rng.uniform(12, 24 * 6))
        actor = None if rng.random() < 0.3 else self.committee_dispatcher()
        self.do("归档", case_archive, actor=actor)

    def merge_into(self, target: Case) -> None:
        self.do("合并", case_merge, actor=self.committee_dispatcher(), into_id=target.pk,
                reason=self.notes.merge.format(number=target.number))


def merged_case(spec: CaseSpec, worlds: list[PlaceWorld], seed: int, now: datetime, result: DemoResult,
                by_place: dict[int, list[Case]], ids: list[int], data: DemoData) -> None:
    """A repeated demand merged into an earlier one about the same matter in the same district."""
    rng = random.Random(f"{seed}:{spec.index}")
    excluded = (State.MERGED, State.INVALID, State.WITHDRAWN)
    candidates = [c for c in by_place.get(spec.place, []) if c.state not in excluded]
    same = [c for c in candidates if c.category == spec.data.category]
    pool = same or candidates
    if not pool:
        result.problems.append(f"#{spec.index} 合并: 没有可合并的诉求")
        return
    target = rng.choice(pool)
    w = worlds[spec.place]
    spec.data.content = f"{target.content}{rng.choice(data.demands.duplicate_tails)}"
    spec.data.title, spec.data.category, spec.data.type = target.title, target.category, target.type
    spec.data.region_code = target.region_path.rstrip("/").rsplit("/", 1)[-1] or spec.data.region_code
    spec.data.grid_id = None
    latest = now - timedelta(hours=2)
    received = target.received_at + timedelta(hours=rng.uniform(2, 24 * 10))
    if received > latest:
        received = target.received_at + (latest - target.received_at) / 2
    spec.data.received_at = spec.received_at = received
    run = CaseRun(spec, w, rng, now, result, data)
    try:
        run.register()
        if rng.random() < 0.3:
            run.dispatch(run.target_unit())
        run.later(rng.uniform(0.5, 24))
        run.merge_into(target)
    except CaseStopped:
        pass
    if run.case_id:
        ids.append(run.case_id)

