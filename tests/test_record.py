"""minica._record: lazily processed frozen dataclasses behave exactly like dataclasses."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from minica._record import complete, fields, record


def _fresh_python(code: str) -> list[str]:
    """Run ``code`` in a new interpreter with minica on its path; its stdout, split."""
    src = Path(__file__).resolve().parents[1] / "src"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _fresh() -> tuple[type, type]:
    """A base record and a subclass, defined anew so no test sees them already processed."""

    @record
    class Base:
        kind: ClassVar[str] = "base"
        a: int
        b: tuple[int, ...] = dataclasses.field(default_factory=tuple)

    @record(kw_only=False)
    class Child(Base):
        c: str = "x"

    return Base, Child


def test_nothing_is_generated_before_first_use() -> None:
    """Defining a record costs no dataclass processing."""
    base, _ = _fresh()
    assert "__record_fields__" not in base.__dict__


def test_instances_are_frozen_keyword_only_values() -> None:
    """Keyword-only construction, equality, hashing, repr and immutability as dataclass."""
    base, _ = _fresh()
    one, same, other = base(a=1), base(a=1), base(a=2, b=(3,))
    assert one == same and hash(one) == hash(same) and one != other
    assert repr(other).endswith("Base(a=2, b=(3,))")
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.a = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        base(1)  # type: ignore[misc]


def test_subclass_completes_its_base_and_keeps_options() -> None:
    """A subclass used first still gets the base's fields; kw_only=False allows positionals."""
    base, child = _fresh()
    c = child(c="y", a=1)
    assert (c.a, c.b, c.c) == (1, (), "y")
    assert "__record_fields__" in base.__dict__
    assert dataclasses.replace(c, a=7).a == 7


def test_equality_and_repr_before_any_construction_by_that_class() -> None:
    """Placeholders for __eq__/__repr__/__hash__ complete the class too (e.g. after unpickling)."""
    base, _ = _fresh()
    obj = object.__new__(base)
    object.__setattr__(obj, "a", 1)
    object.__setattr__(obj, "b", ())
    assert repr(obj).endswith("Base(a=1, b=())")
    assert obj == base(a=1)


def test_fields_and_signature_after_complete() -> None:
    """fields() and complete() give introspection what dataclasses would."""
    base, child = _fresh()
    assert [f.name for f in fields(child)] == ["a", "b", "c"]
    assert str(inspect.signature(complete(base))).startswith("(*, a: 'int'")


def test_hand_written_eq_is_kept_and_hashing_matches_dataclass() -> None:
    """A class that defines __eq__ keeps it, and hashes exactly as the dataclass twin does."""

    @record
    class Loose:
        v: int

        def __eq__(self, other: object) -> bool:
            return True

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Twin:
        v: int

        def __eq__(self, other: object) -> bool:
            return True

    assert Loose(v=1) == 5
    assert hash(Loose(v=1)) == hash(Twin(v=1))


def test_new_completes_the_class_for_fast_paths() -> None:
    """An instance made by new() (no __init__) still supports replace() and fields()."""
    from minica._record import new

    base, _ = _fresh()
    obj = new(base)
    obj.__dict__.update(a=1, b=())
    assert dataclasses.replace(obj, a=2) == base(a=2)


def test_parsed_objects_support_replace_in_a_fresh_process() -> None:
    """In a new interpreter, parsed extensions and index entries work with replace()."""
    code = (
        "import dataclasses\n"
        "from minica.extensions import Extensions, SubjectAlternativeName, DNSName\n"
        "from minica.index import IndexEntry\n"
        "from minica import der\n"
        "san = SubjectAlternativeName.from_strings(['a.example'])\n"
        "el = der.decode(der.sequence(__import__('minica.extensions', fromlist=['x'])"
        ".encode_extension(san)))\n"
        "ext = Extensions.from_element(el, what='x').get(SubjectAlternativeName)\n"
        "print(dataclasses.replace(ext, critical=True).critical)\n"
        "line = 'V\\t301231235959Z\\t\\t01\\tunknown\\t/CN=a\\n'\n"
        "e = IndexEntry.parse_line(line)\n"
        "print(dataclasses.replace(e, status='E').status)\n"
    )
    assert _fresh_python(code) == ["True", "E"]


def _twins() -> tuple[type, type]:
    """The same declaration as a record and as the dataclass it stands for."""
    from minica._record import field

    @record
    class Mine:
        kind: ClassVar[str] = "x"
        a: int
        b: str = "b"
        c: tuple[int, ...] = field(default_factory=tuple)
        d: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Theirs:
        kind: ClassVar[str] = "x"
        a: int
        b: str = "b"
        c: tuple[int, ...] = dataclasses.field(default_factory=tuple)
        d: bytes | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    return Mine, Theirs


def test_record_matches_its_dataclass_twin() -> None:
    """Signature, repr, equality, hashing, fields, replace and asdict as dataclass gives them."""
    mine, theirs = _twins()
    _, child = _fresh()
    assert child.__match_args__ == ("c",) and mine.__match_args__ == theirs.__match_args__
    assert str(inspect.signature(complete(mine))) == str(inspect.signature(theirs))
    m, t = mine(a=1, c=(2,)), theirs(a=1, c=(2,))
    assert repr(m).split("(", 1)[1] == repr(t).split("(", 1)[1]
    assert hash(m) == hash(t)
    assert m == mine(a=1, c=(2,)) and m != mine(a=2) and m != t
    assert [(f.name, f.init, f.repr, f.compare) for f in dataclasses.fields(m)] == [
        (f.name, f.init, f.repr, f.compare) for f in dataclasses.fields(t)
    ]
    assert dataclasses.is_dataclass(m)
    assert dataclasses.asdict(m) == dataclasses.asdict(t)
    assert dataclasses.replace(m, b="z") == mine(a=1, b="z", c=(2,))
    assert mine.b == "b" and not hasattr(mine, "c") and m.d is None
    with pytest.raises(TypeError):
        mine(b="no a")  # type: ignore[call-arg]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del m.a


def test_minica_replace_needs_no_dataclasses() -> None:
    """_record.replace copies through __init__, and refuses init=False fields as dataclass does."""
    from minica._record import replace

    mine, _ = _twins()
    m = mine(a=1)
    assert replace(m, a=3) == mine(a=3)
    with pytest.raises(ValueError, match="init=False"):
        replace(m, d=b"x")


def test_slots_records_are_frozen_and_copy_and_pickle() -> None:
    """slots=True gives __slots__ (no __dict__), stays frozen, and copies/pickles by fields."""
    import copy
    import pickle

    from minica.name import NameAttribute

    attr = NameAttribute(oid="2.5.4.3", value="x")
    assert not hasattr(attr, "__dict__") and attr.tag == 12
    with pytest.raises(dataclasses.FrozenInstanceError):
        attr.value = "y"  # type: ignore[misc]
    assert copy.copy(attr) == attr
    assert pickle.loads(pickle.dumps(attr)) == attr
    assert dataclasses.replace(attr, value="y").value == "y"


def test_parsed_values_pickle_in_a_fresh_process() -> None:
    """Objects parsers build without __init__ (slots filled directly) pickle and compare."""
    code = (
        "import pickle\n"
        "from minica.name import Name\n"
        "name = Name.from_der(bytes.fromhex('300c310a300806035504030c0161'))  # /CN=a\n"
        "print(pickle.loads(pickle.dumps(name)) == name)\n"
    )
    assert _fresh_python(code) == ["True"]


def test_sign_path_imports_no_dataclasses_or_typing() -> None:
    """The value classes of `minica sign` cost no dataclasses/typing import (start-up time)."""
    code = (
        "import sys, minica.cli, minica.ca, minica.csr, minica.crl\n"
        "from minica.name import Name\n"
        "from minica.extensions import SubjectAlternativeName\n"
        "Name.parse('/CN=a') == Name.parse('/CN=a')\n"
        "SubjectAlternativeName.from_strings(['a.example'])\n"
        "print(sorted(m for m in ('dataclasses', 'typing', 'inspect') if m in sys.modules))\n"
    )
    assert _fresh_python(code) == ["[]"]
