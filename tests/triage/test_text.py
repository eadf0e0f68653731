from banshi.triage.text import (
    MASK_BANK,
    MASK_EMAIL,
    MASK_ID,
    MASK_MOBILE,
    MASK_NAME,
    MASK_PHONE,
    MASK_PLATE,
    MASK_REDACTED,
    clean_whitespace,
    lead,
    mask_pii,
    normalize,
    place_key,
    places,
    to_simplified,
)


def test_to_simplified_converts_traditional():
    assert to_simplified("我們小區的物業亂收費") == "我们小区的物业乱收费"


def test_clean_whitespace_collapses_export_padding():
    raw = "\n\t\t\t\t\n\t\t标题 \u00a0\u3000正文\t\t第二行\n\n\t\t第三行\n   "
    assert clean_whitespace(raw) == "标题 正文 第二行\n第三行"


def test_mask_pii_masks_numbers_and_contacts():
    text = (
        "身份证430102199001011234，手机138 1234 5678，座机0731-88889999，"
        "卡号6222021234567890123，邮箱zhang.san@example.com，车牌湘A12345，电话*****"
    )
    masked = mask_pii(text)
    for token in (MASK_ID, MASK_MOBILE, MASK_PHONE, MASK_BANK, MASK_EMAIL, MASK_PLATE, MASK_REDACTED):
        assert token in masked
    for secret in ("430102199001011234", "5678", "88889999", "6222021234567890123", "zhang.san", "A12345"):
        assert secret not in masked


def test_mask_pii_masks_introduced_names_only():
    assert mask_pii("我叫曹正科，家住A市") == f"我叫{MASK_NAME}，家住A市"
    assert mask_pii("本人李四男，现年45岁") == f"本人{MASK_NAME}男，现年45岁"
    assert mask_pii("我是业主，小区物业不管") == "我是业主，小区物业不管"


def test_mask_pii_keeps_dates_and_short_numbers():
    text = "2019年3月5日下午3点，12栋302室"
    assert mask_pii(text) == text


def test_normalize_is_the_same_for_traditional_fullwidth_and_padded_text():
    a = normalize("我們小區物業亂收費，電話：１３８１２３４５６７８\t\t")
    b = normalize("我们小区物业乱收费,电话:13900001111")
    assert a == b
    assert "1381234" not in a


def test_lead_takes_the_title_or_first_sentence():
    assert lead("A市A3区夜间施工噪音扰民\n每天晚上十点以后还在施工") == "A市A3区夜间施工噪音扰民"
    assert lead("路灯坏了。请尽快修理") == "路灯坏了"
    assert (
        len(
            lead(
                "没有任何标点的一段很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长的文字"
                * 3
            )
        )
        == 30
    )


def test_places_finds_districts_and_named_spots():
    text = "A市A3区中海国际社区三期夜间施工，靠近黄兴路步行街；A5区魅力之城小区"
    found = places(text)
    assert found[:3] == ["A市", "A3区", "A5区"]
    assert {"中海国际社区", "黄兴路步行街", "魅力之城小区"} <= set(found)
    assert place_key(text) == "A3区中海国际社区"


def test_fast_nfkc_equals_unicode_nfkc():
    import unicodedata

    from banshi.triage.text import nfkc

    chars = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "\u00a0", "\u2026", "①", "㎡", "Ⅱ", "ｶ"]
    for ch in chars:
        text = f"物业{ch}收费，电话：１３８"
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(ch)
