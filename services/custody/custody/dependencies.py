"""custody's nameko dependencies, bound to its settings and checkout policy."""
from __future__ import annotations

import servicekit.dependencies as kit
from custody import domain, settings


class Store(kit.Store):
    def load_settings(self, config):
        return settings.from_config(config)

    def setup(self):
        super().setup()
        self.policy = domain.Policy(self.settings.training_valid_days, self.settings.max_items,
                                    self.settings.due, self.settings.tz)


class Config(kit.Config):
    store = Store()


class DbSession(kit.DbSession):
    store = Store()


class BackgroundLoop(kit.BackgroundLoop):
    store = Store()
