"""``banshi triage classify|train|eval|corrections``: classify demands, train and evaluate models,
export the dispatchers' corrections.

* ``classify [--model DIR]`` reads JSON lines (``{"text": ...}``; ``title`` is put in
  front when given; a line that is not JSON is taken as the text) on stdin and writes one
  JSON line per input with ``agency``, ``category``, ``confidence``, ``urgent``,
  ``alternatives``, ``reason`` …; an ``id`` in the input is echoed. ``DIR`` is a model
  written by ``train`` (either kind).
* ``train --data F.csv --text-columns C1,C2 --label-column L --out DIR
  [--taxonomy T.csv] [--unlabelled U1.csv U2.csv ...]`` trains a model.
* ``train --from-corrections --out DIR`` writes the live routing model: the database's
  catalogue plus the dispatchers' corrections (banshi/triage/corrections.py), and prints
  how many corrections were used or ignored, per agency.
* ``eval --data F.csv --text-columns ... --label-column L [--model DIR | --folds K]``
  prints accuracy, macro-F1, a confusion table and throughput.
* ``eval --units [--data F.csv] [--model DIR] [--misses]`` routes each demand of a unit-kind set
  (default: the shipped ``banshi/triage/data/eval_units.csv``; columns text, expected_unit_kind,
  note) with the catalogue model (default: the shipped catalogue's; ``DIR`` one written by
  ``train --from-corrections``) and compares the predicted item's first unit kind with the
  expected one: accuracy, precision and recall per unit kind, the worst confusions
  (banshi/triage/unit_eval.py). ``--misses`` also lists the wrongly routed demands.
* ``corrections [--since YYYY-MM-DD] [--out F.csv]`` exports the corrections as CSV, with
  mobile and ID numbers masked; the export is written to the audit log.

Only ``train --from-corrections`` and ``corrections`` use the database.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date

from banshi.triage.datasets import (
    DatasetError,
    read_taxonomy,
    split_columns,
    texts_and_labels,
    unlabelled_texts,
)
from banshi.triage.model import CatalogueModel, Classifier, TrainConfig, default_model

_TEXT_KEYS = ("text", "content", "留言详情", "detail", "body")
_TITLE_KEYS = ("title", "留言主题", "subject")


def _record_text(line: str) -> tuple[str, Any]:
    """(text, id) of one input line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return line, None
    if isinstance(obj, str):
        return obj, None
    if not isinstance(obj, dict):
        return str(obj), None
    body = next((str(obj[k]) for k in _TEXT_KEYS if obj.get(k)), "")
    title = next((str(obj[k]) for k in _TITLE_KEYS if obj.get(k)), "")
    text = f"{title}\n{body}" if title and body and not body.lstrip().startswith(title) else (body or title)
    return text, obj.get("id")


class Command(BaseCommand):
    help = "分流分类：classify（分类 JSON 行）、train（训练模型）、eval（评估）、corrections（导出派单纠正记录）"
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        p = sub.add_parser("classify", help="classify JSON lines from stdin")
        p.add_argument("--model", help="a trained model directory (default: the routing catalogue model)")
        p.add_argument("--batch-size", type=int, default=256)

        p = sub.add_parser(
            "train", help="train a model from a labelled CSV, or the routing model from the corrections"
        )
        self._data_arguments(p, required=False)
        p.add_argument(
            "--from-corrections",
            action="store_true",
            help="write the live routing model (database catalogue + dispatchers' corrections); no --data",
        )
        p.add_argument("--out", required=True, help="directory to write the model to")
        p.add_argument("--taxonomy", help="category tree CSV: labels in the first column")
        p.add_argument("--unlabelled", nargs="*", default=[], help="CSV files of past demands without labels")

        p = sub.add_parser("eval", help="evaluate a model or cross-validate a fresh one")
        self._data_arguments(p, required=False, unless="--units")
        p.add_argument(
            "--units", action="store_true",
            help="routing to the unit: score the predicted item's first unit kind against expected_unit_kind "
                 "(--data defaults to the shipped banshi/triage/data/eval_units.csv)",
        )
        p.add_argument("--misses", action="store_true", help="with --units: list the wrongly routed demands")
        p.add_argument("--model", help="evaluate this trained model on --data")
        p.add_argument("--folds", type=int, default=5, help="cross-validation folds when no --model")
        p.add_argument("--repeats", type=int, default=1, help="repetitions of the cross-validation")
        p.add_argument("--taxonomy", help="category tree CSV (cross-validation only)")
        p.add_argument("--unlabelled", nargs="*", default=[], help="unlabelled CSVs (cross-validation only)")

        p = sub.add_parser("corrections", help="export the dispatchers' corrections as CSV (numbers masked)")
        p.add_argument("--since", help="only corrections stored on or after this day (YYYY-MM-DD, Beijing time)")
        p.add_argument("--out", help="CSV file to write (UTF-8 with BOM); default: standard output")

    @staticmethod
    def _data_arguments(p: CommandParser, *, required: bool = True, unless: str = "--from-corrections") -> None:
        when = "" if required else f" (required unless {unless})"
        p.add_argument("--data", required=required, help="labelled CSV (UTF-8, with header)" + when)
        p.add_argument(
            "--text-columns",
            required=required,
            help="comma-separated text columns, e.g. 留言主题,留言详情" + when,
        )
        p.add_argument("--label-column", required=required, help="the label column, e.g. 一级标签" + when)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "classify":
                self._classify(options)
            elif action == "train":
                self._train(options)
            elif action == "eval":
                self._eval(options)
            elif action == "corrections":
                self._corrections(options)
        except (DatasetError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc

    # classify ----------------------------------------------------------------------
    def _classify(self, options: dict[str, Any]) -> None:
        stdin: IO[str] = options.get("stdin") or sys.stdin
        loaded = _load_model(options["model"]) if options.get("model") else None
        model = loaded if isinstance(loaded, Classifier) else None
        catalogue = loaded if isinstance(loaded, CatalogueModel) else default_model()
        lines = (line.rstrip("\n") for line in stdin)
        records = ((_record_text(line)) for line in lines if line.strip())
        for batch in _batches(records, max(1, options["batch_size"])):
            texts = [t for t, _ in batch]
            preds = model.predict(texts, catalogue=catalogue) if model else catalogue.predict(texts)
            for (_, id_), pred in zip(batch, preds, strict=True):
                out = pred.to_dict()
                if id_ is not None:
                    out = {"id": id_, **out}
                self.stdout.write(json.dumps(out, ensure_ascii=False))

    # train ------------------------------------------------------------------------
    def _train(self, options: dict[str, Any]) -> None:
        if options.get("from_corrections"):
            self._train_from_corrections(options)
            return
        missing = [f"--{k.replace('_', '-')}" for k in ("data", "text_columns", "label_column") if not options.get(k)]
        if missing:
            raise CommandError(f"缺少参数：{'、'.join(missing)}（或改用 --from-corrections）")
        columns = split_columns(options["text_columns"])
        texts, labels = texts_and_labels(options["data"], columns, options["label_column"])
        taxonomy = read_taxonomy(options["taxonomy"]) if options.get("taxonomy") else None
        unlabelled: list[str] = []
        for path in options.get("unlabelled") or []:
            unlabelled += unlabelled_texts(path, columns)
        started = time.perf_counter()
        clf = Classifier.train(texts, labels, taxonomy=taxonomy, unlabelled=unlabelled, config=TrainConfig())
        clf.meta.update({"text_columns": columns, "label_column": options["label_column"]})
        path = clf.save(options["out"])
        m = clf.meta
        self.stdout.write(
            f"trained on {m['n_labelled']} labelled rows, {m['n_taxonomy_docs']} taxonomy rows, "
            f"{m['n_pseudo_labelled']} pseudo-labelled of {len(unlabelled)} unlabelled; "
            f"{len(clf.classes)} classes, {m['n_features']} features; "
            f"{time.perf_counter() - started:.1f}s → {path}"
        )

    def _train_from_corrections(self, options: dict[str, Any]) -> None:
        from django.utils import timezone

        from banshi.triage.corrections import catalogue_model_save
        from banshi.triage.integration import catalogue_build

        extra = [k for k in ("data", "text_columns", "label_column", "taxonomy", "unlabelled") if options.get(k)]
        if extra:
            raise CommandError(
                "--from-corrections 训练的是分流事项模型，不能同时使用 "
                + "、".join(f"--{k.replace('_', '-')}" for k in extra)
            )
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out 应为目录：{out} 已存在且不是目录")
        started = time.perf_counter()
        model, _, summary = catalogue_build()
        elapsed = time.perf_counter() - started
        meta = {
            "source": "catalogue+corrections",
            "trained_at": timezone.localtime().isoformat(timespec="seconds"),
            "corrections": summary.as_dict(),
        }
        path = catalogue_model_save(model, out, meta)
        for line in summary.lines():
            self.stdout.write(line)
        if not summary.used:
            self.stdout.write("没有可用的纠正记录：写入的是仅由事项目录训练的模型")
        self.stdout.write(
            f"已训练：{len(model.items)}个事项，{model.model.vectorizer.n_features}个特征，"
            f"用时{elapsed:.1f}秒 → {path}"
        )

    # corrections -------------------------------------------------------------------
    def _corrections(self, options: dict[str, Any]) -> None:
        from banshi.core.audit import audit_write
        from banshi.triage.corrections import corrections_write

        since = None
        if options.get("since"):
            try:
                since = parse_date(options["since"])
            except ValueError:  # well formed but no such day
                since = None
            if since is None:
                raise CommandError(f"日期格式不正确：{options['since']}（应为 YYYY-MM-DD）")
        out = options.get("out")
        if out:
            path = Path(out)
            if path.is_dir():
                raise CommandError(f"--out 应为文件：{path} 是目录")
            if not path.parent.is_dir():
                raise CommandError(f"目录不存在：{path.parent}")
            # Personal data: readable by the owner only when the file is new.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(fd, "w", encoding="utf-8-sig", newline="") as fh:
                n = corrections_write(fh, since)
        else:
            n = corrections_write(cast(IO[str], self.stdout._out), since)
        audit_write(
            actor_id=None, action="triage_label_export", object_type="triage_label", object_id="",
            data={"file": str(out or "-"), "rows": n, "since": options.get("since") or "", "masked": True},
        )
        if out:
            self.stdout.write(f"已导出{n}条纠正记录：{out}")
        else:
            self.stderr.write(f"已导出{n}条纠正记录")

    # eval -------------------------------------------------------------------------
    def _eval(self, options: dict[str, Any]) -> None:
        import numpy as np
        from sklearn.model_selection import StratifiedKFold

        if options.get("units"):
            self._eval_units(options)
            return
        missing = [f"--{k.replace('_', '-')}" for k in ("data", "text_columns", "label_column") if not options.get(k)]
        if missing:
            raise CommandError(f"缺少参数：{'、'.join(missing)}（或改用 --units 评估分流到单位）")
        columns = split_columns(options["text_columns"])
        texts, labels = texts_and_labels(options["data"], columns, options["label_column"])
        y = np.asarray(labels, dtype=object)
        if options.get("model"):
            clf = _load_model(options["model"])
            started = time.perf_counter()
            preds = clf.predict(texts)
            elapsed = time.perf_counter() - started
            predicted = [p.category for p in preds]
            classes = clf.classes if isinstance(clf, Classifier) else clf.model.classes
            self._report(labels, predicted, sorted(set(labels) | set(classes)))
            self.stdout.write(
                f"throughput: {len(texts) / elapsed:.0f} demands/s ({len(texts)} in {elapsed:.2f}s)"
            )
            return
        taxonomy = read_taxonomy(options["taxonomy"]) if options.get("taxonomy") else None
        unlabelled: list[str] = []
        for path in options.get("unlabelled") or []:
            unlabelled += unlabelled_texts(path, columns)
        folds = options["folds"]
        if folds < 2:
            raise CommandError("--folds must be at least 2")
        predicted_all: list[str] = []
        truth_all: list[str] = []
        scores: list[float] = []
        n_pred, t_pred = 0, 0.0
        for repeat in range(max(1, options["repeats"])):
            skf = StratifiedKFold(folds, shuffle=True, random_state=repeat)
            for k, (tr, te) in enumerate(skf.split(np.zeros(len(y)), y)):
                clf = Classifier.train(
                    [texts[i] for i in tr], y[tr].tolist(), taxonomy=taxonomy, unlabelled=unlabelled
                )
                started = time.perf_counter()
                fold_labels = [p.category for p in clf.predict([texts[i] for i in te])]
                t_pred += time.perf_counter() - started
                n_pred += len(te)
                f1 = _macro_f1(y[te].tolist(), fold_labels)
                scores.append(f1)
                self.stdout.write(f"repeat {repeat + 1} fold {k + 1}/{folds}: macro-F1 {f1:.4f}")
                predicted_all += fold_labels
                truth_all += y[te].tolist()
        mean = float(np.mean(scores))
        std = float(np.std(scores))
        self.stdout.write(
            f"cross-validation ({folds}-fold × {max(1, options['repeats'])}): macro-F1 {mean:.4f} ± {std:.4f}"
        )
        self._report(truth_all, predicted_all, sorted(set(labels)))
        self.stdout.write(f"throughput: {n_pred / t_pred:.0f} demands/s ({n_pred} in {t_pred:.2f}s)")

    def _eval_units(self, options: dict[str, Any]) -> None:
        from banshi.triage.unit_eval import EVAL_UNITS_FILE, evaluate_units, read_unit_cases, report_lines

        extra = [k for k in ("text_columns", "label_column", "taxonomy", "unlabelled") if options.get(k)]
        if extra:
            raise CommandError(
                "--units 使用单位评估集的 text、expected_unit_kind 列，不能同时使用 "
                + "、".join(f"--{k.replace('_', '-')}" for k in extra)
            )
        model = None
        if options.get("model"):
            loaded = _load_model(options["model"])
            if not isinstance(loaded, CatalogueModel):
                raise CommandError(f"--units 需要分流事项模型（train --from-corrections 写出的目录）：{options['model']}")
            model = loaded
        path = Path(options.get("data") or EVAL_UNITS_FILE)
        cases = read_unit_cases(path)
        result = evaluate_units(cases, model)
        source = path.name if path == EVAL_UNITS_FILE else str(path)
        for line in report_lines(result, source=source):
            self.stdout.write(line)
        if options.get("misses"):
            self.stdout.write("wrongly routed (expected → predicted, item):")
            for case, kind, item in result.misses():
                text = " ".join(case.text.split())
                self.stdout.write(f"  {case.expected} → {kind} ({item}): {text[:60]}")

    def _report(self, truth: Sequence[str], predicted: Sequence[str], classes: list[str]) -> None:
        acc = sum(a == b for a, b in zip(truth, predicted, strict=True)) / max(1, len(truth))
        self.stdout.write(f"accuracy: {acc:.4f}")
        self.stdout.write(f"macro-F1: {_macro_f1(truth, predicted):.4f}")
        self.stdout.write("confusion (rows = true, columns = predicted):")
        for line in confusion_table(truth, predicted, classes):
            self.stdout.write(line)


def _load_model(directory: str) -> Classifier | CatalogueModel:
    """A model directory written by ``train``: a trained classifier or a routing catalogue model."""
    from banshi.triage.corrections import CATALOGUE_KIND, catalogue_model_load, model_kind

    try:
        if model_kind(directory) == CATALOGUE_KIND:
            return catalogue_model_load(directory)
        return Classifier.load(directory)
    except (ValueError, KeyError) as exc:
        raise CommandError(f"无法读取模型 {directory}：{exc}") from exc


def _batches(items: Iterator[tuple[str, Any]], size: int) -> Iterator[list[tuple[str, Any]]]:
    while batch := list(islice(items, size)):
        yield batch


def _macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-averaged F1 over the labels present in ``truth``."""
    labels = sorted(set(truth))
    f1s = []
    for lab in labels:
        tp = sum(1 for a, b in zip(truth, predicted, strict=True) if a == lab and b == lab)
        fp = sum(1 for a, b in zip(truth, predicted, strict=True) if a != lab and b == lab)
        fn = sum(1 for a, b in zip(truth, predicted, strict=True) if a == lab and b != lab)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def confusion_table(truth: Sequence[str], predicted: Sequence[str], classes: list[str]) -> list[str]:
    """A plain-text confusion table; columns are numbered, rows carry the label names."""
    index = {c: i for i, c in enumerate(classes)}
    counts = [[0] * len(classes) for _ in classes]
    for a, b in zip(truth, predicted, strict=True):
        if a in index and b in index:
            counts[index[a]][index[b]] += 1
    width = max(5, *(len(str(v)) + 1 for row in counts for v in row))
    head = " " * 4 + "".join(f"{j + 1:>{width}}" for j in range(len(classes)))
    lines = [head]
    for i, c in enumerate(classes):
        lines.append(f"{i + 1:>3} " + "".join(f"{v:>{width}}" for v in counts[i]) + f"  {c}")
    return lines
