"""`banshi workflow diagram [KIND]` and `banshi workflow docs`: the state diagrams and rule tables of
the workflow definitions, generated from the definitions themselves (docs/workflows/<kind>.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from banshi.cases.workflow import definition_for, definitions
from banshi.cases.workflow.docs import definition_markdown


class Command(BaseCommand):
    help = "Print a workflow definition's state diagram, or write every definition's docs page."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        diagram = sub.add_parser("diagram", help="print the Mermaid state diagram")
        diagram.add_argument("kind", nargs="?", default="demand")
        docs = sub.add_parser("docs", help="write docs/workflows/<kind>.md for every definition")
        docs.add_argument("--out", default="docs/workflows")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["sub"] == "diagram":
            from banshi.cases.workflow import mermaid_diagram

            definition_for(opts["kind"])  # a clear error for an unknown kind
            self.stdout.write(mermaid_diagram(opts["kind"]))
            return
        out = Path(opts["out"])
        out.mkdir(parents=True, exist_ok=True)
        for d in definitions():
            path = out / f"{d.kind}.md"
            path.write_text(definition_markdown(d), encoding="utf-8")
            self.stdout.write(str(path))
