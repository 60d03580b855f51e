"""The documentation runs: every sample in README.md and docs/*.md, and the generated pages are current.

How samples are found and run (so a doc cannot drift from the code):

- Every fenced block must name its language. ```python blocks run with ``exec``; the blocks of
  one file run in order, in one namespace, with a fresh temporary directory as the working
  directory. ```sh and ```console blocks run line by line in the same directory:
  ``minica ...`` through the real command line (``python -m minica``), ``openssl ...`` through
  the openssl binary, ``export NAME=VALUE`` sets the environment of later commands. In a
  ```console block commands start with ``$ `` and the lines after one are its expected output
  (stdout and stderr as one stream), compared with doctest's ELLIPSIS and NORMALIZE_WHITESPACE rules.
- A command is expected to exit 0 unless its line ends with a comment such as ``# exits 1``.
- Blocks that must not run use another language: ```text, ```nginx, ```ini.
- In docs/ any other command in a sh/console block is an error (it would silently not run);
  in README.md other commands (the install lines at the top) are left alone.
- docs/anatomy.md, docs/api.md and docs/performance.md equal the output of their scripts.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DOC_FILES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
RUN_LANGUAGES = {"python", "sh", "console"}
QUIET_LANGUAGES = {"text", "nginx", "ini", "pycon", "diff", "markdown"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[^`\s]*)[^`]*$")
EXIT_COMMENT = re.compile(r"#.*\bexits? (?:with )?(?:status )?(\d+)\b[^#]*$")
SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "&"}
TIMEOUT = 600


@dataclass(frozen=True)
class Block:
    """One fenced code block: the file, the line of its opening fence, language and text."""

    path: Path
    line: int
    lang: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file, in order (indented fences included)."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        indent, fence, lang = m["indent"], m["fence"], m["lang"]
        start = i + 1
        body: list[str] = []
        i += 1
        while i < len(lines):
            stripped = lines[i].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            text = lines[i]
            body.append(text[len(indent) :] if text.startswith(indent) else text.lstrip())
            i += 1
        else:
            raise AssertionError(f"{path.relative_to(ROOT)}:{start}: unclosed code fence")
        found.append(Block(path, start, lang, "\n".join(body) + "\n"))
        i += 1
    return found


@dataclass
class Command:
    """One shell command of a sample, with the output it promises (console blocks)."""

    argv: list[str]
    line: int
    expected_exit: int = 0
    output: str | None = None


def commands(block: Block) -> list[Command]:
    """Parse a sh/console block into commands (backslash continuations joined)."""
    result: list[Command] = []
    raw = block.text.splitlines()
    console = block.lang == "console"
    i = 0
    while i < len(raw):
        line = raw[i]
        number = block.line + 1 + i
        i += 1
        if console:
            if not line.startswith("$ "):
                if result and result[-1].output is not None:
                    result[-1].output += line + "\n"
                elif line.strip():
                    raise AssertionError(f"{block.where}: output before any `$ ` command: {line}")
                continue
            line = line[2:]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        while line.endswith("\\") and i < len(raw):
            nxt = raw[i]
            i += 1
            nxt = nxt[2:] if console and nxt.startswith("> ") else nxt
            line = line[:-1] + " " + nxt.strip()
        expected = 0
        m = EXIT_COMMENT.search(line)
        if m is not None:
            expected = int(m[1])
        argv = shlex.split(line, comments=True)
        result.append(Command(argv, number, expected, "" if console else None))
    return result


def _minica_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINICA_")}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env["COLUMNS"] = "100"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_command(cmd: Command, block: Block, cwd: Path, env: dict[str, str], strict: bool) -> None:
    """Run one command of a sample and check its exit status and promised output."""
    program = cmd.argv[0]
    runs = program in ("minica", "openssl", "export")
    bad = SHELL_OPERATORS.intersection(cmd.argv)
    if bad and (runs or strict):
        raise AssertionError(
            f"{block.where}: line {cmd.line}: shell operator {sorted(bad)} is not supported "
            "by the docs runner; write one plain command per line"
        )
    if program == "export":
        for assignment in cmd.argv[1:]:
            name, sep, value = assignment.partition("=")
            assert sep, f"{block.where}: line {cmd.line}: export needs NAME=VALUE"
            env[name] = value
        return
    if program == "minica":
        argv = [sys.executable, "-m", "minica", *cmd.argv[1:]]
    elif program == "openssl":
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("the docs' openssl commands need the openssl command line")
        argv = [openssl, *cmd.argv[1:]]
    elif strict:
        raise AssertionError(
            f"{block.where}: line {cmd.line}: `{program}` cannot run in the docs tests; use a "
            "```text block for it, or write it as a minica/openssl command or Python"
        )
    else:
        return
    # One stream, unbuffered, so the output reads as it would on a terminal.
    done = subprocess.run(
        argv,
        cwd=cwd,
        env=_minica_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    got = done.stdout
    shown = " ".join(cmd.argv)
    if done.returncode != cmd.expected_exit:
        pytest.fail(
            f"{block.where}: line {cmd.line}: `{shown}` exited {done.returncode}, the docs say "
            f"{cmd.expected_exit}\n--- output\n{got}"
        )
    if cmd.output is not None and cmd.output.strip():
        checker = doctest.OutputChecker()
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        if not checker.check_output(cmd.output, got, flags):
            pytest.fail(
                f"{block.where}: line {cmd.line}: `{shown}` printed something else than the "
                f"docs show\n--- docs\n{cmd.output}--- real\n{got}"
            )


def run_python(block: Block, namespace: dict[str, Any]) -> None:
    """Execute one python block in the file's shared namespace."""
    code = compile(block.text, block.where, "exec")
    exec(code, namespace)


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_samples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python block and every minica/openssl command of the file runs as documented."""
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("MINICA_")]:
        monkeypatch.delenv(name)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    env: dict[str, str] = {}
    strict = path.parent == DOCS
    for block in blocks(path):
        if block.lang == "python":
            run_python(block, namespace)
        elif block.lang in ("sh", "console"):
            for cmd in commands(block):
                run_command(cmd, block, tmp_path, env, strict)


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_names_a_known_language(path: Path) -> None:
    """A fence without a known language would silently not run (e.g. ```pyhton)."""
    for block in blocks(path):
        assert block.lang in RUN_LANGUAGES | QUIET_LANGUAGES, (
            f"{block.where}: code block language {block.lang!r}; use one of "
            f"{sorted(RUN_LANGUAGES | QUIET_LANGUAGES)}"
        )


LINK = re.compile(r"\]\((?!https?://|mailto:|#)([^)\s]+?)(?:#[^)]*)?\)")


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    """Every relative Markdown link points at a file of the repository."""
    text = path.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        assert (path.parent / target).exists(), f"{path.relative_to(ROOT)}: broken link {target}"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_{name}", DOCS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("script", "page"),
    [
        ("make_anatomy", "anatomy.md"),
        ("make_api", "api.md"),
        ("make_performance", "performance.md"),
    ],
)
def test_generated_page_is_current(script: str, page: str) -> None:
    """A generated page equals its script's output (regenerate: python docs/<script>.py)."""
    module = _script(script)
    expected = module.generate()
    committed = (DOCS / page).read_text(encoding="utf-8")
    assert committed == expected, (
        f"docs/{page} is stale; run `PYTHONPATH=src python docs/{script}.py` and commit it"
    )


def test_anatomy_is_deterministic() -> None:
    """Two runs of make_anatomy produce the same page (fixed key, serial and dates)."""
    module = _script("make_anatomy")
    assert module.generate() == module.generate()


def test_commands_parser_reads_console_output() -> None:
    """The console parser attaches output lines and exit comments to their command."""
    block = Block(ROOT / "README.md", 1, "console", "$ minica x \\\n> --y 1  # exits 2\nout\n")
    (cmd,) = commands(block)
    assert cmd.argv == ["minica", "x", "--y", "1"]
    assert cmd.expected_exit == 2
    assert cmd.output == "out\n"


def test_runner_refuses_pipes(tmp_path: Path) -> None:
    """A pipe in a minica sample is refused rather than run wrongly."""
    block = Block(ROOT / "README.md", 1, "sh", "minica show x.pem | head\n")
    (cmd,) = commands(block)
    with pytest.raises(AssertionError, match="shell operator"):
        run_command(cmd, block, tmp_path, {}, strict=False)
