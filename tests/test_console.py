"""`spred chat` as a newcomer uses it: a subprocess with piped input, one line per turn."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from adapters.console import ConsoleChat, Renderer, clean
from bot.core import Core
from bot.messages import Action, Card, Incoming, Notice, Reply
from tests.test_cli import base_env, spred
from tests.test_dialogue_admin import ANSWERS


def chat(data: Path, cwd: Path, lines: list[str], *args: str, admins: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--data", str(data), *args],
        input="\n".join(lines).encode() + b"\n",
        cwd=cwd,
        env=base_env(SPRED_ADMINS=admins),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert not done.stderr, done.stderr.decode()
    return done.stdout.decode()


def test_a_newcomer_asks_contacts_adopts_leaves_demand_and_an_admin_adds_an_answer(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    assert spred("load-demo", cwd=tmp_path, data=data).code == 0
    out = chat(
        data,
        tmp_path,
        [
            "hvordan faar vi ventetiden ned i hjemmeplejen",  # no æøå keyboard
            "1",  # [1] Kontakt … on the first card
            "hvordan faar vi ventetiden ned i hjemmeplejen",
            "[2]",  # [2] Mere om løsningen, typed as it is shown
            "2",  # [2] Vi prøver den, on the details
            "12",  # a number no button has, after a reply without buttons
            "snerydning paa kirkegaarden",
            "5",  # a number beyond the two buttons shown (Giv mig besked, Ja, nævn mit navn)
            "1",  # [1] Giv mig besked
            "english",
            "how do we reduce sick leave among care workers",
        ],
        "--user",
        "anna",
        "--name",
        "Anna Holm",
        "--org",
        "Odense Kommune",
    )
    assert "Hej Anna Holm!" in out
    assert "Løsninger på “hvordan faar vi ventetiden ned i hjemmeplejen”:" in out
    assert "[1] Kontakt Lone Mikkelsen  [2] Mere om løsningen\n" in out
    assert "Du kan skrive til Lone Mikkelsen" in out
    assert " på Spred" not in out  # the terminal's name is no part of a sentence
    assert "[1] Kontakt Lone Mikkelsen  [2] Vi prøver den  [3] Vi bruger den nu  [4] Hvem " in out
    assert "Noteret: Odense Kommune prøver nu “Hjemmeplejen justerer selv" in out
    assert "Der er ikke noget at trykke på med tallet 12 – ingen knap har det nummer." in out
    assert "Jeg kender endnu ingen løsning på “snerydning paa kirkegaarden”" in out
    assert "Der er ingen knap nummer 5 – knapperne har numrene 1 til 2." in out
    assert "Det gør jeg." in out
    assert "for “how do we reduce sick leave among care workers”:" in out
    demand = spred("demand", cwd=tmp_path, data=data)
    assert "snerydning paa kirkegaarden" in demand.out

    admin = chat(
        data,
        tmp_path,
        ["tilføj", *(answer for _, answer in ANSWERS), "udgiv"],
        "--user",
        "bo",
        admins="console:bo",
    )
    assert "er udgivet" in admin.split("Skal den udgives?")[-1]
    later = chat(data, tmp_path, [], "--user", "anna")
    assert "Du spurgte om “snerydning paa kirkegaarden”" in later  # waited for her
    assert "Fælles maskinpulje" in later
    again = chat(data, tmp_path, ["snerydning kirkegård"], "--user", "carl")
    assert "Fælles maskinpulje til snerydning på kirkegårde" in again


def test_only_listed_console_users_are_admins(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = chat(data, tmp_path, ["tilføj"], "--user", "mallory", admins="console:bo")
    assert "Det er kun Spreds administratorer, der kan det." in out


def test_a_bad_user_name_is_one_clear_line(tmp_path: Path) -> None:
    run = spred("chat", "--user", "two words", cwd=tmp_path, data=tmp_path / "data")
    assert run.code == 1
    assert run.err.startswith("spred: --user must be one word")


def test_terminal_escapes_in_any_text_are_removed_before_printing() -> None:
    hostile = "\x1b[2J\x1b]0;pwned\x07Titel\u202e"
    renderer = Renderer()
    card = Card(
        solution_id="x",
        title=hostile,
        summary="ok",
        result="r",
        origin="o",
        contact="c",
        status="s",
        actions=(Action(id="details", label=hostile),),
    )
    shown = renderer.render([Reply(text=hostile, cards=(card,))])
    assert "\x1b" not in shown
    assert "\x07" not in shown
    assert "\u202e" not in shown
    assert "[1] [2J]0;pwnedTitel" in shown
    assert clean("æøå\nline") == "æøå\nline"


async def test_a_latin1_line_and_an_overlong_line_are_read_as_one_turn_each(core: Core) -> None:
    typed = "ventetid i hjemmeplejen på øerne".encode("latin-1") + b"\n"
    huge = b"ventetid " * 20_000 + b"\n"
    out = io.StringIO()
    console = ConsoleChat(
        core=core, user_id="anna", name="Anna", stdin=io.BytesIO(typed + huge), stdout=out
    )
    await console.run()
    text = out.getvalue()
    assert "på øerne" in text
    assert text.count(" på “ventetid") + text.count("Mente du") == 2


def test_a_message_arriving_after_an_answer_goes_on_counting_its_buttons() -> None:
    renderer = Renderer()
    answer = Reply(text="Svar", actions=(Action(id="a", label="A"), Action(id="b", label="B")))
    letter = Reply(text="Brev", actions=(Action(id="c", label="C"),))
    assert "[2] B" in renderer.render([answer])
    assert "[3] C" in renderer.render([letter], fresh=False)
    assert [a.id for a in renderer.actions] == ["a", "b", "c"]
    assert "[1] C" in renderer.render([letter])  # the next answer starts again


async def test_a_letter_arriving_during_a_turn_keeps_its_button_numbers(core: Core) -> None:
    """A letter for the console user printed while their turn runs (they contacted a
    solution whose contact is themselves) is numbered first; the answer counts on from it,
    so every number on screen presses the button shown next to it."""
    out = io.StringIO()
    console = ConsoleChat(core=core, user_id="anna", name="Anna Holm", stdout=out)
    letter = Notice(
        to=console.address,
        kind="test",
        reply=Reply(text="Brev", actions=(Action(id="help", label="Brevets knap"),)),
    )
    handle = core.handle

    async def handle_with_a_letter(message: Incoming) -> list[Reply]:
        replies = await handle(message)
        await console.deliver(letter)  # as the outbox would, before the answer prints
        return replies

    core.handle = handle_with_a_letter  # type: ignore[method-assign]
    await console.turn("ventetid hjemmepleje opstart")
    shown = out.getvalue()
    assert "[1] Brevets knap" in shown
    assert "[1] Kontakt" not in shown  # the answer's buttons count on from the letter's
    assert console.renderer.actions[0].label == "Brevets knap"


async def test_a_number_beyond_the_buttons_shown_says_which_there_are(core: Core) -> None:
    out = io.StringIO()
    console = ConsoleChat(core=core, user_id="anna", name="Anna Holm", stdout=out)
    await console.turn("ventetid hjemmepleje opstart")
    shown = len(console.renderer.actions)
    assert shown > 1
    await console.turn("99")
    assert f"Der er ingen knap nummer 99 – knapperne har numrene 1 til {shown}." in out.getvalue()
    assert len(console.renderer.actions) == shown  # the buttons shown still work
    assert await core.services.store.demand.count() == 0
    assert console.renderer.actions[-1].label == "Følg ældrepleje"  # the last one
    await console.turn(f"[{shown - 1}]")  # as it is shown: the one before, "Hjalp ikke"
    assert "Jeg har gemt “ventetid hjemmepleje opstart”" in out.getvalue()
