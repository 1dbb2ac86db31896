"""A newsletter section (bot/newsletter.py) as Markdown or as an HTML fragment, ready to paste
into a union's or a network's newsletter tool.

Both are made from the same lines (`Item`), so they always say the same. Everything taken
from solutions, adaptations and questions is escaped for its format: a solution titled
`<script>` is shown as that text. The HTML is a self-contained fragment: no scripts, styles
or images from anywhere, only links to Spred's own pages (`SPRED_PUBLIC_URL`) and mail
addresses the solutions publish.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from bot.cards import freshness
from bot.i18n import listed, month_year, place, say
from bot.newsletter import Newsletter, Spreading
from bot.render_text import quoted, result_text


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One solution's part, in plain text: what both formats show."""

    title: str
    summary: str
    result: str
    freshness: str
    origin: str
    contact: str  # name and role
    email: str  # "" when the solution publishes none
    news: tuple[str, ...]  # what spread in the period
    link: str  # its page on Spred, "" without SPRED_PUBLIC_URL


def solution_link(public_url: str, solution_id: str) -> str:
    """The solution's page (the contract's `/l/<id>`), or "" when Spred has no address."""
    return f"{public_url}/l/{quote(solution_id, safe='')}" if public_url else ""


def day(language: str, moment: date) -> str:
    return say(language, "nl_day", day=moment.day, **month_year(language, moment))


def item(spread: Spreading, *, language: str, today: date, public_url: str) -> Item:
    s = spread.solution
    contact = s.contacts[0]  # as an answer's card names it
    decimal = "." if language == "en" else ","
    news = []
    if spread.new:
        news.append(say(language, "nl_new"))
    if spread.organisations:
        count = len(spread.organisations)
        news.append(
            say(
                language,
                "nl_began_one" if count == 1 else "nl_began_many",
                count=count,
                names=listed(language, list(spread.organisations)),
            )
        )
    for adaptation in spread.adaptations[:3]:
        news.append(
            say(
                language,
                "adaptation_line",
                place=place(language, adaptation.organization, adaptation.unit),
                text=quoted(adaptation.text),
            )
        )
    if spread.repeated:
        key = "repeated_one" if spread.repeated == 1 else "repeated_many"
        news.append(say(language, key, count=spread.repeated))
    return Item(
        title=s.title,
        summary=s.summary,
        result=result_text(s.key_result, decimal=decimal),
        freshness=freshness(s, language=language, today=today),
        origin=", ".join(p for p in (s.organization, s.unit) if p),
        contact=", ".join(p for p in (contact.name, contact.role) if p),
        email=contact.email,
        news=tuple(news),
        link=solution_link(public_url, s.id),
    )


def _heading(newsletter: Newsletter, language: str) -> str:
    subject = newsletter.subject
    key = "nl_heading_topic" if subject.topic is not None else "nl_heading_sponsor"
    return say(language, key, name=subject.name)


def _period(newsletter: Newsletter, language: str) -> str:
    return say(
        language,
        "nl_period",
        start=day(language, newsletter.start.date()),
        end=day(language, newsletter.end.date()),
    )


def _items(newsletter: Newsletter, language: str, public_url: str) -> list[Item]:
    today = newsletter.end.date()
    return [
        item(s, language=language, today=today, public_url=public_url) for s in newsletter.solutions
    ]


def _asked(language: str, question: str, count: int) -> tuple[str, str]:
    return quoted(question), say(language, "nl_asked", count=count)


# --- Markdown

# What Markdown would read as markup in running text: escaped with a backslash; < > & as
# entities, so no HTML passes through a Markdown renderer either.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~])")
_MD_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


# What begins a list or a rule when it starts a line: "- ", "+ ", "1. ", "2) ", "===".
_MD_LINE_START = re.compile(r"^(?:(\d+)([.)])|([-+=]))")


def md(text: str) -> str:
    """Text on one line, as Markdown shows it literally, wherever the line puts it."""
    line = " ".join(text.split())
    escaped = _MD_SPECIAL.sub(r"\\\1", line.translate(_MD_ENTITIES))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def markdown(newsletter: Newsletter, *, language: str, public_url: str = "") -> str:
    lines = [
        f"## {md(_heading(newsletter, language))}",
        "",
        f"*{md(_period(newsletter, language))}*",
    ]
    for it in _items(newsletter, language, public_url):
        lines += ["", f"### {md(it.title)}", "", md(it.summary), ""]
        lines.append(f"**{md(say(language, 'nl_result'))}:** {md(it.result)}  ")
        if it.freshness:
            lines.append(f"{md(it.freshness)}  ")
        contact = md(it.contact) + (f", <{it.email}>" if _mailable(it.email) else "")
        lines.append(f"{md(it.origin)} · {md(say(language, 'label_contact'))}: {contact}")
        if it.news:
            lines += ["", *(f"- {md(line)}" for line in it.news)]
        if it.link:
            target = it.link.replace("<", "%3C").replace(">", "%3E")
            lines += ["", f"[{md(say(language, 'nl_more'))}](<{target}>)"]
    if newsletter.questions:
        lines += ["", f"### {md(say(language, 'nl_questions'))}", ""]
        lines += [md(say(language, "nl_questions_intro")), ""]
        for asked in newsletter.questions:
            text, count = _asked(language, asked.question, asked.count)
            lines.append(f"- “{md(text)}” ({md(count)})")
    return "\n".join(lines) + "\n"


# A mail address put in a link or an autolink as it is: nothing that could end the link.
_MAILABLE = re.compile(r"[^\s<>()\"'`\\]+@[^\s<>()\"'`\\]+")


def _mailable(email: str) -> bool:
    return bool(_MAILABLE.fullmatch(email))


# --- HTML


def _e(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=True)


def html_fragment(newsletter: Newsletter, *, language: str, public_url: str = "") -> str:
    out = [
        f'<section lang="{_e(language)}">',
        f"<h2>{_e(_heading(newsletter, language))}</h2>",
        f"<p><em>{_e(_period(newsletter, language))}</em></p>",
    ]
    for it in _items(newsletter, language, public_url):
        out += ["<article>", f"<h3>{_e(it.title)}</h3>", f"<p>{_e(it.summary)}</p>"]
        result = f"<strong>{_e(say(language, 'nl_result'))}:</strong> {_e(it.result)}"
        if it.freshness:
            result += f"<br />{_e(it.freshness)}"
        out.append(f"<p>{result}</p>")
        contact = _e(it.contact)
        if _mailable(it.email):
            contact += f', <a href="mailto:{_e(it.email)}">{_e(it.email)}</a>'
        out.append(f"<p>{_e(it.origin)}<br />{_e(say(language, 'label_contact'))}: {contact}</p>")
        if it.news:
            out += ["<ul>", *(f"<li>{_e(line)}</li>" for line in it.news), "</ul>"]
        if it.link:
            out.append(f'<p><a href="{_e(it.link)}">{_e(say(language, "nl_more"))}</a></p>')
        out.append("</article>")
    if newsletter.questions:
        out += [
            f"<h3>{_e(say(language, 'nl_questions'))}</h3>",
            f"<p>{_e(say(language, 'nl_questions_intro'))}</p>",
            "<ul>",
        ]
        for asked in newsletter.questions:
            text, count = _asked(language, asked.question, asked.count)
            out.append(f"<li>“{_e(text)}” ({_e(count)})</li>")
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out) + "\n"
