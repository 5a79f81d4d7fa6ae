"""What an audit event's `details` may hold, per action: one language (Japanese keys, as the
auditor reads them) and one documented meaning per key.

`services.record()` checks every event against this table when `AUDIT_CHECK_DETAILS` is on
(development and tests), so a new key is added here, with its meaning, before it is written.
`docs/audit.md` lists the same table (`tests/audit/test_schema.py` keeps the two equal). Values
are plain JSON; a 個人番号-like digit run is refused whatever the key.
"""

from __future__ import annotations

from collections.abc import Mapping

from .models import Action

#: key → its meaning, shared by the actions below.
KEYS: dict[str, str] = {
    "画面": "表示・操作した画面",
    "経路": "記録のない画面の URL のパス（クエリ文字列なし。監査ログ記録漏れを補った記録）",
    "補記": "画面が記録しなかったため、共通処理が補って記録した（true）",
    "件数": "一覧・出力・取込の行数や件数",
    "ページ": "一覧のページ番号",
    "条件": "検索・絞り込みの条件（項目名 → 値）",
    "該当件数": "検索で該当した件数",
    "上限到達": "該当件数が表示の上限に達したか",
    "検索語SHA-256": (
        "入力された検索語の記録（audit.SearchWords: 検索語とソルト）の SHA-256。検索語そのものは"
        "チェーンの外に置き、監査画面と CSV ではこの値の代わりに表示する（個人番号は記録しない）"
    ),
    "解釈": "検索語をどの項目として解釈したか",
    "入力誤り": "検索条件が不正だったか",
    "検出件数": "異常アクセスの検出件数",
    "日数": "集計した日数",
    "開始日": "期間の開始日",
    "終了日": "期間の終了日",
    "職員": "対象の職員（ユーザーID）",
    "ユーザーID": "入力されたユーザーID",
    "段階": "ログインの段階（パスワード・二要素）",
    "方式": "二要素認証の方式",
    "抑止": "試行回数の制限で拒否したか",
    "変更内容": "職員アカウントの変更の種類",
    "詳細": "変更の詳細（資格情報は含めない）",
    "種類": "受付の種類・取込ファイルの種類",
    "変更前": "変更前の状態・値",
    "変更後": "変更後の状態・値",
    "訂正元": "訂正した元の受付",
    "受付": "対象の受付",
    "結果": "処理の結果（created / served / refused / requested / validated / applied など）",
    "理由": "理由",
    "目的": "出力の目的",
    "出力": "出力の種類",
    "SHA-256": "出力・差分の SHA-256（8桁ごとに区切る）",
    "対象": "差分の対象モデル",
    "進達番号": "進達の番号",
    "届書種類": "届書種類のコード",
    "届書種類別": "届書種類ごとの件数",
    "紙のみ": "紙でだけ進達する件数",
    "事務所": "受付事務所",
    "帳票": "印刷した帳票",
    "期間": "対象の期間",
    "始期": "免除・付加の始期",
    "年度": "対象の年度",
    "申請者": "申請者（印字・表示した世帯の中心の方）",
    "立場": "世帯の中での立場（申請者・配偶者・世帯主）",
    "表示の立場": "画面に表示した方の立場",
    "印字の立場": "帳票に印字した方の立場",
    "異動": "資格の異動の種類",
    "個人番号の有無": "個人番号を登録したか（番号そのものは記録しない）",
    "免除区分": "免除区分",
    "免除理由": "法定免除の理由",
    "付加": "付加保険料の変化",
    "非該当": "付加の非該当年月日",
    "消滅": "法定免除の消滅月",
    "状態": "審査状況の変化（変更前→変更後）",
    "日本年金機構": "日本年金機構の処理結果",
    "基礎年金番号": "基礎年金番号の付番",
    "行": "処理結果ファイルの行番号",
    "ファイル": "取込ファイルの種類",
    "行数": "ファイルの行数",
    "新規": "新規に登録した件数",
    "更新": "更新した件数",
    "一致": "突合で一致した行数",
    "不一致": "突合で不一致の行数",
    "該当なし": "突合で該当のない行数",
    "エラー件数": "取込のエラー件数",
    "基礎年金番号付番": "処理結果で付番した件数",
    "変更なし": "処理結果で変更がなかった件数",
    "免除": "処理結果を反映した免除の件数",
    "返戻": "返戻の件数",
    "取消": "取消の件数",
    "確認": "届出の確認の件数",
    "裁定": "処理結果を反映した裁定請求の件数",
    "請求の種類": "給付の裁定請求の種類",
    "請求年月日": "裁定請求の年月日",
    "所得年": "表示・取り込んだ所得の年",
    "前年所得": "所得の取込で変わった合計所得金額（変更前・変更後）",
    "扶養親族等の数": "所得の取込で変わった扶養親族等の数（変更前・変更後）",
    "扶養親族等控除額": "所得の取込で変わった扶養親族等控除額（変更前・変更後）",
    "社会保険料控除額等": "所得の取込で変わった社会保険料控除額等（変更前・変更後）",
    "障害者": "所得の取込で変わった障害者の別（変更前・変更後）",
    "寡婦・ひとり親": "所得の取込で変わった寡婦・ひとり親の別（変更前・変更後）",
    "生活保護": "所得の取込で変わった生活保護の別（変更前・変更後）",
    "添付書類": "後日受け取った添付書類",
    "受領日": "添付書類の受領日",
    "異動区分別": "住民異動（F3）の異動区分ごとの行数",
    "表別": "初期移行の表ごとの件数",
    "請求": "本人からの請求の種類（開示・訂正・利用停止・問合せ）",
    "決定": "本人からの請求への決定",
    "決定期限": "延長後の決定期限",
    "職員名": "開示文書に職員の氏名を記載したか",
    "閲覧理由": "利用停止中の方の記録を開いた理由",
    "件数別": "保存期間満了で消去した記録の種類ごとの件数",
    "検索語件数": "保存期間満了で消去した、その方を見つける検索語の件数（以前の氏名を含む）",
    "処理": "バックグラウンド処理の名前（処理サーバーの停止で失敗とした処理）",
}

_ANY_SCREEN = {"画面", "件数", "ページ"}

#: action → the keys its details may hold.
SCHEMA: dict[str, frozenset[str]] = {
    Action.VIEW: frozenset(
        {
            *_ANY_SCREEN,
            "種類",
            "受付",
            "職員",
            "開始日",
            "終了日",
            "検出件数",
            "日数",
            "年度",
            "申請者",
            "立場",
            "表示の立場",
            "所得年",
            "請求の種類",
            "経路",
            "補記",
            "請求",
            "閲覧理由",
            "進達番号",
        }
    ),
    Action.SEARCH: frozenset(
        {*_ANY_SCREEN, "条件", "該当件数", "上限到達", "検索語SHA-256", "解釈", "入力誤り"}
    ),
    Action.CREATE: frozenset(
        {
            "異動",
            "個人番号の有無",
            "付加",
            "始期",
            "免除区分",
            "免除理由",
            "期間",
            "件数",
            "届書種類別",
            "紙のみ",
            "進達番号",
            "請求の種類",
            "請求年月日",
            "立場",
            "請求",
        }
    ),
    Action.UPDATE: frozenset(
        {
            "付加",
            "免除区分",
            "非該当",
            "消滅",
            "理由",
            "状態",
            "日本年金機構",
            "基礎年金番号",
            "届書種類",
            "行",
            "添付書類",
            "受領日",
            "種類",
            "請求",
            "決定",
            "決定期限",
            "処理",
        }
    ),
    Action.SUBMIT: frozenset({"種類", "変更前", "変更後", "訂正元", "結果"}),
    Action.VERIFY: frozenset({"種類", "変更前", "変更後"}),
    Action.RETURN: frozenset({"種類", "変更前", "変更後"}),
    Action.WITHDRAW: frozenset({"種類", "変更前", "変更後"}),
    Action.PRINT: frozenset(
        {
            *("結果", "出力", "SHA-256", "事務所", "件数", "帳票", "期間", "申請者"),
            *("印字の立場", "請求の種類", "請求", "職員名"),
        }
    ),
    Action.EXPORT: frozenset(
        {
            *_ANY_SCREEN,
            "種類",
            "変更前",
            "変更後",
            "結果",
            "理由",
            "目的",
            "出力",
            "SHA-256",
            "進達番号",
            "条件",
            "開始日",
            "終了日",
        }
    ),
    Action.IMPORT: frozenset(
        {
            "種類",
            "結果",
            "ファイル",
            "行数",
            "新規",
            "更新",
            "一致",
            "不一致",
            "該当なし",
            "エラー件数",
            "基礎年金番号付番",
            "変更なし",
            "免除",
            "付加",
            "返戻",
            "取消",
            "確認",
            "裁定",
            "SHA-256",
            "異動区分別",
            "表別",
            "所得年",
            "前年所得",
            "扶養親族等の数",
            "扶養親族等控除額",
            "社会保険料控除額等",
            "障害者",
            "寡婦・ひとり親",
            "生活保護",
        }
    ),
    Action.REVEAL_MY_NUMBER: frozenset({"画面"}),
    Action.LOGIN: frozenset({"段階", "方式"}),
    Action.LOGOUT: frozenset(),
    Action.LOGIN_FAILURE: frozenset({"ユーザーID"}),
    Action.SECOND_FACTOR_FAILURE: frozenset({"方式", "抑止"}),
    Action.LOCKOUT: frozenset({"ユーザーID"}),
    Action.ACCOUNT_CHANGE: frozenset({"変更内容", "職員", "詳細"}),
    Action.FIELD_CHANGES: frozenset({"SHA-256", "対象"}),
    Action.PURGE: frozenset({"件数", "件数別", "検索語件数", "結果"}),
}


def unknown_keys(action: str, details: Mapping[str, object]) -> list[str]:
    """The keys of `details` that the schema does not allow for `action` (empty: it fits)."""
    allowed = SCHEMA.get(action, frozenset())
    return sorted(k for k in details if k not in allowed)


def as_markdown() -> str:
    """The two tables of docs/audit.md: keys per action, and the meaning of each key."""
    lines = ["| action | 操作 | keys |", "|---|---|---|"]
    order = list(KEYS)
    for action in Action:
        keys = sorted(SCHEMA[action.value], key=order.index)
        shown = ", ".join(f"`{k}`" for k in keys) or "—"
        lines.append(f"| `{action.value}` | {action.label} | {shown} |")
    lines += ["", "| key | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {meaning} |" for k, meaning in KEYS.items()]
    return "\n".join(lines) + "\n"
