"""``@record``: a frozen, keyword-only value class, like ``@dataclass(frozen=True, kw_only=True)``.

Why not ``dataclasses`` itself: importing it costs ~7 ms (it pulls in ``inspect``, ``ast``,
``dis`` and ``tokenize``), and ``@dataclass`` writes and ``exec``s several functions per class
when the class is defined, about half a millisecond each. minica declares dozens of value
classes (one per extension, general name, ...), most of which a given command never
instantiates, and that cost dominated CLI start-up (``minica sign`` is a whole process per
certificate). ``record`` reads the class's fields when it is decorated, and builds its
``__init__``, ``__repr__``, ``__eq__`` and ``__hash__`` on first use, with the semantics and
signatures the dataclass would have (only ``__init__`` is compiled; the others are closures).

Records remain dataclasses for anyone who asks: ``dataclasses.fields``, ``replace``,
``asdict`` and ``is_dataclass`` work, because ``__dataclass_fields__`` is computed (with the
real ``dataclasses.Field`` objects) the first time it is looked up. minica's own code uses
this module's :func:`replace` and :func:`field`, which need no ``dataclasses`` import.
"""

from __future__ import annotations

import sys
from operator import attrgetter

TYPE_CHECKING = False
if TYPE_CHECKING:
    import dataclasses
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform, overload

    _T = TypeVar("_T")
else:  # typing costs start-up time; at run time these decorators change nothing

    def dataclass_transform(**_kwargs: object) -> object:
        return lambda f: f

    def overload(f: object) -> object:
        return f


__all__ = ["ByDer", "complete", "field", "fields", "new", "record", "replace"]


class _Missing:
    """No default (dataclasses.MISSING's role)."""

    def __repr__(self) -> str:
        return "MISSING"


class _Factory:
    """The default shown in a signature for a field with a default_factory, as dataclass does."""

    def __repr__(self) -> str:
        return "<factory>"


MISSING: Any = _Missing()
_FACTORY: Any = _Factory()


class _Field:
    """One field of a record: what ``dataclasses.Field`` says, minus the dataclass machinery."""

    __slots__ = (
        "classvar",
        "compare",
        "default",
        "default_factory",
        "init",
        "kw_only",
        "name",
        "repr",
        "type",
    )

    def __init__(
        self,
        *,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        init: bool = True,
        repr: bool = True,
        compare: bool = True,
        classvar: bool = False,
        name: str = "",
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.classvar = classvar
        self.name = name
        self.type: Any = None
        self.kw_only = True


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """``dataclasses.field`` for records (the same options minica uses, no dataclasses import)."""
    return _Field(
        default=default, default_factory=default_factory, init=init, repr=repr, compare=compare
    )


_OPTIONS = "__record_options__"
_FIELDS = "__record_fields__"  # the class's fields, bases' first, once generated
_PLACEHOLDERS = "__record_placeholders__"
# Methods a record generates; until then a placeholder completes the class and retries.
_GENERATED = ("__init__", "__repr__", "__eq__", "__hash__")


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):  # `from __future__ import annotations`: the source text
        return annotation.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))
    return getattr(annotation, "__origin__", annotation) is getattr(
        sys.modules.get("typing"), "ClassVar", None
    )


def _own_fields(cls: type, kw_only: bool) -> list[_Field]:
    """The fields ``cls`` itself declares, in order; class-level Field specs are consumed."""
    found = []
    real_field = getattr(sys.modules.get("dataclasses"), "Field", None)
    # Not inspect.get_annotations: importing inspect is what this module avoids.
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if _is_classvar(annotation):
            # Not a field, but dataclass keeps its place: a subclass field of that name
            # comes first (Extension.oid, UnrecognizedExtension.oid).
            found.append(_Field(classvar=True, name=name))
            continue
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, _Field):
            spec = value
        elif real_field is not None and isinstance(value, real_field):
            spec = _Field(
                default=_from_dataclasses(value.default),
                default_factory=_from_dataclasses(value.default_factory),
                init=value.init,
                repr=value.repr,
                compare=value.compare,
            )
        else:
            spec = None
        if spec is None:
            spec = _Field(default=value)
        elif spec.default is MISSING:  # as dataclass does: the class attribute becomes the
            delattr(cls, name)  # default, or goes when there is none
        else:
            setattr(cls, name, spec.default)
        spec.name = name
        spec.type = annotation
        spec.kw_only = kw_only
        found.append(spec)
    return found


def _from_dataclasses(value: Any) -> Any:
    return MISSING if value is getattr(sys.modules.get("dataclasses"), "MISSING", None) else value


def _frozen_error(name: str) -> AttributeError:
    import dataclasses  # only on this error path; the exception is the one dataclass raises

    return dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise _frozen_error(name)


def _frozen_delattr(self: Any, name: str) -> None:
    raise _frozen_error(name)


def _slots_getstate(self: Any) -> list[Any]:
    # Parsers fill slots directly, so the class may not be completed yet.
    return [getattr(self, f.name) for f in getattr(complete(type(self)), _FIELDS)]


def _slots_setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(getattr(complete(type(self)), _FIELDS), state, strict=True):
        object.__setattr__(self, f.name, value)


def _placeholder(name: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(complete(type(self)), name)(self, *args, **kwargs)

    method.__name__ = name
    return method


_PLACEHOLDER_METHODS = {name: _placeholder(name) for name in _GENERATED}


class _DataclassFields:
    """``__dataclass_fields__``, built on first look-up (by ``dataclasses.fields`` and friends)."""

    def __get__(self, obj: object, owner: type) -> dict[str, dataclasses.Field[Any]]:
        import dataclasses

        complete(owner)
        result = {}
        for f in getattr(owner, _FIELDS):
            real: dataclasses.Field[Any] = dataclasses.field(
                default=dataclasses.MISSING if f.default is MISSING else f.default,
                default_factory=(
                    dataclasses.MISSING if f.default_factory is MISSING else f.default_factory
                ),
                init=f.init,
                repr=f.repr,
                compare=f.compare,
                kw_only=f.kw_only,
            )
            real.name = f.name
            real.type = f.type
            # What dataclass itself marks a regular (not ClassVar, not InitVar) field with;
            # fields(), replace() and asdict() skip anything else.
            real._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            result[f.name] = real
        type.__setattr__(owner, "__dataclass_fields__", result)
        return result


_LAZY_DATACLASS_FIELDS = _DataclassFields()


@overload
@dataclass_transform(
    frozen_default=True, kw_only_default=True, eq_default=True, field_specifiers=(field,)
)
def record(cls: type[_T], /) -> type[_T]: ...


@overload
@dataclass_transform(
    frozen_default=True, kw_only_default=True, eq_default=True, field_specifiers=(field,)
)
def record(  # noqa: F811 - overloads (ruff knows only typing.overload)
    *, kw_only: bool = True, eq: bool = True, repr: bool = True, slots: bool = False
) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(
    frozen_default=True, kw_only_default=True, eq_default=True, field_specifiers=(field,)
)
def record(  # noqa: F811
    cls: type[_T] | None = None,
    *,
    kw_only: bool = True,
    eq: bool = True,
    repr: bool = True,
    slots: bool = False,
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Declare a frozen value class (keyword-only unless ``kw_only=False``), see the module doc.

    ``slots=True`` gives the class ``__slots__`` for its fields, as dataclass's option does.
    """

    def wrap(klass: type[_T]) -> type[_T]:
        own = _own_fields(klass, kw_only)
        if slots:
            klass = _with_slots(klass, own)
        options = {"kw_only": kw_only, "eq": eq, "repr": repr, "slots": slots, "own": own}
        setattr(klass, _OPTIONS, options)
        wanted = {"__init__", "__repr__"} if repr else {"__init__"}
        if eq:
            wanted |= {"__eq__", "__hash__"}
            # Python sets __hash__ = None next to a hand-written __eq__; dataclass (frozen, eq)
            # still adds its field hash then, and so does record.
            if klass.__dict__.get("__hash__", 0) is None:
                delattr(klass, "__hash__")
        installed = [name for name in _GENERATED if name in wanted and name not in klass.__dict__]
        for name in installed:
            setattr(klass, name, _PLACEHOLDER_METHODS[name])
        setattr(klass, _PLACEHOLDERS, tuple(installed))
        klass.__setattr__ = _frozen_setattr  # type: ignore[method-assign]
        klass.__delattr__ = _frozen_delattr  # type: ignore[method-assign]
        setattr(klass, "__dataclass_fields__", _LAZY_DATACLASS_FIELDS)  # noqa: B010
        match_args = tuple(f.name for f in _all_fields(klass) if f.init and not f.kw_only)
        setattr(klass, "__match_args__", match_args)  # noqa: B010
        return klass

    return wrap if cls is None else wrap(cls)


def _with_slots(cls: type[_T], own: list[_Field]) -> type[_T]:
    """A copy of ``cls`` with ``__slots__`` for its own fields (what dataclass slots=True does)."""
    namespace = dict(cls.__dict__)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    names = tuple(f.name for f in own if not f.classvar)
    for name in names:
        namespace.pop(name, None)  # a default would shadow the slot; __init__ supplies it
    namespace["__slots__"] = names
    namespace["__getstate__"] = _slots_getstate
    namespace["__setstate__"] = _slots_setstate
    qualname = getattr(cls, "__qualname__", None)
    metaclass: Any = type(cls)
    new_cls: Any = metaclass(cls.__name__, cls.__bases__, namespace)
    if qualname is not None:
        new_cls.__qualname__ = qualname
    return new_cls  # type: ignore[no-any-return]


def complete(cls: type) -> type:
    """Generate the methods of a record class (and of its record bases) now, once."""
    for klass in reversed(cls.__mro__):  # bases first: a class's fields start with theirs
        if _OPTIONS in klass.__dict__ and _FIELDS not in klass.__dict__:
            _complete(klass)
    return cls


def _all_fields(cls: type) -> tuple[_Field, ...]:
    """The fields of a record class and its record bases, bases first (dataclass's order)."""
    by_name: dict[str, _Field] = {}
    for klass in reversed(cls.__mro__):
        for f in klass.__dict__.get(_OPTIONS, {}).get("own", ()):
            by_name[f.name] = f
    return tuple(f for f in by_name.values() if not f.classvar)


def _complete(cls: type) -> None:
    all_fields = _all_fields(cls)
    methods = _generate(cls, all_fields, slots=cls.__dict__[_OPTIONS]["slots"])
    for name in cls.__dict__[_PLACEHOLDERS]:
        setattr(cls, name, methods[name])
    setattr(cls, _FIELDS, all_fields)


def _generate(cls: type, all_fields: tuple[_Field, ...], *, slots: bool) -> dict[str, Any]:
    """The four methods for ``cls``, with dataclass's semantics and ``__init__`` signature."""
    namespace: dict[str, Any] = {"MISSING": MISSING, "_set": object.__setattr__}
    params: list[str] = []
    kw_params: list[str] = []
    body: list[str] = []
    for i, f in enumerate(all_fields):
        if f.default_factory is not MISSING:
            namespace[f"_factory{i}"] = f.default_factory
            value = f"_factory{i}()"
            if f.init:
                default = "=_FACTORY"
                body.append(f"    if {f.name} is _FACTORY: {f.name} = {value}")
                value = f.name
            else:
                default = ""
        elif f.default is not MISSING:
            namespace[f"_default{i}"] = f.default
            default = f"=_default{i}"
            value = f.name if f.init else f"_default{i}"
        else:
            default, value = "", f.name
        if f.init:
            (kw_params if f.kw_only else params).append(f"{f.name}{default}")
        if slots:
            body.append(f"    _set(self, {f.name!r}, {value})")
        else:
            body.append(f"    self.__dict__[{f.name!r}] = {value}")
    namespace["_FACTORY"] = _FACTORY
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    signature = ", ".join(["self", *params, *(["*", *kw_params] if kw_params else [])])
    # Only __init__ is compiled (it is the hot one, and its signature is what introspection
    # shows); equality, hashing and repr are closures over the field names, no compile cost.
    source = "\n".join([f"def __init__({signature}) -> None:", *(body or ["    pass"])])
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), namespace)
    init = namespace["__init__"]
    init.__annotations__ = {f.name: f.type for f in all_fields if f.init} | {"return": None}
    methods = {"__init__": init, **_value_methods(all_fields)}
    for method in methods.values():
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
    return methods


def _value_methods(all_fields: tuple[_Field, ...]) -> dict[str, Any]:
    """``__eq__``, ``__hash__`` and ``__repr__`` as dataclass writes them, as closures."""
    compared = [f.name for f in all_fields if f.compare]
    shown = [f.name for f in all_fields if f.repr]
    key: Callable[[Any], tuple[Any, ...]]
    if len(compared) > 1:
        key = attrgetter(*compared)  # a tuple of the values, as dataclass compares
    elif compared:
        one = attrgetter(compared[0])
        key = lambda obj: (one(obj),)  # noqa: E731
    else:
        key = lambda obj: ()  # noqa: E731

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(key(self))

    def __repr__(self: Any) -> str:
        parts = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({parts})"

    return {"__eq__": __eq__, "__hash__": __hash__, "__repr__": __repr__}


class ByDer:
    """Equality and hashing by the exact encoding, ``self.der``: two certificates (requests,
    CRLs) are the same value exactly when their DER bytes are."""

    __slots__ = ()
    der: bytes

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.der == other.der

    def __hash__(self) -> int:
        return hash(self.der)


def new(cls: type[_T]) -> _T:
    """``object.__new__(cls)`` for fast paths that fill ``__dict__`` themselves.

    Such an instance never ran ``__init__``; the class's generated methods (equality, repr)
    complete it on first use, as for any record.
    """
    return object.__new__(cls)


def fields(cls_or_instance: Any) -> tuple[dataclasses.Field[Any], ...]:
    """``dataclasses.fields`` of a record (class or instance)."""
    import dataclasses

    return dataclasses.fields(cls_or_instance)


def replace(obj: _T, /, **changes: Any) -> _T:
    """``dataclasses.replace`` for records: a copy with ``changes``, through ``__init__``."""
    cls = type(obj)
    complete(cls)
    for f in getattr(cls, _FIELDS):
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False, cannot replace it")
        elif f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return cls(**changes)
