"""Triage benchmark: classification quality, duplicates, hot spots, speed and memory.

Rerun from the repository root (needs ``../shared/data/teddycup2020``; about 3 minutes)::

    .venv/bin/python bench/triage.py            # 5-fold × 2 cross-validation
    .venv/bin/python bench/triage.py --repeats 1 --skip-baseline   # quicker
    .venv/bin/python bench/triage.py --emergency-only              # section 5 only (about 30 s)

It prints, with the exact figures:

1. macro-F1 by stratified k-fold cross-validation on ``messages_labelled.csv`` (921 rows),
   each fold trained exactly as ``banshi triage train`` does (labelled rows of the fold +
   ``taxonomy.csv`` + the unlabelled ``messages_with_votes.csv`` and
   ``messages_with_replies.csv``), tested on title+detail and on the detail alone; the same
   on a time-shifted split (train ≤ 2017, test ≥ 2018); and a plain character TF-IDF +
   linear SVM baseline on the same folds;
2. duplicate-detection precision/recall on a set built from the real messages (variants
   of 300 messages: traditional characters + other phone number, truncation, dropped and
   reordered sentences, a "再次反映" prefix; negatives: random messages and messages from
   the same district by other users), and SimHash index recall;
3. the top hot spots of ``messages_with_votes.csv`` (heat from up-votes and recency);
4. throughput on one core (demands/s), model load time, memory and size; the 1-million
   SimHash lookup time;
5. the emergency decision (banshi.triage.emergency.emergency_decide): recall and false alarms on
   the written set ``banshi/triage/data/eval_emergency.csv`` (overall, per kind and per batch —
   the batches after the first were written before the rules were changed for them), the
   misses and false alarms, and the false alarms on every real message of
   ``messages_labelled.csv``, ``messages_with_votes.csv`` and ``messages_with_replies.csv`` (none
   is an emergency in the 110 sense: every one flagged is printed for a person to judge).

Figures are printed, never asserted (tests do not time anything).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from banshi.triage.datasets import read_rows, read_taxonomy  # noqa: E402
from banshi.triage.duplicates import Candidate, SimHashIndex, find_duplicates, fingerprint  # noqa: E402
from banshi.triage.hotspots import Demand, find_hotspots  # noqa: E402
from banshi.triage.model import Classifier, classify_many, default_model  # noqa: E402
from banshi.triage.text import normalize  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "teddycup2020"
CST = timezone(timedelta(hours=8))


def parse_time(s: str) -> datetime:
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(s.strip(), fmt).replace(tzinfo=CST)
        except ValueError:
            continue
    raise ValueError(s)


def macro_f1(truth: list[str], pred: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, pred, average="macro"))


def section(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


# ------------------------------------------------------------------------- classification


def bench_classification(folds: int, repeats: int, baseline: bool) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    lab = read_rows(DATA / "messages_labelled.csv")
    unl = read_rows(DATA / "messages_with_votes.csv") + read_rows(DATA / "messages_with_replies.csv")
    tax = read_taxonomy(DATA / "taxonomy.csv")
    joined = [f"{r['留言主题']}\n{r['留言详情']}" for r in lab]
    detail = [r["留言详情"] for r in lab]
    y = np.array([r["一级标签"] for r in lab], dtype=object)
    u_texts = [f"{r['留言主题']}\n{r['留言详情']}" for r in unl]

    section(f"classification: stratified {folds}-fold × {repeats} CV on {len(lab)} labelled messages")
    scores: dict[str, list[float]] = {"joined": [], "detail": [], "baseline": []}
    started = time.perf_counter()
    for rep in range(repeats):
        skf = StratifiedKFold(folds, shuffle=True, random_state=rep)
        for k, (tr, te) in enumerate(skf.split(np.zeros(len(y)), y)):
            clf = Classifier.train([joined[i] for i in tr], y[tr].tolist(), taxonomy=tax, unlabelled=u_texts)
            f_j = macro_f1(y[te].tolist(), clf.predict_labels([joined[i] for i in te]))
            f_d = macro_f1(y[te].tolist(), clf.predict_labels([detail[i] for i in te]))
            scores["joined"].append(f_j)
            scores["detail"].append(f_d)
            line = f"  repeat {rep + 1} fold {k + 1}: title+detail {f_j:.4f}  detail only {f_d:.4f}"
            if baseline:
                raw = [lab[i]["留言主题"] + lab[i]["留言详情"] for i in range(len(lab))]
                pipe = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3)), LinearSVC())
                pipe.fit([raw[i] for i in tr], y[tr])
                f_b = macro_f1(y[te].tolist(), pipe.predict([raw[i] for i in te]).tolist())
                scores["baseline"].append(f_b)
                line += f"  baseline {f_b:.4f}"
            print(line, flush=True)
    for key, label in (("joined", "title+detail"), ("detail", "detail only"), ("baseline", "plain baseline")):
        if scores[key]:
            v = np.array(scores[key])
            print(f"macro-F1 {label:<15} {v.mean():.4f} ± {v.std():.4f} (min {v.min():.4f}, {len(v)} folds)")
    print(f"({time.perf_counter() - started:.0f}s)")

    section("classification: time-shifted split (train ≤ 2017, test ≥ 2018)")
    years = np.array([parse_time(r["留言时间"]).year for r in lab])
    tr, te = np.flatnonzero(years <= 2017), np.flatnonzero(years >= 2018)
    clf = Classifier.train([joined[i] for i in tr], y[tr].tolist(), taxonomy=tax, unlabelled=u_texts)
    f_j = macro_f1(y[te].tolist(), clf.predict_labels([joined[i] for i in te]))
    f_d = macro_f1(y[te].tolist(), clf.predict_labels([detail[i] for i in te]))
    print(f"train {len(tr)}, test {len(te)}: macro-F1 title+detail {f_j:.4f}, detail only {f_d:.4f}")
    if baseline:
        raw = [r["留言主题"] + r["留言详情"] for r in lab]
        pipe = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3)), LinearSVC())
        pipe.fit([raw[i] for i in tr], y[tr])
        print(f"plain baseline: {macro_f1(y[te].tolist(), pipe.predict([raw[i] for i in te]).tolist()):.4f}")


# ----------------------------------------------------------------------------- duplicates

_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def _variants(text: str, rng: random.Random) -> list[tuple[str, str]]:
    """Near-duplicate rewrites of a real message, with the kind of each."""
    from opencc import OpenCC

    s2t = OpenCC("s2t")
    t = normalize(text)
    phone = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
    sents = [s for s in _SENT.findall(t) if s.strip()]
    out = [
        ("traditional+phone", str(s2t.convert(t)) + f" 联系电话{phone}"),
        ("truncated", t[: max(20, int(len(t) * 0.6))]),
        ("prefix", "再次反映：" + t.replace("，", " , ")),
    ]
    if len(sents) >= 3:
        kept = [s for i, s in enumerate(sents) if i % 3 != 1]
        rng.shuffle(kept)
        out.append(("dropped+reordered", "".join(kept)))
    return out


def bench_duplicates(n_base: int = 300) -> None:
    rows = read_rows(DATA / "messages_with_votes.csv") + read_rows(DATA / "messages_with_replies.csv")
    rng = random.Random(0)
    rows = [r for r in rows if len(normalize(r["留言详情"])) >= 40]
    base = rng.sample(rows, n_base)
    district = {
        id(r): (re.findall(r"[A-Z]\d*[区县]", r["留言主题"] + r["留言详情"]) or [""])[0] for r in rows
    }
    by_district: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_district.setdefault(district[id(r)], []).append(r)

    pairs: list[tuple[str, str, bool, str]] = []
    for r in base:
        text = f"{r['留言主题']}\n{r['留言详情']}"
        for kind, v in _variants(text, rng):
            pairs.append((text, v, True, kind))
        others = [
            o for o in by_district.get(district[id(r)], []) if o["留言用户"] != r["留言用户"] and o is not r
        ]
        for o in rng.sample(others, min(2, len(others))):
            pairs.append((text, f"{o['留言主题']}\n{o['留言详情']}", False, "same district"))
        o = rng.choice(rows)
        if o["留言用户"] != r["留言用户"]:
            pairs.append((text, f"{o['留言主题']}\n{o['留言详情']}", False, "random"))

    section(
        f"duplicates: {sum(p[2] for p in pairs)} near-duplicate and {sum(not p[2] for p in pairs)} other pairs"
    )
    started = time.perf_counter()
    linked = [bool(find_duplicates(a, [Candidate(0, b)])) for a, b, _, _ in pairs]
    elapsed = time.perf_counter() - started
    tp = sum(1 for (_, _, pos, _), got in zip(pairs, linked, strict=True) if pos and got)
    fp = sum(1 for (_, _, pos, _), got in zip(pairs, linked, strict=True) if not pos and got)
    fn = sum(1 for (_, _, pos, _), got in zip(pairs, linked, strict=True) if pos and not got)
    print(
        f"find_duplicates (threshold 0.55, no caller/place hints): precision {tp / max(1, tp + fp):.4f}, "
        f"recall {tp / max(1, tp + fn):.4f}  ({len(pairs) / elapsed:.0f} pairs/s)"
    )
    for kind in ("traditional+phone", "truncated", "prefix", "dropped+reordered", "same district", "random"):
        sel = [got for (_, _, _, k), got in zip(pairs, linked, strict=True) if k == kind]
        if sel:
            print(f"  {kind:<18} linked {sum(sel)}/{len(sel)}")
    print(
        "  (negatives from the same district may be real repeats of one matter: precision is a lower bound)"
    )

    index = SimHashIndex()
    all_texts = [f"{r['留言主题']}\n{r['留言详情']}" for r in rows]
    started = time.perf_counter()
    for i, t in enumerate(all_texts):
        index.add(i, t)
    build = time.perf_counter() - started
    pos_of = {id(r): i for i, r in enumerate(rows)}
    hits = total = 0
    for r in base:
        text = f"{r['留言主题']}\n{r['留言详情']}"
        for _, v in _variants(text, rng):
            total += 1
            hits += pos_of[id(r)] in [h[0] for h in index.query(v, k=10, max_distance=40)]
    print(
        f"SimHash index over {len(index)} real messages: recall@10 {hits / total:.4f} of {total} variants "
        f"(fingerprints {len(index) / build:.0f}/s)"
    )
    big = SimHashIndex()
    n = 1_000_000
    big.add_fingerprints(
        list(range(n)), np.random.default_rng(0).integers(0, 2**63, size=(n, 2), dtype=np.uint64)
    )
    probe = fingerprint(all_texts[0])
    started = time.perf_counter()
    for _ in range(20):
        big.query(fp=probe, k=10)
    print(f"SimHash lookup among {n:,} stored demands: {(time.perf_counter() - started) / 20 * 1000:.1f} ms/query, "
          f"{big.nbytes / 1e6:.0f} MB")  # fmt: skip


# ------------------------------------------------------------------------------ hot spots


def bench_hotspots(top: int = 5) -> None:
    rows = read_rows(DATA / "messages_with_votes.csv")
    demands = [
        Demand(
            r["留言编号"],
            f"{r['留言主题']}\n{r['留言详情']}",
            parse_time(r["留言时间"]),
            support=int(r["点赞数"] or 0),
            caller=r["留言用户"],
        )
        for r in rows
    ]
    now = max(d.time for d in demands)
    recent = [d for d in demands if d.time >= now - timedelta(days=365)]
    section(
        f"hot spots: {len(recent)} messages of the last 365 days before {now.date()} (messages_with_votes.csv)"
    )
    started = time.perf_counter()
    spots = find_hotspots(recent, now=now, half_life_days=180, top=top)
    elapsed = time.perf_counter() - started
    titles = {r["留言编号"]: r["留言主题"] for r in rows}
    for rank, h in enumerate(spots, 1):
        print(
            f"{rank}. heat {h.heat:.1f} | {h.count} messages, {h.callers} callers, {h.support} up-votes | "
            f"{h.first.date()}–{h.last.date()} | trend {h.trend}"
        )
        print(f"   {h.label} | place: {h.place or '-'} | key words: {'、'.join(h.keywords)}")
        for id_ in h.ids[:3]:
            print(f"     - {id_} {titles[str(id_)]}")
    print(f"({elapsed:.1f}s for {len(recent)} messages)")


# ------------------------------------------------------------------------------ emergencies

EMERGENCY_SET = ROOT / "banshi" / "triage" / "data" / "eval_emergency.csv"
EMERGENCY_TARGETS = {"recall": 0.98, "false_alarms": 0.01}


def bench_emergency() -> None:
    import csv
    from collections import Counter

    from banshi.triage.emergency import emergency_decide

    with EMERGENCY_SET.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    section(f"emergency decision: written set {EMERGENCY_SET.relative_to(ROOT)}")
    started = time.perf_counter()
    decided = [emergency_decide(r["text"]) for r in rows]
    elapsed = time.perf_counter() - started
    pos = [(r, d) for r, d in zip(rows, decided, strict=True) if r["emergency"] == "1"]
    neg = [(r, d) for r, d in zip(rows, decided, strict=True) if r["emergency"] == "0"]
    misses = [r for r, d in pos if d is None]
    alarms = [(r, d) for r, d in neg if d is not None]
    recall = 1 - len(misses) / len(pos)
    fa = len(alarms) / len(neg)
    ok = recall >= EMERGENCY_TARGETS["recall"] and fa <= EMERGENCY_TARGETS["false_alarms"]
    print(f"recall {recall:.4f} ({len(pos) - len(misses)}/{len(pos)} emergencies), "
          f"false alarms {fa:.4f} ({len(alarms)}/{len(neg)} non-emergencies) — "
          f"targets ≥ {EMERGENCY_TARGETS['recall']}, ≤ {EMERGENCY_TARGETS['false_alarms']}: {'met' if ok else 'NOT MET'}")
    same_kind = sum(1 for r, d in pos if d is not None and d.kind == r["kind"])
    print(f"kind as written: {same_kind}/{len(pos)}; {len(rows) / elapsed:.0f} demands/s")
    by_kind: Counter[str] = Counter(r["kind"] for r, _ in pos)
    hit_kind: Counter[str] = Counter(r["kind"] for r, d in pos if d is not None)
    print("  recall by kind: " + ", ".join(f"{k} {hit_kind[k]}/{n}" for k, n in by_kind.most_common()))
    batches: dict[str, list[tuple[dict[str, str], object]]] = {}
    for r, d in zip(rows, decided, strict=True):
        batch = r["note"].split("：", 1)[0] if r["note"].startswith("第") and "批" in r["note"][:4] else "第一批"
        batches.setdefault(batch, []).append((r, d))
    for batch, items in batches.items():
        p = [d for r, d in items if r["emergency"] == "1"]
        n = [d for r, d in items if r["emergency"] == "0"]
        print(f"  {batch}: recall {sum(d is not None for d in p)}/{len(p)}, false alarms {sum(d is not None for d in n)}/{len(n)}")
    for r in misses:
        print(f"  MISS [{r['kind']}] {r['text']}")
    for r, d in alarms:
        print(f"  FALSE ALARM [{d.kind}: {'、'.join(d.evidence)}] {r['text']}")  # type: ignore[attr-defined]

    section("emergency decision: false alarms on the real messages (2020 泰迪杯 C题)")
    total = flagged_total = 0
    for name in ("messages_labelled.csv", "messages_with_votes.csv", "messages_with_replies.csv"):
        real = read_rows(DATA / name)
        started = time.perf_counter()
        flagged = []
        for r in real:
            d = emergency_decide(f"{r['留言主题']}\n{r['留言详情']}")
            if d is not None:
                flagged.append((r, d))
        elapsed = time.perf_counter() - started
        total += len(real)
        flagged_total += len(flagged)
        print(f"{name}: {len(flagged)}/{len(real)} flagged = {len(flagged) / len(real):.4f} "
              f"(target ≤ {EMERGENCY_TARGETS['false_alarms']}; {len(real) / elapsed:.0f} messages/s)")
        for r, d in flagged:
            print(f"  {r['留言编号']} [{d.kind}: {'、'.join(d.evidence)}] {r['留言主题']}")
    print(f"all real messages: {flagged_total}/{total} flagged = {flagged_total / total:.4f}")


# --------------------------------------------------------------------- speed and memory

_LOAD_PROBE = """
import json, resource, sys, time
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
t0 = time.perf_counter(); r0 = rss()
import numpy, scipy.sparse, opencc  # libraries every process of the project loads anyway
t1 = time.perf_counter(); r1 = rss()
from banshi.triage.model import Classifier, default_model
if sys.argv[1] == '-':
    m = default_model(); m.predict(['我的电动车被偷了'])
else:
    m = Classifier.load(sys.argv[1]); m.predict(['我的电动车被偷了'])
t2 = time.perf_counter(); r2 = rss()
print(json.dumps({'libs_s': t1 - t0, 'load_s': t2 - t1, 'total_s': t2 - t0, 'rss_libs_mb': r1 - r0,
                  'rss_model_mb': r2 - r1, 'rss_total_mb': r2, 'sklearn': 'sklearn' in sys.modules}))
"""


def bench_speed(model_dir: Path) -> None:
    lab = read_rows(DATA / "messages_labelled.csv")
    texts = [f"{r['留言主题']}\n{r['留言详情']}" for r in lab]
    short = [r["留言主题"] for r in lab]
    section("speed and memory (one core: OMP/OpenBLAS threads = 1)")
    clf = Classifier.load(model_dir)
    default_model()
    for name, fn, data in (
        ("trained model, title+detail (mean 420 chars)", clf.predict, texts),
        ("default catalogue, title+detail", classify_many, texts),
        ("default catalogue, short demands (titles)", classify_many, short),
    ):
        fn(data[:50])
        best = 0.0
        for _ in range(3):
            started = time.perf_counter()
            for i in range(0, len(data), 256):
                fn(data[i : i + 256])
            best = max(best, len(data) / (time.perf_counter() - started))
        print(f"{name}: {best:.0f} demands/s")
    started = time.perf_counter()
    for t in short[:200]:
        classify_many([t])
    print(
        f"default catalogue, one demand per call: {(time.perf_counter() - started) / 200 * 1000:.2f} ms/demand"
    )
    size = sum(p.stat().st_size for p in model_dir.iterdir())
    print(
        f"trained model directory: {size / 1e6:.2f} MB ({', '.join(p.name for p in sorted(model_dir.iterdir()))})"
    )
    for label, arg in (("trained model", str(model_dir)), ("default catalogue model", "-")):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD_PROBE, arg], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout
        m = json.loads(out)
        print(
            f"{label}: load {m['load_s']:.2f}s after numpy/scipy/opencc ({m['libs_s']:.2f}s), "
            f"RSS +{m['rss_model_mb']:.0f} MB (process {m['rss_total_mb']:.0f} MB), scikit-learn imported: {m['sklearn']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--emergency-only", action="store_true", help="only section 5, the emergency decision")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"missing {DATA}")
    print(f"banshi triage benchmark — data: {DATA} (2020 泰迪杯 C题)")
    if args.emergency_only:
        bench_emergency()
        return
    if not args.skip_cv:
        bench_classification(args.folds, args.repeats, not args.skip_baseline)
    bench_duplicates()
    bench_hotspots()
    with tempfile.TemporaryDirectory() as tmp:
        section("training the full model as `banshi triage train` does")
        lab = read_rows(DATA / "messages_labelled.csv")
        unl = read_rows(DATA / "messages_with_votes.csv") + read_rows(DATA / "messages_with_replies.csv")
        started = time.perf_counter()
        clf = Classifier.train(
            [f"{r['留言主题']}\n{r['留言详情']}" for r in lab],
            [r["一级标签"] for r in lab],
            taxonomy=read_taxonomy(DATA / "taxonomy.csv"),
            unlabelled=[f"{r['留言主题']}\n{r['留言详情']}" for r in unl],
        )
        path = clf.save(Path(tmp) / "model")
        print(f"trained in {time.perf_counter() - started:.1f}s: {clf.meta['n_features']} features, "
              f"{clf.meta['n_pseudo_labelled']} pseudo-labelled, {clf.meta['n_taxonomy_docs']} taxonomy rows")  # fmt: skip
        bench_speed(path)
    bench_emergency()


if __name__ == "__main__":
    main()
