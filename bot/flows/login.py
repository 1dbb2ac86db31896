"""`dashboard` / `log ind` / `login`: a one-time link to the web (bot/web_login.py), given
only in a private chat, where nobody else reads it. Anyone whose platform verified them may
log in: admins reach the dashboard, everyone else their own page."""

from __future__ import annotations

from bot.messages import Reply
from bot.turn import Refusal, Turn
from bot.web_login import LINK_FOR, Logins, login_path

PUBLIC_URL_SETTING = "SPRED_PUBLIC_URL"


async def login(turn: Turn) -> list[Reply]:
    public_url = turn.services.settings.public_url
    if not public_url:
        raise Refusal("login_no_public_url", setting=PUBLIC_URL_SETTING)
    if not turn.message.direct:  # a link in a channel is anyone's who reads it first
        raise Refusal("login_in_private")
    logins = Logins(store=turn.store, clock=turn.services.clock)
    token = await logins.link(
        user=turn.message.user, org_id=turn.message.org_id, language=turn.language
    )
    minutes = int(LINK_FOR.total_seconds() // 60)
    key = "login_link_admin" if turn.is_admin else "login_link"
    return [Reply(text=turn.say(key, url=public_url + login_path(token), minutes=minutes))]
