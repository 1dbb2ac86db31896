"""The distributable Slack app's install: bolt's own OAuth flow (state issued, bound to the
browser by a cookie, used once; the code exchanged with oauth.v2.access; the installation
stored), with Spred's pages in Danish and English around it, and the workspace remembered
as an organisation whose installer is its first local admin.

GET /slack/install serves the "Add to Slack" page; GET /slack/oauth_redirect is where Slack
sends the browser back. Every failure installs nothing and answers 4xx with a page saying
what to do.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.config import SCOPES, SlackConfig
from adapters.slack.installations import (
    STATE_EXPIRES,
    Installations,
    States,
    installer_of,
    org_of,
    team_name,
)
from bot.i18n import say
from bot.organisations import Organisations

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
LANGUAGES = ("da", "en")  # each page says everything in both, Danish first

# Why an install failed, as bolt names it, → what the page says.
FAILED = {
    "invalid_browser": "slack_install_failed_state",
    "invalid_state": "slack_install_failed_state",
    "missing_code": "slack_install_failed_refused",
    "invalid_code": "slack_install_failed_refused",
    "storage_error": "slack_install_failed_stored",
}


def flow(
    *,
    config: SlackConfig,
    client: AsyncWebClient,
    installations: Installations,
    states: States,
    organisations: Organisations,
) -> AsyncOAuthFlow:
    """bolt's OAuth flow over Spred's store, with Spred's pages."""
    pages = _Pages(organisations)
    settings = AsyncOAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(SCOPES),
        user_scopes=[],
        authorization_url=config.authorize_url,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=states,
        state_expiration_seconds=STATE_EXPIRES,
        callback_options=AsyncCallbackOptions(success=pages.success, failure=pages.failure),
        logger=oauth_logger(),
    )
    return _SpredOAuthFlow(client=client, logger=oauth_logger(), settings=settings)


async def serve(oauth: AsyncOAuthFlow, request: web.Request) -> web.Response:
    """GET /slack/install or /slack/oauth_redirect, through bolt's flow."""
    headers: dict[str, str | Sequence[str]] = {
        name.lower(): request.headers.getall(name) for name in request.headers
    }
    bolt_request = AsyncBoltRequest(body="", query=request.query_string, headers=headers)
    if request.path == INSTALL_PATH:
        response = await oauth.handle_installation(bolt_request)
    else:
        response = await oauth.handle_callback(bolt_request)
    return await to_aiohttp_response(response)


class _SpredOAuthFlow(AsyncOAuthFlow):
    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        link = html.escape(url, quote=True)
        sections = "".join(
            f'<section lang="{lang}"><h1>{_text(lang, "slack_install_title")}</h1>'
            f"<p>{_text(lang, 'slack_install_intro')}</p>"
            f'<p><a class="add" href="{link}">{_text(lang, "slack_install_button")}</a></p>'
            "</section>"
            for lang in LANGUAGES
        )
        return _page(_text("da", "slack_install_title"), sections)


class _Pages:
    def __init__(self, organisations: Organisations) -> None:
        self.organisations = organisations

    async def success(self, args: AsyncSuccessArgs) -> BoltResponse:
        """Installed: the workspace becomes (or stays) an organisation, its installer one of
        its local admins; the page says what to do next."""
        installation = args.installation
        name = team_name(installation)
        where = {"team_id": installation.team_id, "enterprise_id": installation.enterprise_id}
        org_id = org_of(where)
        await self.organisations.installed(org_id, name=name, installer=installer_of(installation))
        log.info("Spred was installed in Slack workspace %s", org_id)
        sections = "".join(
            f'<section lang="{lang}">'
            f"<h1>{_text(lang, 'slack_installed_title', team=name or org_id)}</h1>"
            f"<p>{_text(lang, 'slack_installed_next')}</p></section>"
            for lang in LANGUAGES
        )
        cookie = args.settings.state_utils.build_set_cookie_for_deletion()
        return BoltResponse(
            status=200,
            body=_page(_text("da", "slack_installed_title", team=name or org_id), sections),
            headers={"Content-Type": "text/html; charset=utf-8", "Set-Cookie": [cookie]},
        )

    async def failure(self, args: AsyncFailureArgs) -> BoltResponse:
        """Nothing installed: a 4xx page saying why in plain words, and a way to start
        again. Slack's own error (the installer cancelled) is said as a cancellation."""
        key = FAILED.get(args.reason, "slack_install_failed_cancelled")
        status = 503 if args.reason == "storage_error" else max(args.suggested_status_code, 400)
        log.info("a Slack install failed: %s", _safe(args.reason))
        sections = "".join(
            f'<section lang="{lang}"><h1>{_text(lang, "slack_install_failed_title")}</h1>'
            f"<p>{_text(lang, key)}</p>"
            f'<p><a href="{INSTALL_PATH}">{_text(lang, "slack_install_again")}</a></p></section>'
            for lang in LANGUAGES
        )
        return BoltResponse(
            status=status,
            body=_page(_text("da", "slack_install_failed_title"), sections),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )


def _text(language: str, key: str, **values: str) -> str:
    """A text for a page, escaped, as are the values put in it."""
    text = html.escape(say(language, key))  # its {placeholders} are left as they were
    return text.format(**{name: html.escape(value) for name, value in values.items()})


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;"
        "padding:0 1em;line-height:1.5}section+section{border-top:1px solid #ccc;"
        "margin-top:2em}a.add{display:inline-block;padding:.6em 1.2em;background:#1f4e5f;"
        "color:#fff;border-radius:4px;text-decoration:none}</style>"
        f"</head><body>{body}</body></html>"
    )


_UNSAFE = re.compile(r"[^a-z0-9_]")


def _safe(reason: str) -> str:
    """A failure reason for the log: Slack's `error` comes from the browser's query, so it
    is cut to the characters Slack's codes use."""
    return _UNSAFE.sub("", reason.lower())[:40] or "unknown"


class _NoCodes(logging.Filter):
    """bolt logs a refused code with the words of the request; the code is a credential
    for a few minutes, so the line keeps only that it happened."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "oauth.v2.access" in str(record.msg):
            record.msg, record.args = "oauth.v2.access refused the code", ()
        return True


def oauth_logger() -> logging.Logger:
    logger = logging.getLogger("spred.slack.oauth")
    logger.setLevel(logging.WARNING)
    if not any(isinstance(f, _NoCodes) for f in logger.filters):
        logger.addFilter(_NoCodes())
    return logger
