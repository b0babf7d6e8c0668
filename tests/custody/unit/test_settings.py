"""Configuration: defaults from config.yml, environment overrides, clear errors, no secret in repr."""
import pytest
from pydantic import ValidationError

from custody.settings import from_config, load_config


def test_defaults_load_when_the_label_secret_is_set(monkeypatch):
    monkeypatch.setenv("CUSTODY_LABEL_SECRET", "s" * 20)
    settings = from_config(load_config())
    assert settings.timezone == "Asia/Tokyo" and settings.max_items == 3
    assert settings.due["usb_storage"].length.total_seconds() == 4 * 3600
    assert settings.due["laptop"].end_of_day.hour == 18


def test_environment_overrides_the_defaults(monkeypatch):
    monkeypatch.setenv("CUSTODY_LABEL_SECRET", "s" * 20)
    monkeypatch.setenv("CUSTODY_MAX_ITEMS", "5")
    monkeypatch.setenv("CUSTODY_DUE_LAPTOP", "2h")
    settings = from_config(load_config())
    assert settings.max_items == 5 and settings.due["laptop"].length.total_seconds() == 7200


def test_missing_label_secret_stops_start_up_naming_it(monkeypatch):
    monkeypatch.delenv("CUSTODY_LABEL_SECRET", raising=False)
    with pytest.raises(ValidationError, match="label_secret"):
        from_config(load_config())


def test_secret_never_appears_in_repr(monkeypatch):
    monkeypatch.setenv("CUSTODY_LABEL_SECRET", "very-secret-label-key")
    settings = from_config(load_config())
    assert "very-secret-label-key" not in repr(settings) and "very-secret-label-key" not in str(settings)


def test_unknown_time_zone_is_named(monkeypatch):
    monkeypatch.setenv("CUSTODY_LABEL_SECRET", "s" * 20)
    monkeypatch.setenv("CUSTODY_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        from_config(load_config())
