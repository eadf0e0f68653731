"""`banshi open311 key --name NAME [--unit ID]`: issue an api_key for a GeoReport v2 client."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Open311 GeoReport v2: `open311 key --name NAME` issues an api_key (shown once; only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        key = sub.add_parser("key", help="issue an api_key for a client")
        key.add_argument("--name", required=True)
        key.add_argument("--unit", type=int, help="intake unit for this client's requests (default: by region)")
        sub.add_parser("list", help="list clients")
        revoke = sub.add_parser("revoke", help="disable a client")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        from banshi.core.errors import DomainError
        from banshi.intake.models import Open311Client
        from banshi.intake.open311 import open311_key_issue
        from banshi.orgs.models import Unit

        if opts["what"] == "key":
            unit = None
            if opts["unit"]:
                unit = Unit.objects.filter(pk=opts["unit"], is_active=True).first()
                if unit is None:
                    raise CommandError("受理单位不存在或已停用。")
            try:
                client, key = open311_key_issue(name=opts["name"], unit=unit)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stderr.write(f"客户端 #{client.pk} {client.name}：api_key 只显示这一次，请妥善保存。")
            self.stdout.write(key)
        elif opts["what"] == "list":
            for c in Open311Client.objects.order_by("id"):
                state = "启用" if c.is_active else "停用"
                self.stdout.write(f"{c.pk}\t{c.name}\t{state}\t{c.last_used_at or '-'}")
        else:
            if not Open311Client.objects.filter(pk=opts["id"]).update(is_active=False):
                raise CommandError("客户端不存在。")
            self.stdout.write("已停用。")
