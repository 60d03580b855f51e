"""``@record``: a frozen, keyword-only dataclass whose methods are generated on first use.

``dataclasses.dataclass`` writes and ``exec``s six functions per class when the class is
defined, about half a millisecond each time; minica declares dozens of value classes (one per
extension, general name, ...), most of which a given command never instantiates, and that
cost dominated CLI start-up. ``record`` defers the ``dataclass`` processing of a class to its
first instantiation (or to the first ``dataclasses.fields()`` call through :func:`fields`),
after which the class is exactly what ``@dataclass(frozen=True, kw_only=True)`` makes.
"""

from __future__ import annotations

import dataclasses

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform, overload

    _T = TypeVar("_T")
else:  # typing costs start-up time; at run time these decorators change nothing

    def dataclass_transform(**_kwargs: object) -> object:
        return lambda f: f

    def overload(f: object) -> object:
        return f


__all__ = ["complete", "fields", "new", "record"]

_OPTIONS = "__record_options__"
_PLACEHOLDERS = "__record_placeholders__"
# Methods dataclass would generate; until then a placeholder completes the class and retries.
_GENERATED = ("__init__", "__repr__", "__eq__", "__hash__")


def _process(cls: type) -> None:
    """Run the real dataclass processing on ``cls`` (bases first), once."""
    if "__dataclass_fields__" in cls.__dict__:
        return
    for base in reversed(cls.__mro__[1:]):
        if _OPTIONS in base.__dict__:
            _process(base)
    for name in cls.__dict__[_PLACEHOLDERS]:
        delattr(cls, name)
    dataclasses.dataclass(cls, **cls.__dict__[_OPTIONS])


def _placeholder(name: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(complete(type(self)), name)(self, *args, **kwargs)

    method.__name__ = name
    return method


_PLACEHOLDER_METHODS = {name: _placeholder(name) for name in _GENERATED}


@overload
@dataclass_transform(frozen_default=True, kw_only_default=True, eq_default=True)
def record(cls: type[_T], /) -> type[_T]: ...


@overload
@dataclass_transform(frozen_default=True, kw_only_default=True, eq_default=True)
def record(  # noqa: F811 - overloads (ruff knows only typing.overload)
    *, kw_only: bool = True, eq: bool = True, repr: bool = True
) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, kw_only_default=True, eq_default=True)
def record(  # noqa: F811
    cls: type[_T] | None = None, *, kw_only: bool = True, eq: bool = True, repr: bool = True
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Declare a frozen, keyword-only dataclass, processed lazily (see the module docstring)."""

    def wrap(klass: type[_T]) -> type[_T]:
        setattr(klass, _OPTIONS, {"frozen": True, "kw_only": kw_only, "eq": eq, "repr": repr})
        installed = [name for name in _GENERATED if name not in klass.__dict__]
        if "__eq__" in klass.__dict__ and "__hash__" in installed:
            installed.remove("__hash__")  # Python already decided: __hash__ = None
        for name in installed:
            setattr(klass, name, _PLACEHOLDER_METHODS[name])
        setattr(klass, _PLACEHOLDERS, tuple(installed))
        return klass

    return wrap if cls is None else wrap(cls)


def complete(cls: type) -> type:
    """Finish a record class now (for introspection: signatures, ``dataclasses.fields``)."""
    for klass in reversed(cls.__mro__):
        if _OPTIONS in klass.__dict__:
            _process(klass)
    return cls


def new(cls: type[_T]) -> _T:
    """``object.__new__(cls)`` for fast paths that fill ``__dict__`` themselves.

    Such an instance never ran ``__init__``, so the class is completed here: ``replace`` and
    ``fields`` then work on it as on any dataclass instance.
    """
    if "__dataclass_fields__" not in cls.__dict__:
        complete(cls)
    return object.__new__(cls)


def fields(cls_or_instance: Any) -> tuple[dataclasses.Field[Any], ...]:
    """``dataclasses.fields`` that first completes a lazily processed record class."""
    complete(cls_or_instance if isinstance(cls_or_instance, type) else type(cls_or_instance))
    return dataclasses.fields(cls_or_instance)
