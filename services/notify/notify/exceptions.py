"""Errors of the notify service, each with a message a person can act on."""
from __future__ import annotations


class RenderError(Exception):
    """A template could not be rendered: unknown template or a variable it needs is missing."""

    def __init__(self, template: str, variable: str | None, detail: str) -> None:
        self.template = template
        self.variable = variable
        where = f" (variable {variable!r})" if variable else ""
        super().__init__(f"cannot render template {template!r}{where}: {detail}")


class InvalidHeader(ValueError):
    """A header value (name, address, subject) would let someone add or change headers."""


class NoticeRefused(ValueError):
    """A customer notice request that cannot be sent as it is; says why in Japanese and English."""

    def __init__(self, problem_ja: str, problem_en: str) -> None:
        super().__init__(f"{problem_ja} / {problem_en}")
