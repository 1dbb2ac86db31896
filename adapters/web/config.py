"""The web's settings from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import ConfigError

RATE_SETTING = "SPRED_WEB_QUESTIONS_PER_MINUTE"
SECRET_SETTING = "SPRED_SECRET_KEY"
SECRET_LEAST = 32  # characters: a key shorter than this is guessable


@dataclass(frozen=True, slots=True, kw_only=True)
class WebConfig:
    # Questions one client (address) may ask a minute on `/?q=` and `/ask`; more get 429.
    questions_per_minute: int = 30
    # Signs the web's CSRF tokens (bot/web_login.py); "" for the one kept in the store.
    # Never in a repr, so never in a log line or traceback that prints the config.
    secret_key: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> WebConfig:
        secret = environ.get(SECRET_SETTING, "").strip()
        if secret and len(secret) < SECRET_LEAST:
            raise ConfigError(
                f"{SECRET_SETTING} must be at least {SECRET_LEAST} characters (a long random "
                f"text, e.g. from `python -c 'import secrets; print(secrets.token_hex(32))'`), "
                f"not {len(secret)}; or leave it unset and Spred keeps one in its data"
            )
        raw = environ.get(RATE_SETTING, "").strip()
        if not raw:
            return cls(secret_key=secret)
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 10_000:
            raise ConfigError(
                f"{RATE_SETTING} must be a whole number from 1 to 10000 (questions one "
                f"client may ask the web pages a minute), not {raw!r}"
            )
        return cls(questions_per_minute=int(raw), secret_key=secret)
