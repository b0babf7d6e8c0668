"""``custody``: the ledger's command line (migrations, import, labels, audit, cards, demo data)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import CustodyRefusal
from contracts.labels import make_payload
from custody import audit, importer, migrate, settings
from custody.csvimport import ImportFileError
from servicekit.cli import ServiceCli
from servicekit.db import make_engine
from servicekit.clock import utcnow
from custody.models import Asset


def _config(args) -> dict:
    return settings.load_config(args.config)


def _session(args) -> Session:
    return Session(make_engine(_config(args)["CUSTODY"]["db_url"]), expire_on_commit=False)


def _progress(done: int, total: int) -> None:
    if done == total or done % 500 == 0:
        print(f"  {done}/{total}", file=sys.stderr, flush=True)


def cmd_import(args) -> int:
    """Import assets or employees from CSV; a file with any error imports nothing."""
    run = importer.import_assets if args.what == "assets" else importer.import_employees
    with _session(args) as session:
        try:
            count = run(session, args.file, args.actor, utcnow(), _progress)
        except ImportFileError as exc:
            print(f"{args.file}: {len(exc.errors)} problem(s); nothing was imported / "
                  f"問題があるため何も取り込んでいません", file=sys.stderr)
            for error in exc.errors:
                print(f"  {error}", file=sys.stderr)
            return 1
    print(f"imported {count} {args.what} / {count} 件を取り込みました")
    return 0


def cmd_labels(args) -> int:
    """Print a sheet of signed QR labels for the chosen assets."""
    from custody.labelsheet import render_sheet
    cfg = settings.from_config(_config(args))
    with _session(args) as session:
        query = select(Asset.tag).where(Asset.status != "retired").order_by(Asset.tag)
        if args.tag:
            query = select(Asset.tag).where(Asset.tag.in_([t.upper() for t in args.tag])).order_by(Asset.tag)
        tags = list(session.scalars(query))
    missing = sorted({t.upper() for t in args.tag or []} - set(tags))
    if missing:
        print(f"not in the ledger / 台帳にありません: {', '.join(missing)}", file=sys.stderr)
        return 1
    if not tags:
        print("no assets to label / ラベルを作る備品がありません", file=sys.stderr)
        return 1
    paths = render_sheet([(t, make_payload(t, cfg.label_key)) for t in tags], args.out, columns=args.columns)
    for path in paths:
        print(path)
    return 0


def cmd_audit_verify(args) -> int:
    with _session(args) as session:
        report = audit.verify(session)
    if report.ok:
        print(f"audit chain intact: {report.entries} entries / 監査ログは改ざんされていません")
        return 0
    print(f"audit chain BROKEN at entry {report.first_broken_seq}: {report.problem} / "
          f"監査ログの {report.first_broken_seq} 番目が改ざんされています", file=sys.stderr)
    return 1


def cmd_bind_card(args) -> int:
    """Bind a card read on an enrolment reader; the UID comes on stdin so it stays out of shell history."""
    from contracts.cards import card_hash
    from custody import ledger
    key = os.environ.get("CUSTODY_CARD_KEY", "")
    if len(key) < 16:
        print("set CUSTODY_CARD_KEY (the kiosks' card key, 16+ characters) / CUSTODY_CARD_KEY を設定してください",
              file=sys.stderr)
        return 2
    uid = sys.stdin.readline().strip()
    with _session(args) as session:
        try:
            ledger.bind_card(session, args.employee_number, card_hash(uid, key.encode()), args.actor, utcnow())
        except (CustodyRefusal, ValueError) as exc:
            message = exc.message("ja") + " / " + exc.message("en") if isinstance(exc, CustodyRefusal) else str(exc)
            print(message, file=sys.stderr)
            return 1
    print(f"card bound to {args.employee_number} / カードを登録しました")
    return 0


def cmd_kiosk_register(args) -> int:
    """Register or re-key a kiosk and print its secret once (put it in the kiosk's config)."""
    from custody import kiosks
    with _session(args) as session:
        try:
            secret = kiosks.register_kiosk(session, args.kiosk_id, args.name, args.actor, utcnow()).kiosk_secret
        except CustodyRefusal as exc:
            print(exc.message("ja") + " / " + exc.message("en"), file=sys.stderr)
            return 1
    print(f"KIOSK_ID={args.kiosk_id}\nKIOSK_SECRET={secret}")
    print("the secret is shown only now / この秘密鍵は今だけ表示されます", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    cli = ServiceCli("custody", __doc__, settings.CONFIG_PATH,
                     upgrade=lambda config: migrate.upgrade(config["CUSTODY"]["db_url"]))
    imp = cli.command("import", cmd_import, "import assets or employees from CSV (all or nothing)")
    imp.add_argument("what", choices=("assets", "employees"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--actor", default="csv-import")
    lab = cli.command("labels", cmd_labels, "print QR labels (PNG, PDF or SVG by the file's suffix)")
    lab.add_argument("out", type=Path)
    lab.add_argument("--tag", action="append", help="only these tags (repeat); default: all in service")
    lab.add_argument("--columns", type=int, default=4)
    cli.command("audit-verify", cmd_audit_verify, "verify the audit log's hash chain")
    bind = cli.command("bind-card", cmd_bind_card, "bind a card: UID (hex) on stdin, CUSTODY_CARD_KEY in the environment")
    bind.add_argument("employee_number")
    bind.add_argument("--actor", default="cli")
    kio = cli.command("kiosk-register", cmd_kiosk_register, "register or re-key a kiosk; prints its secret once")
    kio.add_argument("kiosk_id")
    kio.add_argument("--name", default="")
    kio.add_argument("--actor", default="cli")
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
