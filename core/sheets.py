"""One bounded reader for every CSV and XLSX file the product accepts.

An uploaded spreadsheet is read as records (row number, cells as text) that stream in
while every bound is counted: the file's bytes, its lines, the cells of one row and of the
whole file, the characters of the header and of any other row; for an XLSX, the archive's
members and their unpacked sizes and ratios, and the shared strings, counted by a streaming
parser before the workbook is opened (openpyxl loads every shared string, even in read-only
mode: 9.9 million empty ones held a worker for a minute at a gigabyte). Passing a bound
raises `Refused` with a sentence for people, and nothing past it is read.

What the rows mean is for the caller (the matrix import, the launch candidates). Each sets
its own `Bounds` and lists at most `ERRORS_LISTED` problems through an `ErrorList`, so a
file of a million bad cells becomes 500 messages and a count.

Plain Python, no Django: the apps above use it, and tests drive it directly.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar
from xml.parsers import expat

MB = 1024 * 1024
ERRORS_LISTED = 500
DELIMITERS = (",", ";", "\t")  # ties go to the first: comma is what most tools write
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_CHUNK = 64 * 1024

Record = tuple[int, list[str]]  # (the row a spreadsheet shows, the cells as text)


@dataclass(frozen=True, slots=True)
class Bounds:
    """How much of a file is read before it is refused."""

    file_bytes: int
    rows: int  # lines (records), blank ones and the header included
    columns: int  # cells in one row (an XLSX row's trailing empty cells not counted)
    cells: int  # cells in the whole file
    header_chars: int  # the first non-blank row, as written
    row_chars: int  # any other row
    inflated_bytes: int = 50 * MB  # an XLSX's members unpacked, all together
    ratio: int = 200  # a member larger than ratio_floor_bytes inflating more is a zip bomb
    ratio_floor_bytes: int = 1 * MB
    members: int = 1_000  # a workbook written by a spreadsheet holds a dozen or two
    shared_strings: int = 250_000  # entries of the XLSX's shared string table
    shared_string_chars: int = 16 * MB  # their text, all together
    what: str = "an import"  # "…, the most an import takes."


class Refused(Exception):
    """A bound was passed (or the file cannot be read at all): `message` says which, for
    people; `row` is the spreadsheet row where reading stopped, or None for the file."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message, self.row = message, row


class _Unreadable(Refused):
    """A line the csv module cannot read (with the delimiter being tried)."""


E = TypeVar("E")


class ErrorList(list[E]):
    """The problems of a file, as a list of the first `listed`; the rest only counted
    (`unlisted`), so `total` says how many there are."""

    def __init__(self, listed: int = ERRORS_LISTED):
        super().__init__()
        self.listed, self.unlisted = listed, 0

    def add(self, error: E) -> None:
        if len(self) < self.listed:
            self.append(error)
        else:
            self.unlisted += 1

    def first(self, error: E) -> None:
        """A refusal: listed before everything else found so far."""
        self.insert(0, error)
        if len(self) > self.listed:
            self.pop()
            self.unlisted += 1

    @property
    def total(self) -> int:
        return len(self) + self.unlisted


def number(value: int) -> str:
    return f"{value:,}"


def size_text(size: int) -> str:
    return f"{size // MB} MB" if size % MB == 0 else f"{size / MB:,.1f} MB"


# ---------------------------------------------------------------------------- reading


def records(
    data: bytes, *, bounds: Bounds, filename: str = "", key: str = "", xlsx: bool = True
) -> tuple[Iterator[Record], str]:
    """The file's records and its kind ("csv" or "xlsx"), chosen by content: XLSX files
    are zip archives, so they start with b"PK" (only when `xlsx` is accepted). The file as
    a whole is checked here (size, encoding, archive, shared strings); rows are checked as
    the iterator is read. Raises `Refused`, here or from the iterator.

    `key` is a header cell the right delimiter leaves whole ("activity", "name").
    """
    if len(data) > bounds.file_bytes:
        raise Refused(f"The file is larger than {size_text(bounds.file_bytes)}, the most {bounds.what} takes.")
    if xlsx and data.startswith(b"PK"):
        return xlsx_records(data, bounds=bounds), "xlsx"
    return csv_records(data, bounds=bounds, filename=filename, key=key, xlsx=xlsx), "csv"


def decode(data: bytes, *, filename: str = "", xlsx: bool = True) -> str:
    """CSV bytes as text: UTF-8 with or without BOM."""
    what = f"“{filename}”" if filename else "The file"
    instead = "(or XLSX) " if xlsx else ""
    neither = (
        f"{what} is neither a CSV file (UTF-8 text) nor an XLSX workbook."
        if xlsx
        else f"{what} is not a CSV file (UTF-8 text)."
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: say what to do instead of "not UTF-8".
        raise Refused(f"{what} is UTF-16 text; save it as “CSV UTF-8” {instead}and upload it again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(neither) from None
    if "\x00" in text:
        raise Refused(neither)  # valid UTF-8 by chance, but binary all the same
    return text


class _Meter:
    """Counts the characters of the record being read, so that csv never parses a line
    longer than a row may be: a 980 KB header of 490,000 columns is refused as text."""

    def __init__(self, bounds: Bounds):
        self.bounds, self.chars, self.header_seen, self.row = bounds, 0, False, 1

    def lines(self, text: str) -> Iterator[str]:
        # newline="" keeps line breaks inside quoted cells exactly as written.
        for line in io.StringIO(text, newline=""):
            self.chars += len(line)
            if self.header_seen:
                if self.chars > self.bounds.row_chars:
                    raise Refused(
                        f"This row is longer than {number(self.bounds.row_chars)} characters; reading stopped here.",
                        self.row,
                    )
            elif self.chars > self.bounds.header_chars:
                raise Refused(
                    f"The header row is longer than {number(self.bounds.header_chars)} characters, more than "
                    "any header this file's columns need; the file was refused unread.",
                    self.row,
                )
            yield line

    def record_read(self, record: list[str]) -> None:
        self.chars = 0
        self.row += 1
        if not self.header_seen and any(cell.strip() for cell in record):
            self.header_seen = True


def _csv_rows(text: str, delimiter: str, bounds: Bounds) -> Iterator[Record]:
    meter = _Meter(bounds)
    reader = csv.reader(meter.lines(text), delimiter=delimiter)
    number_ = 0
    try:
        # A spreadsheet shows one row per record, even when a quoted cell spans lines.
        for number_, record in enumerate(reader, start=1):
            meter.record_read(record)
            yield number_, record
    except csv.Error as exc:
        raise _Unreadable(f"This line cannot be read as CSV ({exc}).", number_ + 1) from None


def sniff_delimiter(text: str, *, bounds: Bounds, key: str = "") -> str:
    """The delimiter that splits the header (first non-blank record) into most cells, among
    those that leave `key` a cell of its own.

    csv.Sniffer guesses from character frequencies and is easily fooled by commas in
    descriptions; the header row is what decides the layout, so count its cells. A role
    named "Sales; EMEA; APAC" splits the header more on semicolons, but only the right
    delimiter leaves "Activity" a cell of its own. The header is read within the bounds.
    """
    best, best_score = DELIMITERS[0], (False, 1)
    for delimiter in DELIMITERS:
        header: list[str] = []
        try:
            for lines, (_, record) in enumerate(_csv_rows(text, delimiter, bounds), start=1):
                if any(cell.strip() for cell in record):
                    header = record
                    break
                if lines > bounds.rows:
                    break
        except _Unreadable:
            continue
        score = (bool(key) and any(fold(cell) == key for cell in header), len(header))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_records(
    data: bytes, *, bounds: Bounds, filename: str = "", key: str = "", xlsx: bool = True
) -> Iterator[Record]:
    """A CSV file's records: UTF-8 with or without BOM, delimiter sniffed among , ; and tab."""
    text = decode(data, filename=filename, xlsx=xlsx)
    delimiter = sniff_delimiter(text, bounds=bounds, key=key)
    return _counted(_csv_rows(text, delimiter, bounds), bounds, trim=False)


def _counted(rows: Iterator[Record], bounds: Bounds, *, trim: bool) -> Iterator[Record]:
    cells = 0
    for lines, (row, record) in enumerate(rows, start=1):
        if lines > bounds.rows:
            raise Refused(
                f"The file has more than {number(bounds.rows)} lines, blank ones included; reading stopped at row "
                f"{row}.",
                row,
            )
        if trim:
            while record and not record[-1]:
                record.pop()
        if len(record) > bounds.columns:
            raise Refused(
                f"This row has {number(len(record))} columns; a file may have at most {number(bounds.columns)}, "
                "and reading stopped here.",
                row,
            )
        cells += len(record)
        if cells > bounds.cells:
            raise Refused(
                f"The file has more than {number(bounds.cells)} cells; reading stopped at row {row}.",
                row,
            )
        yield row, record


def xlsx_records(data: bytes, *, bounds: Bounds) -> Iterator[Record]:
    """The first sheet's records. The archive is measured and its shared strings counted
    before openpyxl opens it; openpyxl then streams the sheet (read-only mode)."""
    if len(data) > bounds.file_bytes:
        raise Refused(f"The file is larger than {size_text(bounds.file_bytes)}, the most {bounds.what} takes.")
    check_archive(data, bounds)
    from openpyxl import load_workbook  # only uploads of XLSX pay for importing it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise  # past the worker's memory ceiling: the task says so
    except Exception as exc:  # noqa: BLE001 - zipfile, KeyError, ValueError...: openpyxl lets them through
        raise Refused(f"This is not a readable XLSX workbook ({exc}).") from None

    def rows() -> Iterator[Record]:
        try:
            if not workbook.worksheets:
                raise Refused("The workbook has no sheet.")
            sheet = workbook.worksheets[0]
            # Some writers record wrong dimensions; without this, read-only mode trusts them
            # and silently drops columns.
            sheet.reset_dimensions()
            header_seen = False
            for row, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                record = [cell_text(value) for value in values]
                chars = sum(len(cell) for cell in record)
                if not header_seen and any(cell.strip() for cell in record):
                    header_seen = True
                    if chars > bounds.header_chars:
                        raise Refused(
                            f"The header row is longer than {number(bounds.header_chars)} characters, more than any "
                            "header this file's columns need; the file was refused unread.",
                            row,
                        )
                elif chars > bounds.row_chars:
                    raise Refused(
                        f"This row is longer than {number(bounds.row_chars)} characters; reading stopped here.", row
                    )
                yield row, record
        except (Refused, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet inside a valid zip
            raise Refused(f"The first sheet cannot be read ({exc}).") from None
        finally:
            workbook.close()

    return _counted(rows(), bounds, trim=True)


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees in the spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def fold(text: str) -> str:
    """How names compare: case-insensitive, runs of whitespace count as one space."""
    return " ".join(text.split()).casefold()


# ---------------------------------------------------------------------------- the archive


def check_archive(data: bytes, bounds: Bounds) -> None:
    """Refuse a zip archive that must not be opened.

    First from what the archive declares (the members' unpacked sizes, their compression
    ratios), which costs no inflating; then by inflating every member in chunks and
    counting what actually comes out, stopping at the limit, because a member's declared
    size can lie. The shared string table is parsed as it inflates, counting its entries
    and their text. Memory stays at one chunk.
    """
    unpacked = f"{bounds.what} takes at most {size_text(bounds.inflated_bytes)} once unpacked"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > bounds.members:
                raise Refused(f"This workbook holds {number(len(members))} files; an XLSX workbook holds a few dozen.")
            declared = sum(member.file_size for member in members)
            if declared > bounds.inflated_bytes:
                raise Refused(f"This workbook unpacks to {size_text(declared)}; {unpacked}.")
            for member in members:
                if member.file_size > bounds.ratio_floor_bytes and member.file_size > bounds.ratio * max(
                    member.compress_size, 1
                ):
                    raise Refused(
                        f"This workbook's “{member.filename}” is compressed more than {bounds.ratio} times, "
                        "which no spreadsheet does; it was refused unread."
                    )
            strings_part = _shared_strings_part(archive, bounds)
            inflated = 0
            for member in members:
                counter = _SharedStrings(bounds) if member.filename == strings_part else None
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        inflated += len(chunk)
                        if inflated > bounds.inflated_bytes:
                            raise Refused(f"This workbook unpacks to more than it says; {unpacked}.")
                        if counter is not None:
                            counter.feed(chunk)
                if counter is not None:
                    counter.close()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as exc:
        # Includes a member longer than its declared size (zipfile stops there and finds
        # the checksum wrong), encrypted members and unknown compression methods.
        raise Refused(f"This is not a readable XLSX workbook ({exc}).") from None


def _shared_strings_part(archive: zipfile.ZipFile, bounds: Bounds) -> str | None:
    """Where the shared string table is: the part [Content_Types].xml names for it, which
    is where openpyxl looks."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return None
    found: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rsplit(" ", 1)[-1] == "Override" and attributes.get("ContentType") == SHARED_STRINGS_TYPE:
            found.append(attributes.get("PartName", "").lstrip("/"))

    parser = _parser()
    parser.StartElementHandler = start
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            _parse(parser, chunk, final=False)
    _parse(parser, b"")
    return found[0] if found else None


class _SharedStrings:
    """Counts the entries of a shared string table and their text as it streams in."""

    def __init__(self, bounds: Bounds):
        self.bounds, self.entries, self.chars = bounds, 0, 0
        self.parser = _parser()
        self.parser.StartElementHandler = self.start
        self.parser.CharacterDataHandler = self.text

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name.rsplit(" ", 1)[-1] == "si":
            self.entries += 1
            if self.entries > self.bounds.shared_strings:
                raise Refused(
                    f"This workbook's shared strings hold more than {number(self.bounds.shared_strings)} entries; "
                    "a spreadsheet of this size holds far fewer, and it was refused unopened."
                )

    def text(self, data: str) -> None:
        self.chars += len(data)
        if self.chars > self.bounds.shared_string_chars:
            raise Refused(
                f"This workbook's shared strings hold more than {number(self.bounds.shared_string_chars)} characters; "
                "it was refused unopened."
            )

    def feed(self, chunk: bytes) -> None:
        _parse(self.parser, chunk, final=False)

    def close(self) -> None:
        _parse(self.parser, b"", final=True)


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def no_dtd(*args: object) -> None:
        # An XLSX part never declares a DTD; entities are how XML bombs expand.
        raise Refused("This workbook declares XML entities, which no spreadsheet does; it was refused unopened.")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    return parser


def _parse(parser: expat.XMLParserType, data: bytes, *, final: bool = True) -> None:
    try:
        parser.Parse(data, final)
    except expat.ExpatError as exc:
        raise Refused(f"This is not a readable XLSX workbook ({exc}).") from None
