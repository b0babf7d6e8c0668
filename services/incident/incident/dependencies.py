"""incident's nameko dependencies, bound to its settings."""
from __future__ import annotations

import servicekit.dependencies as kit
from incident import settings


class Store(kit.Store):
    def load_settings(self, config):
        return settings.from_config(config)


class Config(kit.Config):
    store = Store()


class DbSession(kit.DbSession):
    store = Store()


class BackgroundLoop(kit.BackgroundLoop):
    store = Store()
