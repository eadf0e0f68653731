import csv
import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from banshi.triage.datasets import read_taxonomy, texts_and_labels, unlabelled_texts
from banshi.triage.features import CharTfidf, decode_key, l2_normalize, ngram_keys
from banshi.triage.model import Classifier, TrainConfig, taxonomy_documents

DOCS = ["物业乱收费", "小区物业不作为", "公交线路太少", "公交车司机态度差", "", "物业费太贵了"]


def test_char_tfidf_matches_scikit_learn():
    ours = CharTfidf(ngram_range=(1, 3), min_df=2).fit(DOCS)
    ref = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, lowercase=False)
    ref_x = ref.fit_transform(DOCS).toarray()
    vocab = sorted(ref.vocabulary_, key=ref.vocabulary_.get)
    ours_x = ours.transform(DOCS).toarray()
    mapping = [vocab.index(decode_key(int(k))) for k in ours.keys]
    assert len(mapping) == len(vocab)
    np.testing.assert_allclose(ours_x, ref_x[:, mapping], rtol=1e-5, atol=1e-6)


def test_ngram_keys_never_span_documents():
    keys, docs = ngram_keys(["ab", "c"], (2,))
    assert [decode_key(int(k)) for k in keys] == ["ab"]
    assert docs.tolist() == [0]


def test_l2_normalize_keeps_empty_rows():
    x = CharTfidf(min_df=1).fit(["ab"]).counts(["", "ab", "zz"])
    norms = np.sqrt(np.asarray(l2_normalize(x).multiply(l2_normalize(x)).sum(axis=1)).ravel())
    np.testing.assert_allclose(norms, [0, 1, 0], atol=1e-6)


def test_taxonomy_documents_fill_blank_cells_and_drop_other():
    rows = [
        ["城乡建设", "安全生产", "事故处理"],
        ["", "", "安全隐患"],
        ["", "其他", "其他"],
        ["政法", "治安", "其他"],
    ]
    docs, labels = taxonomy_documents(rows, {"城乡建设"})
    assert docs == ["安全生产 事故处理", "安全生产 安全隐患"]
    assert labels == ["城乡建设", "城乡建设"]


def test_train_save_load_predict_round_trip(tmp_path):
    texts = [
        "小区物业乱收费",
        "物业公司不维修电梯",
        "物业费太贵",
        "公交线路太少",
        "公交车不按站停",
        "出租车拒载",
    ] * 4
    labels = ["城乡建设" if i % 6 < 3 else "交通运输" for i in range(len(texts))]
    clf = Classifier.train(
        texts, labels, unlabelled=["电梯坏了物业不管", "公交站台破损"], taxonomy=[["交通运输", "公共交通"]]
    )
    assert clf.meta["n_pseudo_labelled"] == 2
    assert clf.meta["n_taxonomy_docs"] == 1
    path = clf.save(tmp_path / "m")
    loaded = Classifier.load(path)
    probe = ["物業亂收費", "公交车太挤", "我家着火了，救命"]
    a, b = clf.predict(probe), loaded.predict(probe)
    assert [p.category for p in a] == [p.category for p in b] == ["城乡建设", "交通运输", a[2].category]
    assert [p.confidence for p in a] == pytest.approx([p.confidence for p in b], abs=1e-6)
    assert b[2].urgent and b[2].transfer_to == ("119",)
    assert b[0].agency == "other" and b[0].reason.startswith("判为「城乡建设」")
    assert len(b[0].alternatives) == 2
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    assert meta["classes"] == ["交通运输", "城乡建设"]


def test_train_rejects_empty_input():
    with pytest.raises(ValueError):
        Classifier.train(["", " "], ["a", "b"])


def test_real_messages_subset(teddy, tmp_path):
    texts, labels = texts_and_labels(teddy / "messages_labelled.csv", ["留言主题", "留言详情"], "一级标签")
    assert len(texts) == 921
    unl = unlabelled_texts(teddy / "messages_with_votes.csv", ["留言主题", "留言详情"])[:400]
    tax = read_taxonomy(teddy / "taxonomy.csv")
    train_idx = [i for i in range(len(texts)) if i % 3]
    test_idx = [i for i in range(len(texts)) if not i % 3][:150]
    clf = Classifier.train(
        [texts[i] for i in train_idx],
        [labels[i] for i in train_idx],
        taxonomy=tax,
        unlabelled=unl,
        config=TrainConfig(pseudo_per_class=20),
    )
    assert clf.meta["n_pseudo_labelled"] > 0
    clf.save(tmp_path / "m")
    loaded = Classifier.load(tmp_path / "m")
    predicted = loaded.predict_labels([texts[i] for i in test_idx])
    accuracy = np.mean([p == labels[i] for p, i in zip(predicted, test_idx, strict=True)])
    assert accuracy > 0.75
    assert (tmp_path / "m" / "model.npz").stat().st_size < 5_000_000


def test_csv_helpers_skip_unlabelled_rows(tmp_path):
    path = tmp_path / "d.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "body", "label"])
        w.writerow(["物业", "乱收费", "城建"])
        w.writerow(["公交", "太少", ""])
        w.writerow(["", "", "城建"])
    assert texts_and_labels(path, ["title", "body"], "label") == (["物业\n乱收费"], ["城建"])
    assert unlabelled_texts(path, ["body", "missing"]) == ["乱收费", "太少"]
