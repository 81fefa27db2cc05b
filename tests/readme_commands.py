"""Reading README command lines as the README's convention writes them (its "A short tour of the CLI").

- `A | B`: alternatives. B replaces A's last word (`ech0 runs list | show RUN` → `ech0 runs show RUN`); a B that is
  a whole command starts a command of its own (tests/test_readme.py refuses such lines: they read as shell pipes).
- `a|b` inside a word offers each of its parts (`--mode hybrid|dense|sparse`); `[--opt …]` is optional (a group
  always starts with an option), and `[x | y]` offers x or y.
- Variant 0 of a line is the bare command (no optional group, the first part of each word); variant i ≥ 1 has every
  optional group, with its choice i−1 mod n, and takes part i mod n of each word outside the groups and part
  i−1 mod n inside them. A line gives as many variants as it takes for every alternative and every option to run.
- `NAME=value` words before the program are the command's environment (e.g. `ECH0_DATA__MODE=replay`).
"""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

PROGRAMS = ("ech0", "python", "make")
ENV = re.compile(r"^[A-Z][A-Z0-9_]*=")


@dataclass(frozen=True)
class Word:
    parts: tuple[str, ...]  # the alternatives `a|b|c` (one part for a plain word)


@dataclass(frozen=True)
class Group:
    choices: tuple[tuple[Word | Group, ...], ...]  # `[x | y]`: x or y (or, as choice 0, neither)


def bash_lines(path: Path) -> list[str]:
    """The command lines of a markdown file's ```bash blocks: comments dropped, `\\` continuations joined."""
    lines, pending, in_block = [], "", False
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("```"):
            in_block = not in_block and raw.strip() == "```bash"
            continue
        if not in_block:
            continue
        code = f"{pending} {strip_comment(raw).strip()}".strip()
        pending = code[:-1].rstrip() if code.endswith("\\") else ""
        if code and not pending:
            lines.append(code)
    return lines


def strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _raw_words(line: str) -> list[str]:
    """Split on unquoted blanks, quotes kept, so that `|`, `[` and `]` inside quotes stay literal."""
    words, current, quote = [], "", None
    for ch in line:
        if quote or ch not in " \t":
            current += ch
            quote = (None if ch == quote else quote) if quote else (ch if ch in "'\"" else None)
        elif current:
            words.append(current)
            current = ""
    return [*words, current] if current else words


def _word(raw: str) -> Word:
    if "|" in raw and not any(q in raw for q in "'\""):
        return Word(tuple(raw.split("|")))
    return Word((shlex.split(raw)[0],))


def parse_line(line: str) -> list[tuple[Word | Group, ...]]:
    """The line's top-level alternatives (split at ` | `), each a sequence of words and optional groups."""
    stack: list[list[list[Word | Group]]] = [[[]]]
    for raw in _raw_words(line):
        if raw == "|":
            stack[-1].append([])
            continue
        if raw.startswith("[--"):  # an optional group always starts with an option
            stack.append([[]])
            raw = raw[1:]
        closes = 0
        while len(stack) - closes > 1 and raw.endswith("]"):
            raw, closes = raw[:-1], closes + 1
        if raw:
            stack[-1][-1].append(_word(raw))
        for _ in range(closes):
            choices = stack.pop()
            stack[-1][-1].append(Group(tuple(tuple(c) for c in choices)))
    assert len(stack) == 1, f"unbalanced [ ] in README line: {line}"
    return [tuple(seq) for seq in stack[0]]


def starts_a_command(seq: tuple[Word | Group, ...]) -> bool:
    words = [w.parts[0] for w in seq if isinstance(w, Word) and not ENV.match(w.parts[0])]
    return bool(words) and words[0] in PROGRAMS


def _width(seq: tuple[Word | Group, ...], grouped: bool = False) -> int:
    """How many variants it takes for every part and every choice of `seq` to appear."""
    widths = [1]
    for item in seq:
        if isinstance(item, Word):
            widths.append(len(item.parts) + grouped)
        else:
            widths += [len(item.choices) + 1, *(_width(c, grouped=True) for c in item.choices)]
    return max(widths)


def _variant(seq: tuple[Word | Group, ...], i: int, grouped: bool = False) -> list[str]:
    out: list[str] = []
    for item in seq:
        if isinstance(item, Word):
            out.append(item.parts[(i - grouped) % len(item.parts)])
        elif i:
            out += _variant(item.choices[(i - 1) % len(item.choices)], i, grouped=True)
    return out


def commands_of(line: str) -> list[tuple[int, list[str]]]:
    """Every command a README line stands for: (variant, argv with the environment assignments first)."""
    commands: list[tuple[int, list[str]]] = []
    head: tuple[Word | Group, ...] = ()
    for seq in parse_line(line):
        if starts_a_command(seq) or not head:
            head, full = seq, seq
        else:
            assert isinstance(head[-1], Word), (
                f"README line {line!r}: an alternative must replace a word, not [options]"
            )
            full = head[:-1] + seq
        for i in range(_width(full)):
            if (argv := _variant(full, i)) not in [a for _, a in commands]:
                commands.append((i, argv))
    return commands


def program_words(argv: list[str]) -> list[str]:
    return list(itertools.dropwhile(ENV.match, argv))


def matches(argv: list[str], prefix: str) -> bool:
    words = prefix.split()
    return program_words(argv)[: len(words)] == words
