"""Settings from the command line and the environment (names fixed by the contract)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("da", "en")


class ConfigError(Exception):
    """A setting is wrong; the message names it and says what is expected."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    data_dir: Path
    language: str = "da"
    admins: frozenset[str] = frozenset()
    refresh_seconds: float = 5.0  # how often the server looks for solutions changed on disk

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, *, data: str | None = None) -> Settings:
        language = env.get("SPRED_LANGUAGE", "da").strip().lower() or "da"
        if language not in LANGUAGES:
            raise ConfigError(f"SPRED_LANGUAGE must be 'da' or 'en', not {language!r}")
        admins = frozenset(a.strip() for a in env.get("SPRED_ADMINS", "").split(",") if a.strip())
        for admin in admins:
            platform, _, user = admin.partition(":")
            if not platform or not user:
                raise ConfigError(
                    f"SPRED_ADMINS: {admin!r} must be platform-qualified, e.g. slack:U123"
                )
        data_dir = Path(data or env.get("SPRED_DATA") or "./data").expanduser()
        return cls(data_dir=data_dir, language=language, admins=admins)
