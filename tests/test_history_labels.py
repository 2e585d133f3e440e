"""Every command the journal can hold has a Chinese label in the pages' history and replay (common.js)."""

from __future__ import annotations

import re
from pathlib import Path

import engine.service  # noqa: F401  (imports every module that registers a replay)
from engine.audit.replay import REPLAYERS

COMMON = Path(__file__).resolve().parent.parent / "api" / "web" / "assets" / "common.js"
# entries a command writes beside its own: the engine's steps, a loop's reset, a call activity's binding
STEP_COMMANDS = {"engine_step", "loop_reset", "call"}


def _labels(name: str) -> dict[str, str]:
    block = re.search(rf"export const {name} = \{{(.*?)\n\}};", COMMON.read_text(encoding="utf-8"), re.S)
    assert block, f"{name} not found in common.js"
    return dict(re.findall(r"(\w+): '([^']*)'", block.group(1)))


def test_every_journal_command_has_a_chinese_label() -> None:
    labels = _labels("COMMAND_NAMES")
    commands = set(REPLAYERS) | STEP_COMMANDS
    assert {"message", "signal", "message_start", "signal_start", "timer_fired", "call"} <= commands
    missing = sorted(c for c in commands if c not in labels)
    assert not missing, f"commands without a label in common.js: {missing}"
    assert all(re.search(r"[\u4e00-\u9fff]", labels[c]) for c in commands), labels


def test_engine_steps_are_named_by_what_ran() -> None:
    names = _labels("STEP_TYPE_NAMES")
    assert names["businessRuleTask"] == "规则判定" and names["callActivity"] == "子流程"
