"""The core's replies and a solution's page as what the templates show, and the geometry of
the charts they draw as inline SVG: a result's before and after, and spreading over time
(the dashboard's and a solution page's).

Every button becomes one of three things, by its action (the table below): a link to a
solution's page (reading more about it), a link that asks again (more answers), or, for
whatever acts as a person, its label in one line saying it needs a login via Slack or
Teams. Nothing here escapes text: the templates autoescape everything they are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.cards import evidence_lines, solution_path
from bot.dashboard_tables import MONTH_COLUMNS, Month
from bot.i18n import listed, say
from bot.messages import Action, Card, Reply
from bot.solution_page import Figure

# Buttons a visitor may follow, as links: to the page of the solution the button names…
TO_PAGE = frozenset({"details", "who_uses", "pick"})
# …or asking the same question again for more answers. Anything else needs a person.
ASK_AGAIN = frozenset({"more"})


def page_url(solution_id: str, language: str) -> str:
    return f"{solution_path(solution_id)}?{urlencode({'lang': language})}"


def ask_url(question: str, language: str, *, more: int | None = None) -> str:
    query: dict[str, str | int] = {"q": question, "lang": language}
    if more is not None:
        query["more"] = more
    return "/?" + urlencode(query)


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    label: str
    url: str
    more: bool = False  # asks again: the page's script may fetch it into the chat


@dataclass(frozen=True, slots=True, kw_only=True)
class CardView:
    card: Card
    url: str  # the solution's page
    lines: tuple[str, ...]  # freshness, who uses it, why it matched, local results
    links: tuple[Link, ...]
    login: str  # "Log ind via Slack eller Teams for at bruge …", or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyView:
    paragraphs: tuple[str, ...]
    language: str
    cards: tuple[CardView, ...]
    links: tuple[Link, ...]
    login: str


def _split(actions: Sequence[Action], language: str, page: str) -> tuple[tuple[Link, ...], str]:
    """Links (to pages in the page's language, `page`) and the login line (in the reply's)."""
    links, needing = [], []
    for action in actions:
        solution = action.payload.get("solution") if action.id in TO_PAGE else None
        question = action.payload.get("q")
        offset = action.payload.get("offset")
        if isinstance(solution, str):
            links.append(Link(label=action.label, url=page_url(solution, page)))
        elif action.id in ASK_AGAIN and isinstance(question, str) and isinstance(offset, int):
            url = ask_url(question, page, more=offset)
            links.append(Link(label=action.label, url=url, more=True))
        else:
            needing.append(f"“{action.label}”")
    login = say(language, "web_login_needed", actions=listed(language, needing, joined_by="or"))
    return tuple(links), login if needing else ""


def card_view(
    card: Card, language: str, *, page: str | None = None, on_its_page: bool = False
) -> CardView:
    page = page or language
    url = page_url(card.solution_id, page)
    actions = [a for a in card.actions if not (on_its_page and a.id in TO_PAGE)]
    links, login = _split(actions, language, page)
    if not on_its_page and not any(link.url.startswith("/l/") for link in links):
        links = (Link(label=say(language, "web_read_more"), url=url), *links)
    return CardView(
        card=card,
        url=url,
        lines=tuple(evidence_lines(card, language)),
        links=links,
        login=login,
    )


def reply_view(reply: Reply, page: str) -> ReplyView:
    """`page`: the language of the page around it, which its links keep."""
    language = reply.language
    actions = list(reply.actions)
    if reply.choice is not None:
        actions = [*reply.choice.options, *actions]
    if reply.form is not None:  # a form is always a person's: it needs a login
        actions.append(Action(id=reply.form.id, label=reply.form.title))
    links, login = _split(actions, language, page)
    return ReplyView(
        paragraphs=tuple(p for p in reply.text.split("\n") if p.strip()),
        language=language,
        cards=tuple(card_view(c, language, page=page) for c in reply.cards),
        links=links,
        login=login,
    )


# --- the before/after chart of one result, drawn as inline SVG by the template

CHART_WIDTH = 480
LABEL_WIDTH = 72  # room for "Before"/"Efter" left of the bars
BAR_HEIGHT = 28
GAP = 12
VALUE_ROOM = 110  # right of the longest bar, for its value and unit


@dataclass(frozen=True, slots=True, kw_only=True)
class Bar:
    label: str
    value: str  # as written, with the unit
    y: int
    width: int
    after: bool  # the second bar, drawn in the darker colour


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    figure: Figure
    label: str  # what a screen reader hears for the picture
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    bar_height: int


def chart(figure: Figure, language: str) -> Chart | None:
    """Two horizontal bars, before and after, to one scale from zero; None for a result
    with no number (the import schema requires one, but not both)."""
    sides = [
        (say(language, "web_before"), figure.before, figure.before_text, False),
        (say(language, "web_after"), figure.after, figure.after_text, True),
    ]
    present = [(label, v, text, after) for label, v, text, after in sides if v is not None]
    if not present:
        return None
    largest = max(abs(v) for _, v, _, _ in present) or 1.0
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM
    unit = f" {figure.unit}" if figure.unit else ""
    bars = tuple(
        Bar(
            label=label,
            value=f"{text}{unit}",
            y=i * (BAR_HEIGHT + GAP),
            width=max(2, round(abs(value) / largest * room)),
            after=after,
        )
        for i, (label, value, text, after) in enumerate(present)
    )
    described = say(
        language,
        "web_chart_label",
        metric=figure.metric,
        before=figure.before_text or "–",
        after=figure.after_text or "–",
        unit=figure.unit,
    ).strip()
    return Chart(
        figure=figure,
        label=described,
        bars=bars,
        width=CHART_WIDTH,
        height=len(bars) * (BAR_HEIGHT + GAP) - GAP,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
    )


# --- spreading over time: per month a bar of the organisations that reached each stage,
# stacked (interested at the bottom, using on top), drawn as inline SVG by the macro
# `stacked_chart` (templates/macros.html), on the dashboard and on a solution's page.
# Each stage's colour has at least 3:1 contrast with the page (WCAG 1.4.11), and the
# legend and the table under the chart say the same in words.
STAGE_COLOURS = ("#5c6b73", "#a35200", "#0b4f8a")
STAGE_TEXTS = MONTH_COLUMNS[1:]  # the legend names the stages as the table's columns do
STACK_HEIGHT = 160
STACK_BAR = 36
STACK_GAP = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    y: int
    height: int
    colour: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Stack:
    """One month's bar: its stages' segments from the bottom, its total above it."""

    x: int
    top: int
    segments: tuple[Segment, ...]
    count: int
    label: str  # "26/03"


@dataclass(frozen=True, slots=True, kw_only=True)
class Key:
    colour: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StackedChart:
    bars: tuple[Stack, ...]
    width: int
    height: int
    label: str  # what a screen reader hears for the picture
    bar: int  # each bar's width
    legend: tuple[Key, ...]


def stacked_chart(
    months: Sequence[Month], language: str, *, label_key: str, **values: object
) -> StackedChart:
    """The bars of `months` to one scale; its accessible name is the text `label_key` with
    the months, each stage's total and `values`."""
    top = max((sum(m.stages) for m in months), default=0) or 1
    bars = []
    for i, month in enumerate(months):
        segments, base = [], STACK_HEIGHT
        for count, colour in zip(month.stages, STAGE_COLOURS, strict=True):
            height = round(count / top * (STACK_HEIGHT - 20))
            if height:
                base -= height
                segments.append(Segment(y=base, height=height, colour=colour))
        bars.append(
            Stack(
                x=i * (STACK_BAR + STACK_GAP),
                top=base,
                segments=tuple(segments),
                count=sum(month.stages),
                label=month.label[2:].replace("-", "/"),
            )
        )
    interested, trying, using = (sum(m.stages[n] for m in months) for n in range(3))
    label = say(
        language,
        label_key,
        months=len(months),
        interested=interested,
        trying=trying,
        using=using,
        **values,
    )
    return StackedChart(
        bars=tuple(bars),
        width=len(months) * (STACK_BAR + STACK_GAP),
        height=STACK_HEIGHT + 24,
        label=label,
        bar=STACK_BAR,
        legend=tuple(
            Key(colour=colour, text=say(language, key))
            for colour, key in zip(STAGE_COLOURS, STAGE_TEXTS, strict=True)
        ),
    )
