"""`python -m adapters.teams.package` (`make teams-package`): the zip a Teams admin uploads.

It holds manifest.json (current schema; the bot id from MICROSOFT_APP_ID) and the two icons
Teams requires, drawn here so the repository holds no binary files: a 192×192 colour icon
and a 32×32 white outline on transparency.
"""

from __future__ import annotations

import os
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlparse

import orjson

from bot import __version__

SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
TEAL = (31, 78, 95, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)

Pixel = tuple[int, int, int, int]

# Teams' limits on the manifest (its schema, v1.17), checked here so a package Teams would
# refuse at upload is never built.
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
LONGEST_URL = 2048
LONGEST_DEVELOPER = 32
NAME = {"short": "Spred", "full": "Spred – afprøvede offentlige løsninger"}  # ≤ 30 and ≤ 100


class PackageError(Exception):
    pass


def png(size: int, paint: Callable[[float, float], Pixel]) -> bytes:
    """A PNG (RGBA, 8 bits) of size×size, each pixel painted at its centre in [0, 1)²."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(paint((x + 0.5) / size, (y + 0.5) / size)) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# Spred's mark: one dot, and the dots it spreads to.
DOTS = (
    (0.5, 0.5, 0.16),
    (0.22, 0.28, 0.09),
    (0.78, 0.28, 0.09),
    (0.22, 0.74, 0.09),
    (0.78, 0.74, 0.09),
)


def _on_mark(x: float, y: float) -> bool:
    return any((x - cx) ** 2 + (y - cy) ** 2 <= r * r for cx, cy, r in DOTS)


def color_icon() -> bytes:
    return png(192, lambda x, y: WHITE if _on_mark(x, y) else TEAL)


def outline_icon() -> bytes:
    return png(32, lambda x, y: WHITE if _on_mark(x, y) else CLEAR)


def manifest(env: Mapping[str, str]) -> dict[str, object]:
    app_id = env.get("MICROSOFT_APP_ID", "").strip()
    if not app_id:
        raise PackageError(
            "MICROSOFT_APP_ID is not set: register the bot in Azure first (README, "
            "'Connect to Teams') and export its app id"
        )
    if not GUID.fullmatch(app_id):
        raise PackageError(
            f"MICROSOFT_APP_ID must be the bot's Microsoft App ID, a GUID such as "
            f"00000000-0000-0000-0000-000000000000, not {app_id!r}"
        )
    public = _https(env, "SPRED_PUBLIC_URL", example="https://spred.kommune.dk")
    host = urlparse(public).hostname or ""
    publisher = env.get("SPRED_PUBLISHER", "").strip()
    if len(publisher or host) > LONGEST_DEVELOPER:
        said = f"{publisher!r} is" if publisher else f"unset, and the host name {host!r} is"
        raise PackageError(
            f"SPRED_PUBLISHER (the developer name Teams shows) must be at most "
            f"{LONGEST_DEVELOPER} characters: {said} {len(publisher or host)}"
        )
    privacy = _https(env, "SPRED_PRIVACY_URL", example=f"{public}/privatliv", default=public)
    terms = _https(env, "SPRED_TERMS_URL", example=f"{public}/vilkaar", default=public)
    commands = [
        {"title": "hjælp", "description": "Hvad Spred kan"},
        {"title": "mere", "description": "Flere løsninger på dit sidste spørgsmål"},
        {"title": "hvem bruger", "description": "Hvem bruger en løsning?"},
        {"title": "english", "description": "Answers in English"},
    ]
    return {
        "$schema": SCHEMA,
        "manifestVersion": "1.17",
        "version": __version__,
        "id": app_id,
        "developer": {
            "name": publisher or host,
            "websiteUrl": public,
            "privacyUrl": privacy,
            "termsOfUseUrl": terms,
        },
        "name": NAME,
        "description": {
            "short": "Afprøvede løsninger fra andre offentlige organisationer.",
            "full": (
                "Spørg med dine egne ord, og få de bedste afprøvede løsninger fra andre "
                "kommuner og regioner – med deres målte resultater og kollegaen, der byggede "
                "dem. Kontakt kollegaen med ét klik, og fortæl når I selv tager dem i brug."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#1F4E5F",
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team", "groupChat"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal", "team", "groupChat"], "commands": commands}
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def _https(env: Mapping[str, str], name: str, *, example: str, default: str = "") -> str:
    """The https address in setting `name` (`default` when unset), or PackageError."""
    url = env.get(name, "").strip().rstrip("/") or default
    try:
        parsed = urlparse(url)
        host = parsed.hostname if parsed.scheme == "https" else None
    except ValueError:  # e.g. an unclosed [ for an IPv6 address
        host = None
    if not host:
        raise PackageError(f"{name} must be an https address, e.g. {example}, not {url!r}")
    if len(url) > LONGEST_URL:
        raise PackageError(f"{name} must be at most {LONGEST_URL} characters, not {len(url)}")
    return url


def build(target: Path, env: Mapping[str, str] = os.environ) -> Path:
    content = orjson.dumps(manifest(env), option=orjson.OPT_INDENT_2)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", content)
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return target


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("dist/spred-teams.zip")
    try:
        built = build(target)
    except PackageError as exc:
        print(f"teams-package: {exc}", file=sys.stderr)
        return 1
    print(f"Built {built}: upload it in Teams (Apps → Manage your apps → Upload an app).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
