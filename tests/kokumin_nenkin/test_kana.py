"""Kana conversion (kokumin_nenkin.kana): the register's full-width フリガナ, the F1 file's
half-width 氏名カナ, and kana compared in any width."""

import pytest

from kokumin_nenkin.kana import (
    NoHalfWidthForm,
    comparable,
    to_full_width,
    to_half_width,
    to_katakana,
)


@pytest.mark.parametrize(
    ("typed", "half"),
    [
        ("クマガヤ　ハナコ", "ｸﾏｶﾞﾔ ﾊﾅｺ"),
        ("くまがや はなこ", "ｸﾏｶﾞﾔ ﾊﾅｺ"),  # hiragana too
        ("ガギグゲゴ", "ｶﾞｷﾞｸﾞｹﾞｺﾞ"),  # 濁点: two half-width characters each
        ("パピプペポ", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"),  # 半濁点
        ("ヴ", "ｳﾞ"),
        ("ゔ", "ｳﾞ"),
        ("ヂヅ", "ﾁﾞﾂﾞ"),
        ("ァィゥェォャュョッ", "ｧｨｩｪｫｬｭｮｯ"),  # small kana keep their own half-width form
        ("ユーコ", "ﾕｰｺ"),  # 長音
        ("ジョン・スミス", "ｼﾞｮﾝ･ｽﾐｽ"),  # 中黒
        ("ヰヱヵヶヮ", "ｲｴｶｹﾜ"),  # no half-width form: the conventional spelling
        ("ヷヸヹヺ", "ﾜﾞｲﾞｴﾞｦﾞ"),
        ("カ\u3099", "ｶﾞ"),  # a combining voiced mark
        ("ｶﾞｸ", "ｶﾞｸ"),  # already half width
        ("ＡＢＣ　１２３", "ABC 123"),  # full-width letters, digits and space
    ],
)
def test_half_width_for_the_f1_file(typed, half):
    assert to_half_width(typed) == half


def test_a_voiced_letter_takes_two_bytes_in_cp932():
    assert to_half_width("ガ").encode("cp932") == b"\xb6\xde"


@pytest.mark.parametrize(("text", "char"), [("山田", "山"), ("ア𠮷", "𠮷"), ("サヽキ", "ヽ")])
def test_a_character_with_no_half_width_form_is_named(text, char):
    with pytest.raises(NoHalfWidthForm) as refused:
        to_half_width(text)
    assert refused.value.char == char


def test_every_katakana_with_a_half_width_form_comes_back_unchanged():
    """What the F1 file holds reads back as the name the register holds."""
    letters = [chr(cp) for cp in range(ord("ァ"), ord("ヴ") + 1)]
    no_form = set("ヮヰヱ")
    for letter in letters:
        if letter not in no_form:
            assert to_katakana(to_half_width(letter)) == letter


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"),
        ("やまだ　たろう", "ヤマダ　タロウ"),
        ("  ヤマダ   タロウ ", "ヤマダ　タロウ"),  # spaces collapsed, none at the ends
        ("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"),
        ("ﾁﾞﾂﾞ", "ヂヅ"),
        ("ﾜﾞ", "ヷ"),  # the voiced mark joins its letter
        ("ｼｮｳｺﾞ", "ショウゴ"),
        ("ﾕｰｺ", "ユーコ"),
        ("ゝ", "ゝ"),  # the iteration mark is kept, as the stored search keys have it
    ],
)
def test_full_width_katakana_for_the_register(typed, stored):
    assert to_katakana(typed) == stored


@pytest.mark.parametrize(
    ("text", "full"),
    [
        ("ｶﾞ A1", "ガ　Ａ１"),
        ("ﾊﾟｸ", "パク"),
        ("熊谷市宮町二丁目47番地1", "熊谷市宮町二丁目４７番地１"),
    ],
)
def test_full_width_for_the_f1_text_fields(text, full):
    assert to_full_width(text) == full


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("ｸﾏｶﾞﾔ ﾊﾅｺ", "クマガヤ　ハナコ", True),
        ("くまがや はなこ", "クマガヤハナコ", True),
        ("ジョン・スミス", "ｼﾞｮﾝ ｽﾐｽ", True),
        ("クマガヤ", "クマカヤ", False),  # a 濁点 is a different name
        ("ユウコ", "ユーコ", False),
    ],
)
def test_kana_compared_in_any_width(a, b, same):
    assert (comparable(a) == comparable(b)) is same
