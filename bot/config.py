"""Settings from the command line and the environment (names fixed by the contract)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from knowledge.solutions import LANGUAGES
from knowledge.store.lock import DEFAULT_TIMEOUT, TIMEOUT_SETTING
from knowledge.store.postgres import is_database_url


class ConfigError(Exception):
    """A setting is wrong; the message names it and says what is expected."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeRules:
    """When managers are prompted (issue: middle managers as knowledge engineers)."""

    group: int = 2  # people in one unit asking about one solution before their manager hears
    window_days: int = 30  # …within this many days; also at most one prompt a solution per it
    follow_up_days: int = 14
    quiet_from: int = 17  # no prompts from this hour…
    quiet_until: int = 8  # …until this one, nor on weekends
    timezone: str = "Europe/Copenhagen"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> NudgeRules:
        def number(name: str, default: int, low: int, high: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            if not raw.isdigit() or not low <= int(raw) <= high:
                raise ConfigError(
                    f"{name} must be a whole number from {low} to {high}, not {raw!r}"
                )
            return int(raw)

        defaults = cls()
        quiet = (
            env.get("SPRED_QUIET_HOURS", "").strip()
            or f"{defaults.quiet_from}-{defaults.quiet_until}"
        )
        start, _, end = quiet.partition("-")
        # Quiet hours run over midnight; "8-17" would leave no working hour at all.
        if not (start.isdigit() and end.isdigit() and int(end) < int(start) < 24):
            raise ConfigError(
                "SPRED_QUIET_HOURS must look like 17-8: quiet from 17 until 8 the next "
                f"morning, the first hour later than the second, not {quiet!r}"
            )
        return cls(
            group=number("SPRED_NUDGE_GROUP", defaults.group, 1, 100),
            follow_up_days=number("SPRED_FOLLOW_UP_DAYS", defaults.follow_up_days, 1, 365),
            quiet_from=int(start),
            quiet_until=int(end),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    data_dir: Path
    language: str = "da"
    admins: frozenset[str] = frozenset()
    refresh_seconds: float = 5.0  # how often the server looks for solutions changed on disk
    lock_timeout: float = DEFAULT_TIMEOUT  # seconds to wait for a file another process holds
    nudges: NudgeRules = field(default_factory=NudgeRules)
    retention_days: int = 365  # what people wrote is deleted after this (bot/retention.py)
    # How often an owner is asked whether a solution's results still hold (bot/confirmations.py)
    confirm_months: int = 12
    # How long a server process's claim on a letter or prompt to send lasts (bot/outbox.py):
    # a process killed mid-send leaves them to the others this long after.
    claim_seconds: float = 120.0
    # PostgreSQL instead of data_dir (issue 15); may hold a password, so never in a repr.
    database_url: str | None = field(default=None, repr=False)
    # SPRED_PUBLIC_URL without its trailing slash: the base of every link Spred writes
    # (newsletters' and feeds' links to a solution's page); "" when unset.
    public_url: str = ""
    digest_day: int = 0  # the weekday digests go out (issue 17), Monday 0 … Sunday 6

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] = os.environ,
        *,
        data: str | None = None,
        database: str | None = None,
    ) -> Settings:
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
        return cls(
            data_dir=data_dir,
            language=language,
            admins=admins,
            lock_timeout=_lock_timeout(env),
            nudges=NudgeRules.from_env(env),
            retention_days=_retention_days(env),
            confirm_months=_confirm_months(env),
            claim_seconds=_seconds(env, "SPRED_CLAIM_SECONDS", 120.0, low=1, high=3600),
            refresh_seconds=_seconds(env, "SPRED_REFRESH_SECONDS", 5.0, low=0.05, high=3600),
            database_url=_database_url(database or env.get("DATABASE_URL", "")),
            public_url=_public_url(env),
            digest_day=_digest_day(env),
        )


def _lock_timeout(env: Mapping[str, str]) -> float:
    raw = env.get(TIMEOUT_SETTING, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= 24 * 3600:  # also refuses nan
        raise ConfigError(
            f"{TIMEOUT_SETTING} must be a number of seconds above 0, at most a day, not {raw!r}"
        )
    return seconds


def _seconds(
    env: Mapping[str, str], name: str, default: float, *, low: float, high: float
) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not low <= seconds <= high:  # also refuses nan
        raise ConfigError(
            f"{name} must be a number of seconds from {low:g} to {high:g}, not {raw!r}"
        )
    return seconds


def _retention_days(env: Mapping[str, str]) -> int:
    raw = env.get("SPRED_RETENTION_DAYS", "").strip()
    if not raw:
        return 365
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 3650:
        raise ConfigError(
            "SPRED_RETENTION_DAYS must be a whole number of days from 1 to 3650 (how long "
            f"conversations, questions and relayed messages are kept), not {raw!r}"
        )
    return int(raw)


def _public_url(env: Mapping[str, str]) -> str:
    raw = env.get("SPRED_PUBLIC_URL", "").strip()
    if not raw:
        return ""
    try:
        parts = urlsplit(raw)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:  # "https://[::1": not an address at all
        scheme, host = "", None
    if scheme not in ("http", "https") or not host or len(raw) > 2048:
        raise ConfigError(
            "SPRED_PUBLIC_URL must be the http(s) address Spred is served at, at most 2048 "
            f"characters, e.g. https://spred.kommune.dk, not {raw[:100]!r}"
        )
    return raw.rstrip("/")


def _confirm_months(env: Mapping[str, str]) -> int:
    raw = env.get("SPRED_CONFIRM_MONTHS", "").strip()
    if not raw:
        return 12
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 120:
        raise ConfigError(
            "SPRED_CONFIRM_MONTHS must be a whole number of months from 1 to 120 (how long "
            "after their last confirmation a solution's owner is asked whether its results "
            f"still hold), not {raw!r}"
        )
    return int(raw)


def _database_url(raw: str) -> str | None:
    url = raw.strip()
    if url and not is_database_url(url):
        # Not echoed: a URL may hold a password.
        raise ConfigError(
            "DATABASE_URL (or --database) must be a postgresql:// URL, e.g. "
            "postgresql://spred@127.0.0.1:5432/spred; leave it empty to use the data directory"
        )
    return url or None


# --- reaching out (issue 17)

# The working days a digest may go out on, in English and Danish (weekends are quiet).
DIGEST_DAYS: dict[str, int] = {
    **dict.fromkeys(("monday", "mandag", "mon", "man"), 0),
    **dict.fromkeys(("tuesday", "tirsdag", "tue", "tir"), 1),
    **dict.fromkeys(("wednesday", "onsdag", "wed", "ons"), 2),
    **dict.fromkeys(("thursday", "torsdag", "thu", "tor"), 3),
    **dict.fromkeys(("friday", "fredag", "fri", "fre"), 4),
}


def _digest_day(env: Mapping[str, str]) -> int:
    raw = env.get("SPRED_DIGEST_DAY", "").strip()
    if not raw:
        return 0
    day = DIGEST_DAYS.get(raw.casefold())
    if day is None:
        raise ConfigError(
            "SPRED_DIGEST_DAY must be a working day, monday to friday (or mandag to fredag), "
            f"the day followers get their weekly digest; not {raw!r}"
        )
    return day
