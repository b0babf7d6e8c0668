"""The one security desk people are told to contact: in e-mails, at the kiosk and in refusal messages.

It is required configuration, read from the same ``SECURITY_DESK_*`` environment variables by every
part that names it, so an e-mail and the kiosk's screen never point at two different desks.
"""
from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

# field -> the environment variable that sets it (and what to put there, for the error message)
ENV: dict[str, tuple[str, str]] = {
    "name_ja": ("SECURITY_DESK_NAME_JA", "the desk's name in Japanese, e.g. 情報セキュリティ窓口"),
    "name_en": ("SECURITY_DESK_NAME_EN", "the desk's name in English, e.g. the information security desk"),
    "phone": ("SECURITY_DESK_PHONE", "a phone number answered when a device is lost, e.g. 03-1234-5678"),
    "email": ("SECURITY_DESK_EMAIL", "the desk's e-mail address"),
    "location_ja": ("SECURITY_DESK_LOCATION_JA", "where the desk is, in Japanese, e.g. 本社3階 総務部の隣"),
    "location_en": ("SECURITY_DESK_LOCATION_EN", "where the desk is, in English, e.g. head office, 3rd floor"),
}
# before the desk is known (a message rendered by code that was not given one) the words stay neutral
UNNAMED = {"ja": "情報セキュリティ窓口", "en": "the security desk"}


class Desk(BaseModel):
    """Name, phone, e-mail and location of the desk, each text in Japanese and English."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    name_ja: str
    name_en: str
    phone: str
    email: str
    location_ja: str
    location_en: str

    @field_validator("*", mode="before")
    @classmethod
    def _given(cls, value, info):
        variable, meaning = ENV[info.field_name]
        text = str(value or "").strip()
        if not text:
            raise ValueError(f"{variable} is not set: {meaning} / {variable} を設定してください")
        if info.field_name == "email" and (text.count("@") != 1 or not text.split("@")[1]):
            raise ValueError(f"{variable} is not an e-mail address: {text!r} / メールアドレスではありません")
        return text

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ja

    def location(self, lang: str) -> str:
        return self.location_en if lang == "en" else self.location_ja

    def reference(self, lang: str) -> str:
        """How a sentence names the desk: ``情報セキュリティ窓口（03-1234-5678）``."""
        return f"{self.name_en} ({self.phone})" if lang == "en" else f"{self.name_ja}（{self.phone}）"


def from_environ(environ: Mapping[str, str]) -> Desk:
    """The desk from ``SECURITY_DESK_*``; ValueError naming every variable missing or wrong."""
    try:
        return Desk.model_validate({field: environ.get(variable, "") for field, (variable, _) in ENV.items()})
    except ValidationError as exc:
        raise ValueError("; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())) from None
