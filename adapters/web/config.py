"""The web's settings from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import ConfigError

RATE_SETTING = "SPRED_WEB_QUESTIONS_PER_MINUTE"


@dataclass(frozen=True, slots=True, kw_only=True)
class WebConfig:
    # Questions one client (address) may ask a minute on `/?q=` and `/ask`; more get 429.
    questions_per_minute: int = 30

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> WebConfig:
        raw = environ.get(RATE_SETTING, "").strip()
        if not raw:
            return cls()
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 10_000:
            raise ConfigError(
                f"{RATE_SETTING} must be a whole number from 1 to 10000 (questions one "
                f"client may ask the web pages a minute), not {raw!r}"
            )
        return cls(questions_per_minute=int(raw))
