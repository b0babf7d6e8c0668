"""The contracts' codes in words, once, in Japanese and English: asset kinds, data categories,
encryption, and the ledger's common colour words. E-mails, the incident console, the PPC report
draft and the kiosk all show these, so a code reads the same wherever a person meets it. An unknown
code is shown as it is, never dropped."""
from __future__ import annotations

KINDS: dict[str, tuple[str, str]] = {
    "laptop": ("ノートPC", "laptop"), "smartphone": ("スマートフォン", "smartphone"),
    "tablet": ("タブレット", "tablet"), "usb_storage": ("USBメモリ", "USB stick"),
    "other": ("その他の機器", "other device"),
}
CATEGORIES: dict[str, tuple[str, str]] = {
    "name": ("氏名", "name"), "email": ("メールアドレス", "e-mail address"), "phone": ("電話番号", "phone number"),
    "address": ("住所", "postal address"), "birth_date": ("生年月日", "date of birth"),
    "credit_card": ("クレジットカード番号", "credit card number"), "bank_account": ("銀行口座情報", "bank account details"),
    "health": ("健康・病歴情報（要配慮個人情報）", "health data (sensitive)"),
    "sensitive": ("その他の要配慮個人情報", "other sensitive personal data"),
    "my_number": ("個人番号（マイナンバー）", "My Number (individual number)"),
    "login_credentials": ("ログインID・パスワード", "login IDs and passwords"), "other": ("その他", "other"),
}
ENCRYPTION: dict[str, tuple[str, str]] = {
    "none": ("暗号化なし", "not encrypted"), "full_disk": ("ディスク全体の暗号化", "full-disk encryption"),
    "file_level": ("ファイル単位の暗号化", "file-level encryption"),
}

# the ledger's colour is free text; a common colour word is said in the reader's language
COLOURS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("黒", ("black",)), ("白", ("white",)), ("シルバー", ("silver",)), ("グレー", ("grey", "gray")),
    ("スペースグレイ", ("space grey", "space gray")), ("青", ("blue",)), ("ネイビー", ("navy",)),
    ("赤", ("red",)), ("緑", ("green",)), ("黄", ("yellow",)), ("オレンジ", ("orange",)),
    ("ゴールド", ("gold",)), ("ローズゴールド", ("rose gold",)), ("ピンク", ("pink",)), ("紫", ("purple",)),
    ("茶", ("brown",)), ("ベージュ", ("beige",)),
)
_COLOUR_WORDS = {word: (ja, en[0]) for ja, en in COLOURS for word in (ja, *en)}


def _say(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    pair = table.get(str(code))
    return (pair[1] if lang == "en" else pair[0]) if pair else str(code)


def kind(code: str, lang: str = "ja") -> str:
    """An asset kind in words: ``ノートPC`` / ``laptop``."""
    return _say(KINDS, code, lang)


def category(code: str, lang: str = "ja") -> str:
    """A data category in words: ``個人番号（マイナンバー）`` / ``My Number (individual number)``."""
    return _say(CATEGORIES, code, lang)


def encryption(code: str, lang: str = "ja") -> str:
    """An encryption level in words: ``ディスク全体の暗号化`` / ``full-disk encryption``."""
    return _say(ENCRYPTION, code, lang)


def upper_first(text: str) -> str:
    """For the start of an English sentence or subject: ``USB stick`` stays ``USB stick``, which
    Jinja's ``capitalize`` would turn into ``Usb stick``."""
    return text[:1].upper() + text[1:]


def colour(value: str, lang: str = "ja") -> str:
    """A colour from the ledger in the reader's language when it is a common word (``black`` → ``黒``);
    any other text (``matte black with stickers``) is shown as it was written."""
    pair = _COLOUR_WORDS.get(" ".join(str(value).split()).lower())
    return (pair[1] if lang == "en" else pair[0]) if pair else str(value)
