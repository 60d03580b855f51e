"""Tests for minica.index: openssl's index.txt, index.txt.attr and serial files."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minica.errors import CAError, ValidationError
from minica.index import (
    CRL_REASONS,
    OPENSSL_CA_REASONS,
    IndexEntry,
    expire_entries,
    format_attr,
    format_index,
    format_serial,
    format_serial_file,
    format_time,
    parse_attr,
    parse_index,
    parse_serial_file,
    parse_time,
)

DATA = Path(__file__).parent / "data" / "index"
T2030 = datetime(2030, 1, 1, tzinfo=UTC)


def golden(name: str) -> str:
    return (DATA / name).read_bytes().decode("ascii")


def entry(**kw: object) -> IndexEntry:
    base: dict[str, object] = {"status": "V", "expiry": T2030, "serial": 1, "subject": "/CN=a"}
    base.update(kw)
    return IndexEntry(**base)  # type: ignore[arg-type]


# --- golden files made by openssl ca (tests/data/index/make.sh) ---------------------------------


@pytest.mark.parametrize("name", ["index.txt", "index.issued.txt"])
def test_golden_lines_round_trip_byte_exactly(name: str) -> None:
    """Every line openssl ca wrote parses and formats back to the same bytes."""
    lines = golden(name).splitlines(keepends=True)
    assert lines
    for n, line in enumerate(lines, 1):
        assert IndexEntry.parse_line(line, lineno=n).format_line() == line


@pytest.mark.parametrize("name", ["index.txt", "index.issued.txt"])
def test_golden_file_round_trips(name: str) -> None:
    """parse_index then format_index reproduces the whole openssl file."""
    text = golden(name)
    assert format_index(parse_index(text)) == text


def test_golden_fast_and_line_paths_agree() -> None:
    """The whole-file fast path yields the same entries as line-by-line parsing."""
    text = golden("index.txt")
    assert parse_index(text) == tuple(IndexEntry.parse_line(x) for x in text.splitlines())


def test_golden_revocation_forms() -> None:
    """Reasons, hold instructions and compromise times read as openssl wrote them."""
    by_subject = {e.subject: e for e in parse_index(golden("index.txt"))}
    kc = by_subject["/CN=kc.example.com"]
    assert (kc.status, kc.reason, kc.crl_reason_code) == ("R", "keyCompromise", 1)
    hold = by_subject["/CN=holdoid.example.com"]
    assert (hold.reason, hold.hold_instruction, hold.crl_reason) == (
        "holdInstruction",
        "holdInstructionReject",
        "certificateHold",
    )
    kt = by_subject["/CN=keytime.example.com"]
    assert (kt.reason, kt.crl_reason) == ("keyTime", "keyCompromise")
    assert kt.invalidity_date == datetime(2024, 3, 15, 10, 11, 12, tzinfo=UTC)
    cakt = by_subject["/CN=cakeytime.example.com"]
    assert (cakt.crl_reason_code, cakt.invalidity_date) == (2, datetime(2024, 3, 16, tzinfo=UTC))
    plain = by_subject["/CN=plain.example.com"]
    assert (plain.reason, plain.crl_reason_code) == (None, None)


def test_golden_expiry_forms() -> None:
    """UTCTime expiries and the GeneralizedTime one past 2049 read as the right instants."""
    by_serial = {e.serial: e for e in parse_index(golden("index.txt"))}
    assert by_serial[2].expiry == datetime(2060, 1, 1, 12, 34, 56, tzinfo=UTC)
    assert by_serial[3].expiry == datetime(2049, 1, 1, tzinfo=UTC)
    assert by_serial[1].status == "E"


def test_golden_serial_file_and_crlnumber() -> None:
    """The serial and crlnumber files openssl left read back and format identically."""
    for name in ("serial", "serial.old", "crlnumber", "crlnumber.old"):
        text = golden(name)
        assert format_serial_file(parse_serial_file(text, filename=name)) == text


def test_golden_attr_file() -> None:
    """index.txt.attr as openssl wrote it parses and formats back."""
    text = golden("index.txt.attr")
    assert parse_attr(text) is False
    assert format_attr(unique_subject=False) == text


# --- times and serials ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC), "491231235959Z"),
        (datetime(2050, 1, 1, tzinfo=UTC), "20500101000000Z"),
        (datetime(1950, 1, 1, tzinfo=UTC), "500101000000Z"),
        (datetime(1949, 12, 31, tzinfo=UTC), "19491231000000Z"),
    ],
)
def test_time_switches_to_generalized_outside_1950_2049(when: datetime, text: str) -> None:
    """Times use UTCTime for 1950-2049 and GeneralizedTime otherwise (RFC 5280 4.1.2.5)."""
    assert format_time(when) == text
    assert parse_time(text) == when


def test_time_converts_other_offsets_to_utc() -> None:
    """An aware non-UTC datetime is written in UTC."""
    from datetime import timezone

    when = datetime(2030, 1, 1, 8, tzinfo=timezone(timedelta(hours=8)))
    assert format_time(when) == "300101000000Z"


@pytest.mark.parametrize(
    "bad", ["3001010000Z", "300101000000", "300101000000+0000", "３00101000000Z"]
)
def test_time_rejects_other_forms(bad: str) -> None:
    """Only YYMMDDHHMMSSZ and YYYYMMDDHHMMSSZ (ASCII digits) are times."""
    with pytest.raises(ValueError, match="expected"):
        parse_time(bad)


def test_naive_datetime_is_a_validation_error() -> None:
    """A naive expiry is refused."""
    with pytest.raises(ValidationError, match="naive"):
        entry(expiry=datetime(2030, 1, 1))


@pytest.mark.parametrize(
    ("serial", "text"),
    [(0, "00"), (1, "01"), (0xFFF, "0FFF"), (0x1000, "1000"), (0x3E8, "03E8"), (-10, "-0A")],
)
def test_serial_column_is_even_upper_hex(serial: int, text: str) -> None:
    """Serials are written as BN_bn2hex does, with ca.c's "00" for zero."""
    assert format_serial(serial) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [("01\n", 1), ("ab\n", 0xAB), ("01", 1), ("03 \r\n", 3), ("fff\n", 0xFFF), ("  0A\n", 10)],
)
def test_serial_file_reading_is_tolerant(text: str, number: int) -> None:
    """Lower case, CRLF, missing newline, spaces and odd digit counts are all read."""
    assert parse_serial_file(text) == number


@pytest.mark.parametrize("text", ["", "\n", "0x10\n", "12 34\n", "01\n02\n", "zz\n"])
def test_serial_file_rejects_non_numbers(text: str) -> None:
    """Anything but one hexadecimal number is a CAError naming the file."""
    with pytest.raises(CAError, match="serial"):
        parse_serial_file(text)


def test_serial_file_long_numbers_continue_lines() -> None:
    """Numbers over 35 bytes are split with backslash-newline, as i2a_ASN1_INTEGER does."""
    n = int("AB" * 40, 16)
    text = format_serial_file(n)
    assert text == "AB" * 35 + "\\\n" + "AB" * 5 + "\n"
    assert parse_serial_file(text) == n


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=2**400))
def test_serial_file_round_trips(n: int) -> None:
    """Any non-negative number round-trips through the serial file format."""
    text = format_serial_file(n)
    assert len(text.split("\\\n")[0].rstrip("\n")) % 2 == 0
    assert parse_serial_file(text) == n


def test_serial_file_refuses_negative() -> None:
    """A negative next serial cannot be written."""
    with pytest.raises(ValidationError, match="negative"):
        format_serial_file(-1)


# --- attr file ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("unique_subject = yes\n", True),
        ("unique_subject = no\n", False),
        ("unique_subject=No\n", False),
        ("# c\nunique_subject = 0\n", False),
        ("unique_subject = maybe\n", True),
        ("", None),
        ("other = 1\n", None),
    ],
)
def test_attr_values(text: str, value: bool | None) -> None:
    """unique_subject is judged like openssl's parse_yesno, unset gives None."""
    assert parse_attr(text) is value


def test_attr_without_equal_sign_is_an_error() -> None:
    """A line without '=' names the file and line."""
    with pytest.raises(CAError, match=r"index.txt.attr line 2: missing equal sign"):
        parse_attr("unique_subject = no\ngarbage\n")


# --- entries ------------------------------------------------------------------------------------


def test_format_line_of_new_entry() -> None:
    """A freshly issued entry is written like openssl ca writes it."""
    e = entry(serial=0x3E8, subject="/C=CN/CN=www.example.com")
    assert e.format_line() == "V\t300101000000Z\t\t03E8\tunknown\t/C=CN/CN=www.example.com\n"


@pytest.mark.parametrize("reason", OPENSSL_CA_REASONS)
def test_revoke_writes_openssl_reason(reason: str) -> None:
    """revoke() records each -crl_reason name and maps it to its RFC 5280 code."""
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    e = entry().revoke(when, reason.lower())
    assert e.format_line().split("\t")[2] == f"260102030405Z,{reason}"
    assert e.crl_reason_code == CRL_REASONS[reason]


def test_revoke_with_compromise_time_writes_keytime() -> None:
    """keyCompromise plus an invalidity date becomes openssl's keyTime form."""
    when = datetime(2026, 1, 2, tzinfo=UTC)
    e = entry().revoke(when, "keyCompromise", invalidity_date=datetime(2025, 12, 1, tzinfo=UTC))
    assert e.revocation_field() == "260102000000Z,keyTime,20251201000000Z"
    e = entry().revoke(when, "CACompromise", invalidity_date=datetime(2060, 1, 1, tzinfo=UTC))
    assert e.revocation_field() == "260102000000Z,CAkeyTime,20600101000000Z"


def test_revoke_with_hold_instruction_writes_hold() -> None:
    """certificateHold plus an OID becomes openssl's holdInstruction form."""
    e = entry().revoke(T2030, "certificateHold", hold_instruction="1.2.840.10040.2.2")
    assert e.revocation_field() == "300101000000Z,holdInstruction,1.2.840.10040.2.2"
    assert (e.crl_reason_code, e.hold_instruction) == (6, "1.2.840.10040.2.2")


@pytest.mark.parametrize("reason", ["privilegeWithdrawn", "AACompromise", "nonsense"])
def test_revoke_refuses_reasons_openssl_cannot_record(reason: str) -> None:
    """Reasons outside openssl ca's table are refused rather than written."""
    with pytest.raises(ValidationError, match="cannot be recorded"):
        entry().revoke(T2030, reason)


def test_revoke_twice_is_refused() -> None:
    """An already revoked entry cannot be revoked again (openssl: Already revoked)."""
    e = entry().revoke(T2030)
    with pytest.raises(ValidationError, match="already revoked"):
        e.revoke(T2030)


def test_inconsistent_entries_are_refused() -> None:
    """R without a time, and V with one, are not entries openssl writes."""
    with pytest.raises(ValidationError, match="needs a revocation time"):
        entry(status="R")
    with pytest.raises(ValidationError, match="must not have a revocation"):
        entry(revocation=T2030)


def test_expire_entries_marks_only_valid_expired() -> None:
    """expire_entries does what -updatedb does: V with expiry <= now becomes E."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    entries = (
        entry(serial=1, expiry=now),
        entry(serial=2, expiry=now + timedelta(seconds=1)),
        entry(serial=3, expiry=now - timedelta(days=1)).revoke(now),
    )
    new, changed = expire_entries(entries, now)
    assert changed == (1,)
    assert [e.status for e in new] == ["E", "V", "R"]


# --- parsing rules and errors ---------------------------------------------------------------------


def test_comments_are_skipped_and_torn_tail_ignored() -> None:
    """'#' lines are skipped and an unterminated last line ignored, as TXT_DB_read does."""
    line = entry().format_line()
    text = "# comment\n" + line + line.replace("\t01\t", "\t02\t")[:-1]
    assert [e.serial for e in parse_index(text)] == [1]
    with pytest.raises(CAError, match=r"index.txt line 3: no newline"):
        parse_index(text, unterminated="error")


def test_tab_escape_round_trips() -> None:
    """A tab inside a field is written and read with TXT_DB's backslash escape."""
    e = entry(subject="/CN=a\tb")
    line = e.format_line()
    assert "a\\\tb" in line
    assert IndexEntry.parse_line(line) == e
    assert parse_index(line) == (e,)


def test_crlf_lines_keep_the_cr_in_the_subject() -> None:
    """A CRLF file loads like in openssl (the CR stays in the last field) and round-trips."""
    text = entry().format_line().replace("\n", "\r\n")
    (e,) = parse_index(text)
    assert e.subject == "/CN=a\r"
    assert e.format_line() == text


def test_lower_case_serial_and_reason_are_normalised() -> None:
    """Hand-edited lower case is read (openssl compares reasons case-insensitively)."""
    e = IndexEntry.parse_line("R\t300101000000Z\t260101000000Z,keycompromise\t0a\tunknown\t/CN=a")
    assert (e.serial, e.reason) == (10, "keyCompromise")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("V\t300101000000Z\t\t01\tunknown", "expected 6 tab-separated fields, found 5"),
        ("", "expected 6 tab-separated fields, found 1"),
        ("X\t300101000000Z\t\t01\tunknown\t/CN=a", "status must be V, R or E"),
        ("V\t301301000000Z\t\t01\tunknown\t/CN=a", "expiry: month must be in 1..12"),
        ("V\t3001010000Z\t\t01\tunknown\t/CN=a", "expiry: expected YYMMDDHHMMSSZ"),
        ("V\t300101000000Z\t\tG1\tunknown\t/CN=a", "serial: expected a hexadecimal"),
        ("V\t300101000000Z\t\t\tunknown\t/CN=a", "serial: expected a hexadecimal"),
        ("R\t300101000000Z\t\t01\tunknown\t/CN=a", "needs a revocation time"),
        ("V\t300101000000Z\t260101000000Z\t01\tunknown\t/CN=a", "must not have a revocation"),
        ("R\t300101000000Z\t260101000000Z,bogus\t01\tunknown\t/CN=a", "unknown reason 'bogus'"),
        ("R\t300101000000Z\t260101000000Z,keyTime\t01\tunknown\t/CN=a", "needs a YYYYMMDDHHMMSSZ"),
        ("R\t300101000000Z\t260101000000Z,holdInstruction\t01\tunknown\t/CN=a", "hold"),
        ("R\t300101000000Z\t260101000000Z,superseded,x\t01\tunknown\t/CN=a", "takes no argument"),
        ("R\t300101000000Z\t2601010000Z\t01\tunknown\t/CN=a", "revocation: expected"),
    ],
)
def test_bad_lines_name_file_and_line(line: str, message: str) -> None:
    """Each malformed line is a CAError that names the file, the line and the field."""
    with pytest.raises(CAError, match=r"^index\.txt line 42: .*" + message.replace("(", r"\(")):
        IndexEntry.parse_line(line, lineno=42)


def test_parse_index_reports_the_bad_line_number() -> None:
    """A bad line in a file is reported by its number, comments counted."""
    good = entry().format_line()
    text = "# c\n" + good + "V\tbad\t\t02\tunknown\t/CN=b\n"
    with pytest.raises(CAError, match=r"^ca/index\.txt line 3: expiry"):
        parse_index(text, filename="ca/index.txt")


def test_empty_line_is_an_error() -> None:
    """A blank line is an error, as openssl refuses to load such a file."""
    with pytest.raises(CAError, match="line 2: expected 6"):
        parse_index(entry().format_line() + "\n")


def test_duplicate_serial_is_an_error() -> None:
    """Two entries with one serial are refused (openssl: error creating serial number index)."""
    line = entry().format_line()
    with pytest.raises(CAError, match="line 2: serial 01 already on line 1"):
        parse_index(line + line.replace("/CN=a", "/CN=b"))


_field = st.text(st.characters(blacklist_characters="\n\x00", codec="utf-8"), max_size=30)


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_caerror(text: str) -> None:
    """Any text either parses or raises CAError; nothing else escapes."""
    with contextlib.suppress(CAError):
        parse_index(text)


@settings(max_examples=200)
@given(
    st.integers(min_value=-(2**160), max_value=2**160),
    st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(9999, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: d.replace(microsecond=0)),
    _field,
    _field,
    st.sampled_from([None, *OPENSSL_CA_REASONS]),
    st.booleans(),
)
def test_entries_round_trip(
    serial: int, when: datetime, subject: str, filename: str, reason: str | None, revoked: bool
) -> None:
    """Any entry formats to a line that parses back to an equal entry, in both paths."""
    assume(not filename.endswith("\\"))  # refused: see the test below
    e = entry(serial=serial, expiry=when, subject=subject, filename=filename)
    if revoked:
        e = e.revoke(when, reason)
    line = e.format_line()
    assert IndexEntry.parse_line(line) == e
    assert parse_index(line) == (e,)


def test_filename_ending_in_backslash_is_refused() -> None:
    """TXT_DB would read the tab after a trailing backslash as part of the field: refused."""
    with pytest.raises(ValidationError, match="backslash"):
        entry(filename="a\\")
    assert entry(filename="a\\b").filename == "a\\b"
