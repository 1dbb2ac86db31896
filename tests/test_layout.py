"""The seams the architecture promises, checked on the source: the core and the knowledge
base import no adapter and no platform SDK, and adapters reach the core, never its store."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "msrest")


def _imports(package: str) -> dict[str, set[str]]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_core_and_the_knowledge_base_import_no_adapter_and_no_platform_sdk() -> None:
    forbidden = ("adapters", *PLATFORM_SDKS)
    offending = {
        module: sorted(n for n in names if n.split(".")[0] in forbidden)
        for package in ("bot", "knowledge")
        for module, names in _imports(package).items()
    }
    assert {m: n for m, n in offending.items() if n} == {}


def test_adapters_talk_to_the_core_never_to_its_store() -> None:
    touching = {}
    for path in sorted((ROOT / "adapters").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)} | {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        }
        used = sorted(n for n in names if n == "store" or n.startswith("knowledge.store"))
        if used:
            touching[str(path.relative_to(ROOT))] = used
    assert touching == {}


def test_server_assembly_names_no_platform() -> None:
    for module in ("bot/server.py", "bot/cli.py", "bot/core.py"):
        source = (ROOT / module).read_text(encoding="utf-8").lower()
        for platform in ("slack", "teams"):
            assert platform not in source, (module, platform)
