"""Screen texts in Japanese (default) and English; refusal reasons come from contracts.errors."""
from __future__ import annotations

TEXTS = {
    "title": ("備品の持ち出し・返却", "Equipment checkout and return"),
    "idle_title": ("社員証をタッチしてください", "Tap your employee card"),
    "idle_sub": ("返却はQRラベルをスキャンするだけです", "To return an item, just scan its QR label"),
    "idle_reader_down_title": ("社員証を読み取れません", "Employee cards cannot be read right now"),
    "idle_reader_down_return": ("返却はQRラベルのスキャンでできます", "You can still return an item: scan its QR label"),
    "idle_reader_down_checkout": ("持ち出しは、復旧を待つか情報システム担当へ連絡してください",
                                  "To take one out, wait for the reader or call the IT desk"),
    "greet": ("{name}さん、こんにちは", "Hello, {name}"),
    "scan_prompt": ("持ち出す備品のQRラベルをスキャンしてください", "Scan the QR label of the item you are taking"),
    "keypad_open": ("ラベルが読めない：番号を入力", "Label unreadable? Type its number"),
    "keypad_title": ("備品番号を入力", "Type the asset number"),
    "keypad_ok": ("決定", "OK"),
    "keypad_clear": ("消去", "Clear"),
    "confirm_title": ("この備品を持ち出しますか？", "Take this item out?"),
    "confirm_offline": ("オフライン：持ち出しか返却かを選択", "Offline: taking it out or returning it?"),
    "due_label": ("返却期限", "Return by"),
    "due_after_sync": ("返却期限は同期後に確定します", "The due time is set when the record is synced"),
    "take": ("持ち出す", "Take out"),
    "give_back": ("返却する", "Return"),
    "cancel": ("キャンセル", "Cancel"),
    "done_checkout": ("持ち出しを記録しました", "Checkout recorded"),
    "done_return": ("返却を記録しました", "Return recorded"),
    "returned_for": ("{name}さんの持ち出し分の返却として記録しました", "Recorded as returned on behalf of {name}"),
    "done_recovered": ("返却を記録しました（期限超過）。情報セキュリティ担当に通知済みです",
                       "Return recorded (it was overdue). The security team has been told."),
    "done_saved_offline": ("端末に保存しました。サーバーにつながり次第、送信します",
                           "Saved on this kiosk. It will be sent as soon as the server is reachable."),
    "refused": ("受け付けできません", "Not possible"),
    "offline": ("オフライン：記録は端末に保存し、後で送信します", "Offline: records are kept here and sent later"),
    "demo": ("デモモード：実際のカードリーダーではありません", "DEMO MODE: not a real card reader"),
    "demo_tap": ("デモ：カード{n}をタッチ", "Demo: tap card {n}"),
    "reader_connected": ("カードリーダー準備完了", "Card reader ready"),
    "reader_no_reader": ("カードリーダーが見つかりません", "No card reader found"),
    "reader_service_down": ("カードサービス停止中", "Card service is down"),
    "reader_starting": ("カードリーダー起動中", "Card reader starting"),
    "reader_demo": ("デモ用リーダー", "Demo reader"),
    "model": ("型番", "Model"),
    "serial": ("製造番号", "Serial"),
    "back_soon": ("まもなく最初の画面に戻ります", "Returning to the start screen shortly"),
    "server_lost": ("この端末のサーバーに接続できません", "The kiosk server is not responding"),
    "server_lost_wait": ("しばらくお待ちください。復旧すると自動で元の画面に戻ります",
                         "Please wait. The screen comes back by itself once the server is back."),
}


def text(key: str, lang: str, **params) -> str:
    ja, en = TEXTS[key]
    return (en if lang == "en" else ja).format(**params)
