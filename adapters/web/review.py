"""Editors review submissions on the web (issues 16 and 18): `GET
/dashboard/submissions/<id>` shows a waiting submission as its solution would look, with
three forms, each POSTed back to the same address with the session's CSRF token: *Udgiv*,
*Bed om ændringer* (a note) and *Afvis* (a reason).

Each decision is the chat's own (`Core.decide`, bot/flows/review.py): the same checks, the
same one atomic update of the submission, the same letters to the sharer, the same
history. Decided, the editor is sent back to the dashboard (303), which says what they did
(`?decided=<id>`, read from the store, so any server process can say it). What went wrong
is said on the page, with what was typed kept: a note left empty on its field, a draft
import would refuse above the forms. A submission decided already (by another editor, or
by a second click) gets a page saying so (409); an unknown one, or another organisation's,
the 404 page, which does not tell the two apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from aiohttp import web

from adapters.web.account import Account, private
from adapters.web.render import chart
from bot.dashboard_tables import review_path
from bot.flows.review import AlreadyDecided, BadNote
from bot.i18n import say
from bot.roles import Role
from bot.turn import Refusal
from bot.web_login import csrf_ok
from knowledge.records import SubmissionState, WebSession

# The forms' `decision` values, and the note each needs ("" for none).
DECISIONS = {
    "publish": SubmissionState.PUBLISHED,
    "changes": SubmissionState.CHANGES,
    "reject": SubmissionState.REJECTED,
}
# Refusals that mean "there is nothing here for you": a 404 that says no more.
HIDDEN = frozenset({"submission_gone", "submission_not_yours", "unknown_action"})


class Review:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.pages = account.pages

    def mount(self, app: web.Application) -> set[web.AbstractResource | None]:
        resource = app.router.add_resource("/dashboard/submissions/{submission_id}")
        resource.add_route("GET", self.show)
        resource.add_route("POST", self.decide)
        return {resource}

    async def show(self, request: web.Request) -> web.Response:
        language = self.pages.language(request)
        admitted = await self.account.admin(request, language)
        if isinstance(admitted, web.Response):
            return private(admitted)
        session, role = admitted
        return private(await self._page(request, language, session, role))

    async def decide(self, request: web.Request) -> web.Response:
        language = self.pages.language(request)
        admitted = await self.account.admin(request, language)
        if isinstance(admitted, web.Response):
            return private(admitted)
        session, role = admitted
        return private(await self._decide(request, language, session, role))

    async def _decide(
        self, request: web.Request, language: str, session: WebSession, role: Role
    ) -> web.Response:
        form = await request.post()
        given = form.get("csrf")
        if not (isinstance(given, str) and csrf_ok(await self.account.key(), session, given)):
            return self.pages.render("bad_form.html", request, language, status=403)
        chosen = form.get("decision")
        decision = DECISIONS.get(chosen) if isinstance(chosen, str) else None
        note = form.get("note", "")
        seen = form.get("seen", "")
        if decision is None or not isinstance(note, str) or not isinstance(seen, str):
            return self.pages.render("bad_form.html", request, language, status=400)
        ref = request.match_info["submission_id"]
        core = self.pages.adapter.core
        try:
            await core.decide(role, ref, decision, note=note, language=language, seen=seen)
        except BadNote as bad:  # said on its field, with what was typed kept
            errors = {str(chosen): say(language, bad.key, **bad.values)}
            values = {str(chosen): note}
            return await self._page(
                request, language, session, role, status=422, errors=errors, values=values
            )
        except AlreadyDecided as decided:
            return self._decided(request, language, role, decided)
        except Refusal as refusal:
            if refusal.key in HIDDEN:
                return self.pages.render("not_found.html", request, language, status=404)
            problem = say(language, refusal.key, **refusal.values)
            values = {str(chosen): note}  # what was typed, kept (a draft sent again: read it)
            return await self._page(
                request, language, session, role, status=422, problem=problem, values=values
            )
        query = urlencode({"lang": language, "decided": ref})
        raise web.HTTPSeeOther(f"/dashboard?{query}#decided", headers={"Cache-Control": "no-store"})

    async def _page(
        self,
        request: web.Request,
        language: str,
        session: WebSession,
        role: Role,
        *,
        status: int = 200,
        problem: str = "",
        errors: Mapping[str, str] | None = None,
        values: Mapping[str, str] | None = None,
    ) -> web.Response:
        """The review page, with what went wrong (`problem` above the forms, `errors` on a
        form's note) and what was typed (`values`), by the form's `decision`."""
        core = self.pages.adapter.core
        ref = request.match_info["submission_id"]
        try:
            page = await core.submission_page(role, ref, language=language)
        except AlreadyDecided as decided:
            return self._decided(request, language, role, decided)
        except Refusal:  # gone, another organisation's, or no id at all: nothing to show
            return self.pages.render("not_found.html", request, language, status=404)
        figure = page.figure
        return self.pages.render(
            "review.html",
            request,
            language,
            status=status,
            page=page,
            chart=chart(figure, language) if figure is not None else None,
            action=f"{review_path(page.id)}?lang={language}",
            problem=problem.split("\n") if problem else [],
            errors=errors or {},
            values=values or {},
            shared=say(
                language, "submission_line", title=page.title, sharer=page.sharer, days=page.days
            ),
            ask_changes=say(language, "review_ask_changes", title=page.title),
            ask_reason=say(language, "review_ask_reason", title=page.title),
            **await self.account.values(session),
        )

    def _decided(
        self,
        request: web.Request,
        language: str,
        role: Role,
        decided: AlreadyDecided,
    ) -> web.Response:
        if not decided.by:  # deleted, or decided before Spred kept who decided
            by = ""
        elif decided.by == role.user:
            by = say(language, "web_review_by_you")
        else:
            by = say(language, "web_review_by_other")
        return self.pages.render(
            "decided.html",
            request,
            language,
            status=409,
            said=say(language, decided.key, **decided.values),
            by=by,
        )
