"""The general rules of FORMATS.md for every input file, in one place.

- Encoding UTF-8 (a BOM allowed) or CP932, detected or chosen; CRLF or LF.
- The whole file is validated before anything is applied; every error is listed with its line
  number and column name, in Japanese.
- A file whose SHA-256 was already imported is refused.
- An empty trailing line is allowed; a truncated last line (no line break at its end, or a
  quote left open), an extra or missing column, an unknown code and a duplicate key within the
  file are errors.

Use:

    reader = CsvInput(data, filename=upload.name, header=F4_HEADER, kind="income",
                      columns={"所得年": parse_year, ...}, unique=("所得年", "宛名番号"))
    rows = list(reader.rows())          # parsed rows (line number, dict); errors collected
    if reader.errors: ...               # show them; apply nothing
    reader.mark_imported(actor)         # inside the transaction that applies the rows

`rows()` is a generator over the decoded text: a 100,000-line file is never held as objects
unless the caller keeps them.
"""

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings

ENCODINGS = {"auto": "自動判別", "utf-8": "UTF-8", "cp932": "シフトJIS（CP932）"}
MAX_ERRORS_LISTED = 1000


@dataclass(frozen=True)
class LineError:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.line}行目" if self.line else "ファイル"
        if self.column:
            where += f"「{self.column}」"
        return f"{where}: {self.message}"


class FieldError(ValueError):
    """Raised by a column parser; its message (Japanese) goes next to the line and column."""


Parser = Callable[[str], Any]


def safe_filename(name: str) -> str:
    """The bare file name of an upload; a path (traversal, folders, drive letters) is refused."""
    if not name or "\x00" in name:
        raise FieldError("ファイル名がありません。")
    parts_posix = PurePosixPath(name).parts
    parts_win = PureWindowsPath(name).parts
    if len(parts_posix) != 1 or len(parts_win) != 1 or name in (".", ".."):
        raise FieldError(f"ファイル名「{name[:100]}」にフォルダの指定は使えません。")
    return name


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Returns (text, encoding used). Raises FieldError in Japanese when it cannot be read."""
    if encoding not in ENCODINGS:
        raise FieldError(f"文字コード「{encoding}」には対応していません。")
    tries = ["utf-8", "cp932"] if encoding == "auto" else [encoding]
    for enc in tries:
        try:
            text = data.decode("utf-8-sig" if enc == "utf-8" else enc)
        except UnicodeDecodeError as exc:
            if encoding != "auto":
                line = data[: exc.start].count(b"\n") + 1
                raise FieldError(
                    f"{line}行目: {ENCODINGS[enc]}として読めない文字があります。"
                    "文字コードの指定を確認してください。"
                ) from None
            continue
        return text, enc
    raise FieldError(
        "文字コードを判別できません。UTF-8 またはシフトJIS（CP932）で保存してください。"
    )


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


TRUNCATED = "最終行が途中で切れています（ファイルが欠けている可能性があります）。"


class CsvInput:
    """One uploaded CSV file, validated line by line against a header and column parsers."""

    def __init__(
        self,
        data: bytes,
        *,
        filename: str,
        header: list[str],
        kind: str,
        columns: dict[str, Parser] | None = None,
        unique: tuple[str, ...] = (),
        encoding: str = "auto",
    ):
        self.kind = kind
        self.header = header
        self.columns = columns or {}
        self.unique = unique
        self.errors: list[LineError] = []
        self.error_count = 0
        self.line_count = 0
        self.sha256 = file_sha256(data)
        self.text = ""
        self.encoding = ""
        self.filename = ""
        try:
            self.filename = safe_filename(filename)
        except FieldError as exc:
            self._error(None, None, str(exc))
        max_bytes = getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)
        if len(data) > max_bytes:
            self._error(
                None, None, f"ファイルが大きすぎます（上限 {max_bytes // (1024 * 1024)} MB）。"
            )
            return
        if not data.strip():
            self._error(None, None, "ファイルが空です。")
            return
        try:
            self.text, self.encoding = decode(data, encoding)
        except FieldError as exc:
            self._error(None, None, str(exc))
            return
        if self.already_imported():
            self._error(None, None, "このファイルは既に取り込まれています（同じ内容のファイル）。")

    # --- errors ---------------------------------------------------------------------------
    def _error(self, line: int | None, column: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(LineError(line, column, message))

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    # --- reading --------------------------------------------------------------------------
    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Yields (line number, parsed row) for every valid data line; collects the errors."""
        if not self.text:
            return
        lines = self.text.splitlines(keepends=True)
        # An empty trailing line is allowed; a last line without its line break is suspect.
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            self._error(None, None, "ファイルが空です。")
            return
        # A file cut short: its last line has no line break (cut inside its last field, or
        # anywhere), or a quote is left open (a valid CSV holds its quotes in pairs). Nothing
        # of that line is read: the file is refused at it.
        cut = not re.search(r"[\r\n]$", lines[-1]) or "".join(lines).count('"') % 2 == 1
        if cut and len(lines) > 1:
            self.line_count += 1
            self._error(len(lines), None, TRUNCATED)
            lines.pop()
        seen: dict[tuple, int] = {}
        reader = csv.reader(io.StringIO("".join(lines)))
        width = len(self.header)
        for index, cells in enumerate(reader):
            line = reader.line_num
            if index == 0:
                if [c.strip() for c in cells] != self.header:
                    self._error(1, None, "見出し行が違います。期待: " + ",".join(self.header))
                    return
                continue
            self.line_count += 1
            if len(cells) != width:
                if len(cells) < width:
                    message = f"列が足りません（{len(cells)}列、必要 {width}列）。"
                else:
                    message = f"列が多すぎます（{len(cells)}列、必要 {width}列）。"
                self._error(line, None, message)
                continue
            row: dict[str, Any] = {}
            bad = False
            for name, raw in zip(self.header, cells, strict=True):
                value = raw.strip()
                parser = self.columns.get(name)
                if parser is None:
                    row[name] = value
                    continue
                try:
                    row[name] = parser(value)
                except FieldError as exc:
                    self._error(line, name, str(exc))
                    bad = True
            if bad:
                continue
            if self.unique:
                key = tuple(row[c] for c in self.unique)
                if key in seen:
                    self._error(
                        line,
                        "・".join(self.unique),
                        f"{seen[key]}行目と重複しています（{'・'.join(map(str, key))}）。",
                    )
                    continue
                seen[key] = line
            yield line, row

    # --- once only ------------------------------------------------------------------------
    def already_imported(self) -> bool:
        from .models import ImportedFile

        return ImportedFile.objects.filter(kind=self.kind, sha256=self.sha256).exists()

    def mark_imported(self, actor) -> None:
        """Call inside the transaction that applies the file: a second apply then fails."""
        from .models import ImportedFile

        ImportedFile.objects.create(
            kind=self.kind,
            sha256=self.sha256,
            filename=self.filename,
            encoding=self.encoding,
            line_count=self.line_count,
            imported_by=actor,
        )


# --- column parsers shared by the formats ---------------------------------------------------
def required(parser: Parser) -> Parser:
    def parse(value: str):
        if value == "":
            raise FieldError("必須項目です。")
        return parser(value)

    return parse


def optional(parser: Parser) -> Parser:
    def parse(value: str):
        return None if value == "" else parser(value)

    return parse


def non_negative_int(value: str) -> int:
    if not re.fullmatch(r"\d+", value):
        raise FieldError(f"「{value[:30]}」は0以上の整数ではありません。")
    return int(value)


def code_of(table: dict[str, str]) -> Parser:
    def parse(value: str) -> str:
        if value not in table:
            allowed = "・".join(f"{k} {v}" for k, v in table.items())
            raise FieldError(f"「{value[:30]}」は使えないコードです（{allowed}）。")
        return value

    return parse
