"""The layering of ARCHITECTURE.md: a module imports only from layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "minica"

LAYERS = {
    "errors": 0,
    "_version": 0,
    "_record": 0,
    "der": 1,
    "pem": 1,
    "oids": 1,
    "name": 2,
    "_aes": 2,
    "pbe": 2,
    "keys": 3,
    "_ec": 2,
    "algorithms": 3,
    "extensions": 4,
    "text": 4,
    "csr": 5,
    "cert": 5,
    "crl": 5,
    "pkcs12": 5,
    "profiles": 6,
    "index": 6,
    "_opensslcnf": 6,
    "ca": 6,
    "verify": 6,
    "explain": 7,
    "demo": 7,
    "cli": 7,
    "__main__": 7,
    "__init__": 8,
}

# Same-layer imports that are part of the design (a module built on its neighbour).
ALLOWED_SAME_LAYER = {
    ("pbe", "_aes"),
    ("keys", "algorithms"),
    ("algorithms", "keys"),
    ("text", "extensions"),
    ("csr", "cert"),
    ("crl", "cert"),
    ("pkcs12", "cert"),
    ("ca", "profiles"),
    ("ca", "index"),
    ("ca", "_opensslcnf"),
    ("verify", "profiles"),
    ("ca", "verify"),
    ("cli", "demo"),
    ("cli", "explain"),
    ("demo", "cli"),
    ("__main__", "cli"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "minica":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("minica."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("minica."):
                    found.add(alias.name.split(".")[1])
    return found


MODULES = sorted(p.stem for p in SRC.glob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_module_has_a_layer(module: str) -> None:
    """Every module in src/minica is placed in a layer."""
    assert module in LAYERS, f"{module}.py is not in the layer table of tests/test_layers.py"


@pytest.mark.parametrize("module", MODULES)
def test_no_upward_imports(module: str) -> None:
    """A module imports only from lower layers (or an allowed neighbour)."""
    own = LAYERS.get(module)
    if own is None:
        pytest.skip("no layer (reported by test_module_has_a_layer)")
    for imported in _imports(SRC / f"{module}.py"):
        if imported not in LAYERS:
            continue  # names imported from the package root, e.g. `from minica import der`
        their = LAYERS[imported]
        ok = their < own or (their == own and (module, imported) in ALLOWED_SAME_LAYER)
        assert ok, f"{module} (layer {own}) imports {imported} (layer {their})"


def test_core_does_not_import_io_or_crypto_bindings() -> None:
    """No crypto bindings anywhere in src/, as ARCHITECTURE.md decides."""
    banned = {"cryptography", "OpenSSL", "ctypes", "cffi", "ssl"}
    allowed_ssl = {"demo", "cli"}
    for path in SRC.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            for name in names:
                if name == "ssl" and path.stem in allowed_ssl:
                    continue
                assert name not in banned, f"{path.name} imports {name}"
