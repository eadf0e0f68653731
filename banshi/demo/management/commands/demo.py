"""`banshi demo [--seed 42] [--cases 3000] [--services N] [--if-empty]`: fill an empty database with a believable world."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from banshi.cases.enums import State
from banshi.cases.models import Case
from banshi.demo.build import DEFAULT_CASES, demo_build
from banshi.demo.dataset import DemoDataError
from banshi.demo.world import DEMO_PASSWORD
from banshi.services.enums import AidState, MedState


class Command(BaseCommand):
    help = "生成演示数据：五地政法单位、人员、网格和数千件各状态的群众诉求（按随机种子可重现）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="随机种子（默认 42），相同种子生成相同数据")
        parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help=f"诉求件数（默认 {DEFAULT_CASES}）")
        parser.add_argument("--services", type=int, default=None,
                            help="法律援助、人民调解案卷各多少件（默认按诉求件数的3%%，每个状态至少一件；诉求不足100件时不生成；0 为不生成）")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有诉求时什么也不做")

    def handle(self, *args: Any, **opts: Any) -> None:
        existing = Case.objects.count()
        if existing:
            if opts["if_empty"]:
                if opts["verbosity"] > 1:
                    self.stdout.write(_("数据库中已有 %(n)d 件诉求，跳过演示数据生成。") % {"n": existing})
                return
            raise CommandError(
                _("数据库中已有 %(n)d 件诉求。演示数据只能写入空数据库（可加 --if-empty 在非空时跳过）。") % {"n": existing}
            )
        if opts["cases"] < 0:
            raise CommandError(_("--cases 不能为负数。"))
        if opts["services"] is not None and opts["services"] < 0:
            raise CommandError(_("--services 不能为负数。"))
        verbose = opts["verbosity"] > 0

        def progress(done: int, total: int) -> None:
            if verbose and total:
                self.stdout.write(_("  已生成 %(done)d / %(total)d 件诉求") % {"done": done, "total": total})

        if verbose:
            self.stdout.write(_("正在生成演示数据（种子 %(seed)d，%(n)d 件诉求）……") % {"seed": opts["seed"], "n": opts["cases"]})
        try:
            r = demo_build(seed=opts["seed"], cases=opts["cases"], progress=progress if opts["verbosity"] > 1 else None,
                           services=opts["services"])
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        from banshi.stats.fill import fill

        filled = fill()  # the statistics pages show the demo's figures at once (the worker keeps them current)
        if not verbose:
            return
        self.stdout.write(_("统计数据已汇总：%(d)d 天。") % {"d": len(filled.days)})
        out = self.stdout.write
        out(self.style.SUCCESS(_("演示数据已生成，用时 %(s).1f 秒。") % {"s": r.seconds}))
        out(_("地区 %(p)d 个（秦皇岛海港区、哈尔滨南岗区、汉中汉台区、德州德城区、北京东城区和朝阳区），单位 %(u)d 个，"
              "工作人员 %(people)d 名，网格 %(g)d 个。") % {"p": r.places, "u": r.units, "people": r.people, "g": r.grids})
        if r.knowledge:
            out(_("知识库新增 %(k)d 条答复口径（热线登记时输入咨询内容即提示“当场答复”）。") % {"k": r.knowledge})
        out(_("诉求 %(n)d 件，按状态：") % {"n": r.cases})
        for state in State:
            out(f"  {state.label}（{state.value}）：{r.states.get(state.value, 0)}")
        out(_("其中超期 %(o)d 件，延期 %(e)d 件，重办 %(r)d 件，督办 %(s)d 件，协办 %(c)d 件，转办 %(t)d 件。") % {
            "o": r.overdue, "e": r.extended, "r": r.reopened, "s": r.supervised, "c": r.co_handled, "t": r.transferred,
        })
        aid, med = sum(r.legal_aid.values()), sum(r.mediation.values())
        if aid or med:
            out(_("法律援助案卷 %(a)d 件，人民调解案卷 %(m)d 件（其中 %(r)d 件由群众诉求转入），"
                  "新增调解室 %(rooms)d 个、人民调解员 %(p)d 名；法律援助结案挽回金额 %(y)s 元。") % {
                "a": aid, "m": med, "r": r.referred, "rooms": r.rooms, "p": r.mediators, "y": f"{r.recovered:,.2f}"})
            for label, states, counts in ((_("法律援助"), AidState, r.legal_aid), (_("人民调解"), MedState, r.mediation)):
                out("  " + label + "：" + "，".join(f"{s.label}（{s.value}）{counts.get(s.value, 0)}" for s in states))
        if r.other_matters:
            names = {"notary": _("公证"), "judicial_aid": _("司法救助"), "psych": _("心理服务和危机干预")}
            out(_("其他专项服务：") + "，".join(f"{names.get(k, k)} {v} 件" for k, v in r.other_matters.items()))
        if r.problems:
            self.stderr.write(_("有 %(n)d 个操作未能完成：") % {"n": len(r.problems)})
            for line in r.problems[:20]:
                self.stderr.write(f"  {line}")
        out("")
        out(_("演示账号（密码均为 %(pw)s）：") % {"pw": DEMO_PASSWORD})
        for label, username, unit in r.logins:
            out(f"  {label:<8}  {username:<12}  {unit}")
        out(_("其他地区的账号形如 nangang.court1.handler1、dongcheng.station1.leader1，密码相同。"))
