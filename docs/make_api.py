"""Write docs/api.md: the API reference, from the signatures and docstrings of the public names.

The public names are those of ``minica.__all__`` (grouped by the module that defines them) and
the ``__all__`` of the submodules listed in MODULES. tests/test_docs.py checks that the committed
page equals this script's output. Run from the repository root:

    PYTHONPATH=src python docs/make_api.py
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import minica  # noqa: E402
from minica._record import complete  # noqa: E402

# Submodules documented with their whole __all__, in this order, with a one-line purpose.
MODULES = [
    ("minica.pkcs12", "PKCS#12 bundles for browsers and keychains."),
    ("minica.extensions", "Typed X.509 extensions and GeneralNames."),
    ("minica.profiles", "Issuance profiles."),
    ("minica.explain", "Annotated ASN.1 trees (what `minica asn1` prints)."),
    ("minica.der", "The strict DER codec."),
    ("minica.pem", "PEM armour."),
    ("minica.oids", "The OID registry."),
    ("minica.index", "openssl's `index.txt` database format."),
]
WIDTH = 100


SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Attributes):$")


def _clean(doc: str) -> str:
    """Docstring reST to Markdown: ``x`` and :func:`x` become `x`; Raises: etc. become lists."""
    doc = re.sub(r":(?:func|class|meth|attr|mod|data|exc):`~?([^`]+)`", r"`\1`", doc)
    doc = doc.replace("``", "`")
    out: list[str] = []
    in_section = False
    for line in doc.split("\n"):
        m = SECTION.match(line)
        if m:
            out.append(f"**{m[1]}:**\n")
            in_section = True
        elif in_section and line.startswith("    ") and not line.startswith("     "):
            head, sep, rest = line.strip().partition(": ")
            if sep and " " not in head:
                out.append(f"- `{head}`: {rest}")
            else:
                out.append(f"- {line.strip()}")
        elif in_section and line.startswith("     "):
            out.append(f"  {line.strip()}")
        else:
            in_section = in_section and bool(line.strip())
            out.append(line)
    return "\n".join(out)


def _default(value: Any) -> str:
    text = repr(value)
    if " at 0x" in text or len(text) > 60:
        return "..."
    return text


def _annotation(annotation: Any) -> str:
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _signature(name: str, obj: Any, *, returns: bool = True) -> str:
    """``name(params) -> return``, wrapped one parameter per line when too long."""
    try:
        if isinstance(obj, type):
            complete(obj)  # a lazily built record class: finish it to see its fields
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return f"{name}(...)"
    params: list[str] = []
    seen_kw_only = False
    previous = None
    for p in sig.parameters.values():
        if p.name == "self" or p.name == "cls":
            continue
        if p.kind is p.KEYWORD_ONLY and not seen_kw_only:
            params.append("*")
        if p.kind is p.VAR_POSITIONAL:
            seen_kw_only = True
        if previous is p.POSITIONAL_ONLY and p.kind is not p.POSITIONAL_ONLY:
            params.append("/")
        seen_kw_only = seen_kw_only or p.kind is p.KEYWORD_ONLY
        text = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
        if p.annotation is not p.empty:
            text += f": {_annotation(p.annotation)}"
            if p.default is not p.empty:
                text += f" = {_default(p.default)}"
        elif p.default is not p.empty:
            text += f"={_default(p.default)}"
        params.append(text)
        previous = p.kind
    ret = ""
    if returns and sig.return_annotation is not sig.empty:
        ret = f" -> {_annotation(sig.return_annotation)}"
    one_line = f"{name}({', '.join(params)}){ret}"
    if len(one_line) <= WIDTH:
        return one_line
    inner = "".join(f"    {p},\n" for p in params)
    return f"{name}(\n{inner}){ret}"


def _doc(obj: Any) -> str:
    doc = inspect.getdoc(obj)
    return _clean(doc) + "\n" if doc else "(no docstring)\n"


def _members(cls: type) -> list[tuple[str, Any]]:
    """Public methods, properties and class attributes defined on ``cls`` itself, in order."""
    found: list[tuple[str, Any]] = []
    fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    for name, value in vars(cls).items():
        if name.startswith("_") or name in fields:
            continue
        if isinstance(value, staticmethod | classmethod):
            found.append((name, value.__func__))
        elif isinstance(value, property) or inspect.isfunction(value):
            found.append((name, value))
    return found


def _class(qualname: str, cls: type, level: str) -> list[str]:
    out = [f"{level} `{qualname}`\n"]
    if issubclass(cls, enum.Enum):
        out.append(_doc(cls))
        out.append("Members: " + ", ".join(f"`{m.name}`" for m in cls) + "\n")
        return out
    if issubclass(cls, BaseException):
        bases = ", ".join(b.__name__ for b in cls.__bases__)
        out.append(f"```text\nclass {cls.__name__}({bases})\n```\n")
        out.append(_doc(cls))
        return out
    out.append(f"```text\n{_signature(cls.__name__, cls, returns=False)}\n```\n")
    out.append(_doc(cls))
    for name, member in _members(cls):
        if isinstance(member, property):
            out.append(f"- **`.{name}`** (property): {_clean(inspect.getdoc(member) or '')}\n")
            continue
        out.append(f"- **`.{name}`**\n")
        out.append(
            f"  ```text\n  {_signature(name, member).replace(chr(10), chr(10) + '  ')}\n  ```\n"
        )
        doc = _doc(member).rstrip("\n").replace("\n", "\n  ")
        out.append(f"  {doc}\n")
    return out


def _entry(qualname: str, obj: Any, level: str) -> list[str]:
    if inspect.isclass(obj):
        return _class(qualname, obj, level)
    if callable(obj):
        return [
            f"{level} `{qualname}`\n",
            f"```text\n{_signature(qualname.rpartition('.')[2], obj)}\n```\n",
            _doc(obj),
        ]
    return [f"{level} `{qualname}`\n", f"A constant: `{_default(obj)}`.\n"]


def generate() -> str:
    """The Markdown text of docs/api.md."""
    out: list[str] = [
        "# API reference\n",
        "<!-- Generated by docs/make_api.py from the docstrings; do not edit by hand.\n"
        "     Regenerate with PYTHONPATH=src python docs/make_api.py -->\n",
        "Everything below is importable as shown. Names in `minica` load their module on first "
        "use, so `import minica` stays cheap. Errors are described first because every function "
        "raises them; see [security.md](security.md) for what minica refuses and why.\n",
        "Modules: "
        + ", ".join(
            [
                "[`minica`](#minica)",
                *(f"[`{m}`](#{m.replace('.', '')})" for m, _ in MODULES),
            ]
        )
        + "\n",
        "## minica\n",
    ]
    by_module: dict[str, list[str]] = {}
    for name in minica.__all__:
        obj = getattr(minica, name)
        if name.startswith("__"):
            continue
        by_module.setdefault(getattr(obj, "__module__", "minica"), []).append(name)
    order = ["minica.errors", *sorted(m for m in by_module if m != "minica.errors")]
    for module in order:
        names = by_module.get(module, [])
        if not names:
            continue
        out.append(f"### from `{module}`\n")
        for name in names:
            out.extend(_entry(f"minica.{name}", getattr(minica, name), "####"))
    for module_name, purpose in MODULES:
        module = importlib.import_module(module_name)
        out.append(f"## {module_name}\n")
        summary = _clean(inspect.getdoc(module) or "").split("\n\n")[0]
        out.append((summary or purpose) + "\n")
        for name in getattr(module, "__all__", []):
            out.extend(_entry(f"{module_name}.{name}", getattr(module, name), "###"))
    return "\n".join(out)


def main() -> None:
    target = ROOT / "docs" / "api.md"
    target.write_text(generate(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
