"""openssl's CA database files (layer 6, sans-I/O): ``index.txt``, ``index.txt.attr``, ``serial``.

This mirrors ``openssl ca`` (apps/ca.c, apps/lib/apps.c, crypto/txt_db) literally, so that minica
and openssl can take turns on one CA directory. ``index.txt`` holds one line per certificate with
six tab-separated fields (TXT_DB)::

    status  expiry  revocation[,reason[,arg]]  SERIAL  filename  subject

``status`` is ``V`` (valid), ``R`` (revoked) or ``E`` (expired, set by ``openssl ca -updatedb``);
times are UTCTime ``YYMMDDHHMMSSZ`` (GeneralizedTime ``YYYYMMDDHHMMSSZ`` outside 1950-2049);
the serial is upper-case hex with an even number of digits (``00`` for zero); ``filename`` is
always ``unknown``; ``subject`` is X509_NAME_oneline() output, kept verbatim.

Errors: a malformed file raises :class:`~minica.errors.CAError` naming file and line
(``index.txt line 42: expected 6 tab-separated fields``) -- the file is part of the CA directory,
and a corrupt one is a CA problem, not a DER decoding one. Building an :class:`IndexEntry` from
bad Python values raises :class:`~minica.errors.ValidationError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from minica._record import new, record, replace
from minica.errors import CAError, ValidationError

__all__ = [
    "CRL_REASONS",
    "CRL_REASON_NAMES",
    "OPENSSL_CA_REASONS",
    "IndexEntry",
    "expire_entries",
    "format_attr",
    "format_index",
    "format_serial",
    "format_serial_file",
    "format_time",
    "parse_attr",
    "parse_index",
    "parse_serial",
    "parse_serial_file",
    "parse_time",
]

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from typing import Final, Literal

    Status = Literal["V", "R", "E"]

#: RFC 5280 section 5.3.1 CRLReason codes, by the names openssl uses (7 is unassigned).
CRL_REASONS: Final[dict[str, int]] = {
    "unspecified": 0,
    "keyCompromise": 1,
    "CACompromise": 2,
    "affiliationChanged": 3,
    "superseded": 4,
    "cessationOfOperation": 5,
    "certificateHold": 6,
    "removeFromCRL": 8,
    "privilegeWithdrawn": 9,
    "AACompromise": 10,
}
#: Code -> name, the inverse of :data:`CRL_REASONS`.
CRL_REASON_NAMES: Final[dict[int, str]] = {code: name for name, code in CRL_REASONS.items()}

#: The reasons ``openssl ca -crl_reason`` accepts and writes (apps/ca.c crl_reasons[0..7]).
OPENSSL_CA_REASONS: Final[tuple[str, ...]] = (
    "unspecified",
    "keyCompromise",
    "CACompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "certificateHold",
    "removeFromCRL",
)
# Pseudo reasons with an argument (ca.c make_revocation_str): -crl_hold OID,
# -crl_compromise TIME, -crl_CA_compromise TIME. They stand for certificateHold + a
# holdInstructionCode, and keyCompromise / CACompromise + an invalidityDate.
_HOLD: Final = "holdInstruction"
_KEY_TIME: Final = "keyTime"
_CA_KEY_TIME: Final = "CAkeyTime"
_PSEUDO_CODES: Final[dict[str, int]] = {_HOLD: 6, _KEY_TIME: 1, _CA_KEY_TIME: 2}
_ALL_REASONS: Final[tuple[str, ...]] = (*OPENSSL_CA_REASONS, _HOLD, _KEY_TIME, _CA_KEY_TIME)
# unpack_revinfo() compares reason names with strcasecmp.
_REASON_BY_FOLDED: Final[dict[str, str]] = {r.casefold(): r for r in _ALL_REASONS}

_UTC = UTC
_STATUSES: Final = frozenset("VRE")

# One line in the form openssl writes it; anything else goes to the slow path for a precise error.
# Groups: status, expiry, revocation time, reason, reason argument, serial, filename, subject.
_LINE_BODY: Final = (
    r"([VRE])\t([0-9]{12}(?:[0-9]{2})?Z)\t"
    r"(?:([0-9]{12}(?:[0-9]{2})?Z)(?:,([A-Za-z]+)(?:,([^,\t\n]+))?)?)?\t"
    r"(-?[0-9A-Fa-f]+)\t([^\t\n\x00]*)\t([^\t\n\x00]*)"
)
# The same, for every line of a file in one C-level pass (re.findall): most of the speed.
# Both are compiled on first use (by re's cache), not at import: issuing never needs them.
_ROWS: Final = r"^" + _LINE_BODY + r"\n"
_TIME_RE: Final = re.compile(r"[0-9]{12}Z|[0-9]{14}Z", re.ASCII)
_HEX_RE: Final = re.compile(r"-?[0-9A-Fa-f]+", re.ASCII)


# --- times -------------------------------------------------------------------------------------


def parse_time(text: str) -> datetime:
    """Read ``YYMMDDHHMMSSZ`` (UTCTime, RFC 5280 4.1.2.5.1) or ``YYYYMMDDHHMMSSZ``.

    Raises ValueError (plain; callers add the file and line) for anything else.
    """
    if _TIME_RE.fullmatch(text) is None:
        raise ValueError(f"expected YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ, got {text!r}")
    if len(text) == 13:
        # RFC 5280 4.1.2.5.1: YY >= 50 means 19YY, else 20YY.
        text = ("19" if text[0] >= "5" else "20") + text
    # Python 3.11 reads the ISO 8601 basic format "YYYYMMDDTHHMMSSZ" in C, which is what keeps
    # parsing 100,000 lines well under 0.3 s; the regex above already fixed the shape.
    return datetime.fromisoformat(f"{text[:8]}T{text[8:]}")


def format_time(when: datetime) -> str:
    """Write a time as openssl does: UTCTime for 1950-2049, else GeneralizedTime (RFC 5280 4.1.2.5)."""
    _check_time("time", when)
    return _format_time(when)


def _format_time(when: datetime) -> str:
    if when.tzinfo is not _UTC:
        when = when.astimezone(_UTC)
    rest = f"{when.month:02d}{when.day:02d}{when.hour:02d}{when.minute:02d}{when.second:02d}Z"
    if 1950 <= when.year <= 2049:
        return f"{when.year % 100:02d}{rest}"
    return f"{when.year:04d}{rest}"


def _generalized(when: datetime) -> str:
    when = when.astimezone(_UTC)
    return when.strftime("%Y%m%d%H%M%SZ")


def _check_time(what: str, when: object) -> None:
    if not isinstance(when, datetime):
        raise TypeError(f"{what}: expected datetime, got {type(when).__name__}")
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError(f"{what}: naive datetime; use an aware UTC datetime")
    if when.microsecond:
        raise ValidationError(f"{what}: index.txt times have whole seconds, got {when.isoformat()}")


# --- serials -----------------------------------------------------------------------------------


def format_serial(serial: int) -> str:
    """A serial as ``index.txt`` and ``newcerts/`` name it: upper-case hex, even length, ``00`` for 0.

    This is BN_bn2hex() (``-`` before negative serials of foreign certificates), with ca.c's
    special case writing ``00`` rather than ``0`` for zero.
    """
    if not isinstance(serial, int) or isinstance(serial, bool):
        raise TypeError(f"serial: expected int, got {type(serial).__name__}")
    digits = f"{abs(serial):X}"
    if len(digits) % 2:
        digits = "0" + digits
    return "-" + digits if serial < 0 else digits


def parse_serial(text: str) -> int:
    """Read an ``index.txt`` serial column (hex; lower case tolerated). Raises ValueError."""
    if _HEX_RE.fullmatch(text) is None:
        raise ValueError(f"expected a hexadecimal serial, got {text!r}")
    return int(text, 16)


def format_serial_file(number: int) -> str:
    """The ``serial`` / ``crlnumber`` file text, as i2a_ASN1_INTEGER() writes it.

    Upper-case hex, at least two and an even number of digits, a newline; numbers over 35 bytes
    are continued with a backslash-newline every 70 digits, as openssl does.
    """
    if not isinstance(number, int) or isinstance(number, bool):
        raise TypeError(f"serial: expected int, got {type(number).__name__}")
    if number < 0:
        raise ValidationError(f"serial: must not be negative, got {number}")
    digits = format_serial(number)
    chunks = [digits[i : i + 70] for i in range(0, len(digits), 70)]
    return "\\\n".join(chunks) + "\n"


def parse_serial_file(text: str, *, filename: str = "serial") -> int:
    """Read a ``serial`` / ``crlnumber`` file (a2i_ASN1_INTEGER(), somewhat more tolerant).

    Accepts lower case, surrounding whitespace, CRLF, backslash-newline continuations, and an
    odd number of digits (which openssl itself refuses with "odd number of chars").
    """
    if not isinstance(text, str):
        raise TypeError(f"{filename}: expected str, got {type(text).__name__}")
    lines = text.splitlines()
    parts: list[str] = []
    for lineno, line in enumerate(lines, 1):
        line = line.strip()
        cont = line.endswith("\\")
        if cont:
            line = line[:-1].rstrip()
        parts.append(line)
        if not cont:
            if any(rest.strip() for rest in lines[lineno:]):
                raise CAError(f"{filename} line {lineno + 1}: unexpected text after the number")
            break
    digits = "".join(parts)
    if not digits:
        raise CAError(f"{filename}: empty; expected a hexadecimal number such as 01")
    if re.fullmatch(r"[0-9A-Fa-f]+", digits, re.ASCII) is None:
        raise CAError(f"{filename}: expected a hexadecimal number, got {digits[:40]!r}")
    return int(digits, 16)


# --- index.txt.attr ----------------------------------------------------------------------------


def format_attr(*, unique_subject: bool) -> str:
    """``index.txt.attr`` as openssl writes it (ca.c save_index): ``unique_subject = yes|no``."""
    return f"unique_subject = {'yes' if unique_subject else 'no'}\n"


def parse_attr(text: str, *, filename: str = "index.txt.attr") -> bool | None:
    """Read ``unique_subject`` from an attr file; None when the file does not set it.

    A simple reading of openssl's NCONF syntax (``#`` comments, ``key = value``, sections
    ignored); the value is judged by its first letter like apps.c parse_yesno(), and anything
    unrecognised counts as yes, as in ca.c load_index().
    """
    if not isinstance(text, str):
        raise TypeError(f"{filename}: expected str, got {type(text).__name__}")
    result: bool | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or (line.startswith("[") and line.endswith("]")):
            continue
        key, eq, value = line.partition("=")
        if not eq:
            raise CAError(f"{filename} line {lineno}: missing equal sign")
        if key.strip() != "unique_subject":
            continue
        value = value.strip().strip("\"'")
        result = not (value[:1] in ("f", "F", "n", "N", "0") or value.lower() == "off")
    return result


# --- index.txt ---------------------------------------------------------------------------------


@record
class IndexEntry:
    """One ``index.txt`` line (openssl apps/ca.c, DB_type .. DB_name), field for field.

    ``reason`` is the name as openssl writes it: one of :data:`OPENSSL_CA_REASONS`, or a pseudo
    reason ``holdInstruction`` (with ``hold_instruction``, an OID name or dotted string) or
    ``keyTime`` / ``CAkeyTime`` (with ``invalidity_date``, the key compromise time).
    """

    status: Status
    expiry: datetime
    serial: int
    subject: str
    revocation: datetime | None = None
    reason: str | None = None
    hold_instruction: str | None = None
    invalidity_date: datetime | None = None
    filename: str = "unknown"

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem is not None:
            raise ValidationError(f"index entry {format_serial(self.serial)}: {problem}")

    def _problem(self) -> str | None:
        if not isinstance(self.serial, int) or isinstance(self.serial, bool):
            raise TypeError(f"serial: expected int, got {type(self.serial).__name__}")
        if self.status not in _STATUSES:
            return f"status must be V, R or E, got {self.status!r}"
        _check_time("expiry", self.expiry)
        for name in ("subject", "filename"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(f"{name}: expected str, got {type(value).__name__}")
            # A CR may stay: openssl keeps the one a CRLF file ends its lines with.
            if "\n" in value or "\0" in value:
                return f"{name} must not contain a newline or NUL"
        if self.filename.endswith("\\"):
            # TXT_DB escapes a tab by a backslash before it, and does not escape backslashes:
            # the separator after a trailing backslash would read back as part of the field.
            return "filename must not end with a backslash (index.txt could not hold it)"
        if self.revocation is None:
            if self.status == "R":
                return "status R needs a revocation time"
            if self.reason is not None:
                return "a reason needs a revocation time"
            if self.hold_instruction is not None or self.invalidity_date is not None:
                return "hold_instruction/invalidity_date need a revocation time"
            return None
        _check_time("revocation", self.revocation)
        if self.status != "R":
            return f"status {self.status} must not have a revocation time"
        reason = self.reason
        if reason is not None and reason not in _ALL_REASONS:
            return f"unknown revocation reason {reason!r}"
        if (reason == _HOLD) != (self.hold_instruction is not None):
            return "holdInstruction and hold_instruction go together"
        if (reason in (_KEY_TIME, _CA_KEY_TIME)) != (self.invalidity_date is not None):
            return "keyTime/CAkeyTime and invalidity_date go together"
        if self.hold_instruction is not None and (
            not self.hold_instruction or not re.fullmatch(r"[^,\t\n\r]+", self.hold_instruction)
        ):
            return f"bad hold instruction {self.hold_instruction!r}"
        if self.invalidity_date is not None:
            _check_time("invalidity_date", self.invalidity_date)
        return None

    # -- derived values --

    @property
    def crl_reason_code(self) -> int | None:
        """The RFC 5280 5.3.1 CRLReason code ``openssl ca -gencrl`` puts in the CRL, or None."""
        if self.reason is None:
            return None
        return _PSEUDO_CODES.get(self.reason) or CRL_REASONS[self.reason]

    @property
    def crl_reason(self) -> str | None:
        """The RFC 5280 5.3.1 reason name (``keyTime`` reads as ``keyCompromise``), or None."""
        code = self.crl_reason_code
        return None if code is None else CRL_REASON_NAMES[code]

    @property
    def serial_hex(self) -> str:
        """The serial as written in the index and in ``newcerts/<SERIAL>.pem``."""
        return format_serial(self.serial)

    def revocation_field(self) -> str:
        """The third column: ``revtime[,reason[,arg]]`` as ca.c make_revocation_str() builds it."""
        if self.revocation is None:
            return ""
        field = _format_time(self.revocation)
        if self.reason is not None:
            field += "," + self.reason
        if self.hold_instruction is not None:
            field += "," + self.hold_instruction
        elif self.invalidity_date is not None:
            field += "," + _generalized(self.invalidity_date)
        return field

    # -- changes --

    def revoke(
        self,
        when: datetime,
        reason: str | None = None,
        *,
        hold_instruction: str | None = None,
        invalidity_date: datetime | None = None,
    ) -> IndexEntry:
        """This entry revoked at ``when``, written the way ``openssl ca -revoke`` would.

        ``reason`` is an RFC 5280 name or None; ``hold_instruction`` (with certificateHold) and
        ``invalidity_date`` (with keyCompromise/CACompromise) select openssl's pseudo reasons.
        Raises ValidationError for reasons openssl's database cannot record.
        """
        if self.status == "R":
            raise ValidationError(f"index entry {self.serial_hex}: already revoked")
        written: str | None = reason
        if reason is not None:
            canonical = _REASON_BY_FOLDED.get(reason.casefold())
            if canonical is None or canonical not in OPENSSL_CA_REASONS:
                raise ValidationError(
                    f"revocation reason: {reason!r} cannot be recorded in index.txt; "
                    f"use one of {', '.join(OPENSSL_CA_REASONS)}"
                )
            written = canonical
        if hold_instruction is not None:
            if written not in (None, "certificateHold"):
                raise ValidationError("hold_instruction: only with reason certificateHold")
            written = _HOLD
        if invalidity_date is not None:
            if written == "keyCompromise":
                written = _KEY_TIME
            elif written == "CACompromise":
                written = _CA_KEY_TIME
            else:
                # openssl's database has no other place for an invalidity date.
                raise ValidationError(
                    "invalidity_date: index.txt records it only with keyCompromise or CACompromise"
                )
        return replace(
            self,
            status="R",
            revocation=when,
            reason=written,
            hold_instruction=hold_instruction,
            invalidity_date=invalidity_date,
        )

    # -- text --

    def format_line(self) -> str:
        """The line openssl writes for this entry, with its newline (TXT_DB_write)."""
        fields: tuple[str, ...] = (
            self.status,
            _format_time(self.expiry),
            self.revocation_field(),
            format_serial(self.serial),
            self.filename,
            self.subject,
        )
        if any("\t" in f for f in fields):
            # TXT_DB_write() escapes a tab inside a field with a backslash.
            fields = tuple(f.replace("\t", "\\\t") for f in fields)
        return "\t".join(fields) + "\n"

    @classmethod
    def parse_line(
        cls, line: str, *, lineno: int | None = None, filename: str = "index.txt"
    ) -> IndexEntry:
        """Read one ``index.txt`` line (a trailing newline is allowed). Raises CAError."""
        if not isinstance(line, str):
            raise TypeError(f"line: expected str, got {type(line).__name__}")
        if line.endswith("\n"):
            line = line[:-1]
        where = filename if lineno is None else f"{filename} line {lineno}"
        m = re.fullmatch(_LINE_BODY, line, re.ASCII)
        if m is not None:
            try:
                return _row_entry(*m.groups(default=""))
            except ValueError:
                pass  # right shape, wrong value (month 13, unknown reason): say precisely
        return _slow_parse(line, where)

    def __repr__(self) -> str:
        extra = f" revoked={self.revocation_field()!r}" if self.revocation else ""
        return (
            f"<IndexEntry {self.status} serial={self.serial_hex} "
            f"expiry={format_time(self.expiry)}{extra} subject={self.subject!r}>"
        )


_new = new
_set = object.__setattr__
_from_iso = datetime.fromisoformat


def _fast_time(text: str) -> datetime:
    # The regex fixed the shape already; ISO 8601 basic format is read in C (Python 3.11+).
    if len(text) == 13:
        return _from_iso(("19" if text[0] >= "5" else "20") + text[:6] + "T" + text[6:])
    return _from_iso(text[:8] + "T" + text[8:])


def _row_entry(
    status: str,
    exp: str,
    rev: str,
    reason: str,
    arg: str,
    serial: str,
    fname: str,
    subject: str,
) -> IndexEntry:
    """An entry from regex groups ("" for absent ones); ValueError on anything unusual.

    The same rules as IndexEntry._problem(), checked inline: this is the 100,000-line path, and
    running the full constructor there would double the time.
    """
    revocation = hold = invalidity = None
    if rev:
        if status != "R":
            raise ValueError("revocation time on a non-revoked entry")
        revocation = _fast_time(rev)
        if reason:
            if reason not in _ALL_REASONS:
                raise ValueError("reason not in openssl's spelling")
            if reason == _HOLD:
                if not arg:
                    raise ValueError("missing hold instruction")
                hold = arg
            elif reason in (_KEY_TIME, _CA_KEY_TIME):
                if len(arg) != 15:
                    raise ValueError("missing compromise time")
                invalidity = _fast_time(arg)
            elif arg:
                raise ValueError("argument after a plain reason")
        elif arg:
            raise ValueError("argument without a reason")
    elif status == "R":
        raise ValueError("revoked entry without a revocation time")
    entry = _new(IndexEntry)
    _set(
        entry,
        "__dict__",
        {
            "status": status,
            "expiry": _fast_time(exp),
            "serial": int(serial, 16),
            "subject": subject,
            "revocation": revocation,
            "reason": reason or None,
            "hold_instruction": hold,
            "invalidity_date": invalidity,
            "filename": fname,
        },
    )
    return entry


def _split_fields(line: str) -> list[str]:
    """TXT_DB_read(): fields split at tabs, except a tab escaped by a backslash."""
    if "\\\t" not in line:
        return line.split("\t")
    fields: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in line:
        if ch == "\t":
            if escaped:
                current[-1] = "\t"  # the backslash is dropped, the tab kept
                escaped = False
                continue
            fields.append("".join(current))
            current = []
            continue
        escaped = ch == "\\"
        current.append(ch)
    fields.append("".join(current))
    return fields


def _slow_parse(line: str, where: str, cause: Exception | None = None) -> IndexEntry:
    """Parse field by field, for escaped tabs and for precise error messages."""
    fields = _split_fields(line)
    if len(fields) != 6:
        raise CAError(f"{where}: expected 6 tab-separated fields, found {len(fields)}") from cause
    status, exp, rev, serial, fname, subject = fields
    if status not in _STATUSES:
        raise CAError(f"{where}: status must be V, R or E, got {status[:20]!r}") from cause
    try:
        parse_time(exp)
    except ValueError as e:
        raise CAError(f"{where}: expiry: {e}") from e
    try:
        parse_serial(serial)
    except ValueError as e:
        raise CAError(f"{where}: serial: {e}") from e
    rev_time: str | None = None
    reason: str | None = None
    arg: str | None = None
    if rev:
        rev_time, _, rest = rev.partition(",")
        if rest:
            reason, comma, arg_text = rest.partition(",")
            arg = arg_text if comma else None
            if not reason:
                raise CAError(f"{where}: revocation: empty reason in {rev[:60]!r}") from cause
        try:
            parse_time(rev_time)
        except ValueError as e:
            raise CAError(f"{where}: revocation: {e}") from e
        if arg is not None and (not arg or "," in arg):
            raise CAError(f"{where}: revocation: bad argument {arg[:60]!r}") from cause
    hold = invalidity = None
    if reason is not None:
        canonical = _REASON_BY_FOLDED.get(reason.casefold())
        if canonical is None:
            raise CAError(f"{where}: revocation: unknown reason {reason[:40]!r}") from cause
        reason = canonical
        if reason == _HOLD:
            hold = arg
        elif reason in (_KEY_TIME, _CA_KEY_TIME):
            if arg is None or len(arg) != 15:
                raise CAError(
                    f"{where}: revocation: {reason} needs a YYYYMMDDHHMMSSZ time, got {arg!r}"
                ) from cause
            try:
                invalidity = parse_time(arg)
            except ValueError as e:
                raise CAError(f"{where}: revocation: {e}") from e
        elif arg is not None:
            raise CAError(
                f"{where}: revocation: reason {reason} takes no argument, got {arg[:40]!r}"
            ) from cause
    try:
        return IndexEntry(
            status=status,  # type: ignore[arg-type]  # checked above
            expiry=parse_time(exp),
            revocation=None if rev_time is None else parse_time(rev_time),
            reason=reason,
            hold_instruction=hold,
            invalidity_date=invalidity,
            serial=parse_serial(serial),
            filename=fname,
            subject=subject,
        )
    except ValidationError as e:
        raise CAError(f"{where}: {e}") from e


def parse_index(
    text: str, *, filename: str = "index.txt", unterminated: Literal["ignore", "error"] = "ignore"
) -> tuple[IndexEntry, ...]:
    """Read a whole ``index.txt`` as openssl's TXT_DB_read() and load_index() do.

    Lines starting with ``#`` are skipped; an empty line is an error; two entries with one
    serial are an error ("error creating serial number index"). A last line without its
    newline is ignored, as openssl ignores it (a torn append), or an error with
    ``unterminated="error"``. Raises CAError naming the file and line.
    """
    if not isinstance(text, str):
        raise TypeError(f"{filename}: expected str, got {type(text).__name__}")
    nlines = text.count("\n")
    if unterminated == "error" and text and not text.endswith("\n"):
        raise CAError(f"{filename} line {nlines + 1}: no newline at end of file")
    comments = text.count("\n#") + text.startswith("#")
    rows = re.findall(_ROWS, text, re.ASCII | re.MULTILINE)
    # Each match is one whole line, so equal counts mean every line is in openssl's own form.
    if len(rows) == nlines - comments:
        try:
            entries = [_row_entry(*row) for row in rows]
        except ValueError:
            pass  # a value is wrong somewhere: the line-by-line pass below names it
        else:
            if len({e.serial for e in entries}) == len(entries):
                return tuple(entries)
    return _parse_lines(text, filename)


def _parse_lines(text: str, filename: str) -> tuple[IndexEntry, ...]:
    lines = text.split("\n")
    lines.pop()  # "" after the last newline, or a torn last line that openssl ignores
    entries: list[IndexEntry] = []
    seen: dict[int, int] = {}
    parse = IndexEntry.parse_line
    for lineno, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        entry = parse(line, lineno=lineno, filename=filename)
        first = seen.setdefault(entry.serial, lineno)
        if first != lineno:
            raise CAError(
                f"{filename} line {lineno}: serial {entry.serial_hex} already on line {first}"
            )
        entries.append(entry)
    return tuple(entries)


def format_index(entries: Iterable[IndexEntry]) -> str:
    """The whole ``index.txt`` text for ``entries`` (``""`` for none, as openssl starts it)."""
    return "".join(entry.format_line() for entry in entries)


def expire_entries(
    entries: Iterable[IndexEntry], now: datetime
) -> tuple[tuple[IndexEntry, ...], tuple[int, ...]]:
    """What ``openssl ca -updatedb`` does: ``V`` entries whose expiry <= ``now`` become ``E``.

    Returns the new entries and the serials that changed. (OpenSSL 3.0 compares parsed times;
    1.1.1 compared strings and misjudged GeneralizedTime expiries.)
    """
    _check_time("now", now)
    out: list[IndexEntry] = []
    changed: list[int] = []
    for entry in entries:
        if entry.status == "V" and entry.expiry <= now:
            entry = replace(entry, status="E")
            changed.append(entry.serial)
        out.append(entry)
    return tuple(out), tuple(changed)
