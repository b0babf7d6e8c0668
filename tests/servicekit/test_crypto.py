"""Personal data at rest: what the database holds is ciphertext, keys rotate, lookups use a blind index."""
from __future__ import annotations

import pytest
from sqlalchemy import Integer, MetaData, String, Table, Column, select, text
from sqlalchemy.orm import Session

from servicekit import crypto
from servicekit.crypto import EncryptedText
from servicekit.db import make_engine
from tests.conftest import migrated_database

metadata = MetaData()
people = Table("people", metadata, Column("id", Integer, primary_key=True),
               Column("email", EncryptedText), Column("email_index", String(64)), Column("note", EncryptedText))

K1, K2 = crypto.new_key(), crypto.new_key()
INDEX_KEY = "index-key-0123456789abcdef"



def create(url: str) -> None:
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()  # SQLite: the template file is copied per test, with nothing left in its WAL


crypto_db_template, crypto_db = migrated_database("crypto", create, metadata, "crypto_db")


@pytest.fixture
def engine(crypto_db):
    engine = make_engine(crypto_db)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def keys():
    crypto.configure(K1, INDEX_KEY)
    yield
    crypto._keyring = None


def stored(engine, column: str) -> str:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT {column} FROM people ORDER BY id")).scalars().first()


def test_the_database_holds_ciphertext_and_the_service_reads_plain_text(engine):
    with Session(engine) as s:
        s.execute(people.insert().values(id=1, email="hanako.sato@example.co.jp", note="佐藤 花子、03-1234-5678"))
        s.commit()
        assert s.execute(select(people.c.email, people.c.note)).one() == ("hanako.sato@example.co.jp",
                                                                            "佐藤 花子、03-1234-5678")
    raw = stored(engine, "email") + stored(engine, "note")
    assert "hanako" not in raw and "佐藤" not in raw and "5678" not in raw


def test_rotation_rewrites_every_value_under_the_new_key_and_the_old_key_can_then_go(engine):
    with Session(engine) as s:
        s.execute(people.insert(), [{"id": i, "email": f"p{i}@example.com", "note": None} for i in range(1, 4)])
        s.commit()
    before = stored(engine, "email")
    crypto.configure([K2, K1], INDEX_KEY)  # new key first, old one still readable
    with Session(engine) as s:
        assert crypto.rotate(s, people, people.c.id, [people.c.email, people.c.note]) == 3
        s.commit()
    assert stored(engine, "email") != before
    crypto.configure([K2], INDEX_KEY)  # old key dropped
    with Session(engine) as s:
        assert sorted(s.scalars(select(people.c.email))) == ["p1@example.com", "p2@example.com", "p3@example.com"]
        assert s.scalars(select(people.c.note)).all() == [None, None, None]
    crypto.configure([K1], INDEX_KEY)  # only the retired key: the values cannot be read, and it says so
    with Session(engine) as s, pytest.raises(crypto.CryptoError, match="cannot be decrypted"):
        s.scalars(select(people.c.email)).all()


def test_blind_index_matches_case_width_and_spacing_variants_only():
    ring = crypto.keyring()
    assert ring.index("Hanako.Sato@Example.co.jp ") == ring.index("ｈａｎａｋｏ．ｓａｔｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ")
    assert ring.index("hanako.sato@example.co.jp") != ring.index("hanako.sato@example.co.jq")
    assert "hanako" not in ring.index("hanako.sato@example.co.jp")


def test_missing_or_malformed_keys_stop_with_a_clear_reason():
    crypto._keyring = None
    with pytest.raises(crypto.CryptoError, match="not configured"):
        crypto.keyring()
    with pytest.raises(crypto.CryptoError, match="not a Fernet key"):
        crypto.configure("not-a-key", INDEX_KEY)
    with pytest.raises(crypto.CryptoError, match="16"):
        crypto.configure(K1, "short")
