"""Read articles from files (txt, md, html, json, jsonl, csv) into one articles table.

Every input is accounted for: each record becomes an article or a row of the rejected table
with the file, the line or row, and the reason.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import yaml

from presslens.errors import UserError
from presslens.ids import UniqueIds, id_slug, slugify
from presslens.lexicons import yaml_data

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".csv")
ARTICLE_COLUMNS = [
    "article_id", "source_id", "title", "date", "source", "url", "path", "line", "text", "n_words",
    "encoding_note", "text_hash",
]
REJECTED_COLUMNS = ["path", "where", "reason"]
# Files that describe a corpus folder rather than belong to it.
DOCUMENTATION_NAMES = frozenset({"README", "PROVENANCE", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"})
FIELDS = ("id", "title", "date", "source", "url", "text")

# Lines that pages repeat around every story: navigation, sharing, newsletter and footer text.
BOILERPLATE_LINE = re.compile(
    r"""^(
        back\ to\ top(\ button)? | share(\ this)?(\ (article|story|post|page))?(\ on\ \w+)? |
        related(\ (articles?|posts?|news|stories|content))? | read\ (more|also|next)(:.*)? |
        (sign\ up|subscribe)(\ (to|for)\ .*)? | follow\ us(\ on\ .*)? | advertisement |
        print(\ this)?(\ article)? | e-?mail | tweet | whatsapp | facebook | twitter | telegram |
        skip\ to\ (main\ )?content | (all\ rights\ reserved.*) | (copyright|©).* |
        tags?:.* | (leave\ a\ )?comments?(\ \(\d+\))? | you\ may\ also\ like | most\ read |
        accept(\ all)?\ cookies | this\ (site|website)\ uses\ cookies.* | menu | search | home
    )[.!:]?$""",
    re.IGNORECASE | re.VERBOSE,
)
# Transcript stage directions: "(Laughter.)", "(Applause.)", "[inaudible]".
STAGE_DIRECTION = re.compile(
    r"[(\[](?:laughter|laughs|applause|inaudible|crosstalk|cross-talk|music|pause|"
    r"speaks in \w+|as prepared for delivery)\.?[)\]]", re.IGNORECASE)
# "West AsiaChinaIranWorld News": category names run together with no space between them.
RUN_TOGETHER = re.compile(r"[a-z][A-Z]")
CRUMB_SEPARATOR = re.compile(r"\s(>|»|›|/|\|)\s")
SENTENCE_END = re.compile(r"[.!?…]['\"’”)]?$")


class Corpus(NamedTuple):
    """The result of reading inputs: usable articles, and what was rejected and why."""

    articles: pd.DataFrame
    rejected: pd.DataFrame


class Rejection(NamedTuple):
    path: str
    where: str
    reason: str


class RawArticle(NamedTuple):
    path: str
    where: str
    fields: dict
    encoding_note: str | None = None


class IngestError(UserError, ValueError):
    """A problem with the user's input that they can fix; the message names the file."""


class NotText(ValueError):
    """The bytes of a file are not text in any encoding we read; the message says what they are."""


class Decoded(NamedTuple):
    """A file's text and, when its encoding was guessed rather than known, a note saying so."""

    text: str
    note: str | None


def discover_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Rejection]]:
    """Expand folders (recursively) into input files, sorted; unusable paths become rejections."""
    files: list[Path] = []
    rejected: list[Rejection] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            rejected.append(Rejection(str(path), "", "no such file or folder: check the path"))
        elif path.is_dir():
            hidden: set[Path] = set()
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                parts = child.relative_to(path).parts
                dot = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
                if dot is None:
                    files.append(child)
                elif (top := path.joinpath(*parts[:dot + 1])) not in hidden:
                    # One row per hidden file or folder (a .git folder is one row, not thousands).
                    hidden.add(top)
                    rejected.append(Rejection(str(top), "", "hidden file or folder, skipped: "
                                              "rename it without the leading dot to read it"))
        else:
            files.append(path)
    kept: list[Path] = []
    for file in files:
        if file.stem.upper() in DOCUMENTATION_NAMES:
            rejected.append(Rejection(str(file), "", "documentation file, not an article"))
        elif file.suffix.lower() not in SUPPORTED_SUFFIXES:
            rejected.append(Rejection(
                str(file), "",
                f"unsupported file type '{file.suffix or '(none)'}': use one of "
                + ", ".join(SUPPORTED_SUFFIXES),
            ))
        else:
            kept.append(file)
    return kept, rejected


# Byte-order marks, longest first: UTF-32's marks begin with UTF-16's.
BYTE_ORDER_MARKS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
)
# Leading bytes of common binary formats: (offset, signature, what it is).
BINARY_SIGNATURES = (
    (0, b"%PDF-", "a PDF document"),
    (0, b"PK\x03\x04", "a zip archive (or an Office, OpenDocument or EPUB file)"),
    (0, b"PK\x05\x06", "an empty zip archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (0, b"{\\rtf", "an RTF document"),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"), (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"), (0, b"MM\x00*", "a TIFF image"),
    (8, b"WEBP", "a WebP image"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"BZh", "a bzip2 archive"),
    (0, b"\xfd7zXZ\x00", "an xz archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (0, b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (257, b"ustar", "a tar archive"),
    (0, b"\x7fELF", "an executable program"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (4, b"ftyp", "a video or audio file"), (0, b"ID3", "an MP3 audio file"),
    (0, b"PAR1", "a Parquet file"),
)
# Characters no text should hold in any number: controls (tab and newlines aside), the
# replacement character, private-use code points and lone surrogates.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\ud800-\udfff]")
MIN_PRINTABLE_SHARE = 0.9
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Controls and the bidirectional overrides and isolates that can make a page display text in
# another order than it is stored ("Trojan source"); the plain LRM/RLM marks are kept.
CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SNIFF_CHARS = 65_536
# Western single-byte encodings: preferred when the detector finds them as plausible as its pick
# (a French text is as clean in cp1250 as in cp1252, but 'è' is not 'č').
PREFERRED_ENCODINGS = ("cp1252", "mac_roman")
CHAOS_TOLERANCE = 0.02


def binary_signature(data: bytes) -> str | None:
    """What a file is when its first bytes carry a known binary signature, else None."""
    for offset, signature, what in BINARY_SIGNATURES:
        if data[offset:offset + len(signature)] == signature:
            if signature == b"BZh" and not data[3:4].isdigit():  # 'BZh' can begin a word
                continue
            return what
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """The codec of UTF-16 text without a byte-order mark: every other byte is NUL."""
    if len(data) < 4 or len(data) % 2:
        return None
    for codec, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            return codec
    return None


def _decode_unmarked(data: bytes) -> Decoded:
    """Bytes without a byte-order mark or NUL: UTF-8; UTF-8 with a few stray bytes (a pasted
    Windows-1252 quote) replaced; else the detected encoding, with a note saying so."""
    try:
        return Decoded(data.decode("utf-8"), None)
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    valid_multibyte = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if valid_multibyte > invalid:
        return Decoded(text, f"UTF-8 with {invalid} invalid byte sequence(s) replaced by \ufffd")
    guess = _guess_encoding(data)
    if guess is None:
        raise NotText("not text: no known encoding fits its bytes (binary data?)")
    encoding, chaos = guess
    note = f"not UTF-8: decoded as {encoding} (guessed" + (
        f", {chaos:.0%} of it looks garbled)" if chaos >= 0.1 else ")")
    return Decoded(data.decode(encoding, errors="replace"), note)


def _guess_encoding(data: bytes) -> tuple[str, float] | None:
    """The detector's encoding for non-UTF-8 bytes, preferring the Western code pages on a tie."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    best = min(matches, key=lambda m: m.chaos)
    for preferred in PREFERRED_ENCODINGS:
        chaos = [m.chaos for m in matches if preferred in m.could_be_from_charset]
        if chaos and min(chaos) <= best.chaos + CHAOS_TOLERANCE:
            return preferred, min(chaos)
    return best.encoding, best.chaos


def decode_bytes(data: bytes) -> Decoded:
    """Decode a file's bytes: byte-order mark, then UTF-8, then the detected encoding.

    Raises NotText, with what the bytes are, for binary data: a known signature, NUL bytes,
    or too few printable characters.
    """
    what = binary_signature(data)
    if what:
        raise NotText(f"not text: {what}; convert it to .txt, .html, .json or .csv first")
    note = None
    bom = next((codec for mark, codec in BYTE_ORDER_MARKS if data.startswith(mark)), None)
    if bom:
        text = data.decode(bom, errors="replace").lstrip("\ufeff")
        if "\ufffd" in text and "\ufffd".encode(bom) not in data:
            note = f"{bom} byte-order mark, but some bytes are not {bom}: replaced with \ufffd"
    elif b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise NotText("not text: it contains NUL bytes (binary data)")
        text = data.decode(codec, errors="replace")
        note = f"decoded as {codec} without a byte-order mark (guessed)"
    else:
        text, note = _decode_unmarked(data)
    sample = text[:SNIFF_CHARS]
    if sample:
        printable = 1 - len(UNPRINTABLE.findall(sample)) / len(sample)
        if printable < MIN_PRINTABLE_SHARE:
            raise NotText(f"not text: only {printable:.0%} of its characters are printable (binary data)")
    return Decoded(text, note)


def read_text_file(path: Path) -> Decoded:
    """Read and decode a file (see decode_bytes); NotText for binary data."""
    return decode_bytes(path.read_bytes())


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split a leading YAML block between '---' lines from the body."""
    match = re.match(r"\A---\s*\n(.*?)\n---\s*\n?", text, re.DOTALL)
    if not match:
        return {}, text
    try:
        meta = yaml_data(match.group(1)) or {}
    except (yaml.YAMLError, RecursionError) as error:
        raise IngestError(f"front matter is not valid YAML ({error.__class__.__name__})") from None
    if not isinstance(meta, dict):
        raise IngestError("front matter must be 'key: value' lines")
    return {str(k).lower(): v for k, v in meta.items()}, text[match.end():]


def strip_markdown(text: str) -> str:
    """Plain text from light Markdown: headings, emphasis, links, images, list bullets."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s{0,3}>\s?", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s{0,3}[-*+]\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return text


def sanitize(text: str) -> str:
    """Text without controls (tab and newlines aside) or direction overrides, and with each
    lone surrogate (possible in JSON) replaced by U+FFFD so it can be stored."""
    text = LONE_SURROGATE.sub("\ufffd", text)
    return CONTROL_CHARS.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def is_breadcrumb(line: str) -> bool:
    """A short category trail above a headline: 'West AsiaChinaIranWorld News', 'World > Asia'."""
    words = line.split()
    if not words or len(words) > 10 or SENTENCE_END.search(line):
        return False
    return bool(RUN_TOGETHER.search(line) or CRUMB_SEPARATOR.search(line))


def is_headline(line: str) -> bool:
    """A title-like line: short, and not ending like a sentence (a question mark is allowed)."""
    words = line.split()
    return 0 < len(words) <= 30 and not re.search(r"[.:;,]['\"’”]?$", line)


def clean_text(text: str, *, title: str | None = None) -> tuple[str, str | None]:
    """Drop boilerplate lines and find the headline.

    Returns the cleaned body (paragraphs joined by blank lines) and the headline taken from it,
    or `title` when one is given (a line equal to the given title is removed from the body).
    """
    text = sanitize(text).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = STAGE_DIRECTION.sub("", text)
    # A given title is one line, as a found one is: a CSV cell may hold line breaks.
    if title is not None:
        title = " ".join(title.split()) or None
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    kept = [line for line in lines if not BOILERPLATE_LINE.match(line)]
    content = [line for line in kept if line]
    # Breadcrumbs only ever sit above the headline.
    while content and is_breadcrumb(content[0]) and len(content) > 1:
        kept.remove(content.pop(0))
    found_title = title
    if content:
        first = content[0]
        if title and first.strip().lower() == str(title).strip().lower():
            kept.remove(first)
        elif not title and is_headline(first) and len(content) > 1:
            found_title = first
            kept.remove(first)
    paragraphs = re.split(r"\n\s*\n", "\n".join(kept))
    body = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return body, found_title


def html_to_fields(html: str) -> dict:
    """Main text and metadata of a web page with trafilatura; navigation and footers dropped."""
    import trafilatura

    # No deduplicate: trafilatura's duplicate test is a process-wide cache, so a page read
    # again in the same kernel or worker would be dropped as "seen".
    try:
        document = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False,
            favor_precision=True, deduplicate=False,
        )
    except (ValueError, TypeError, RecursionError) as error:  # lxml on broken or hostile markup
        raise IngestError(f"the HTML could not be parsed ({error.__class__.__name__})") from None
    if document is None:
        return {}
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    return {
        "title": data.get("title"),
        "date": data.get("date"),
        "source": data.get("sitename") or data.get("hostname"),
        "url": data.get("url"),
        "text": data.get("text"),
    }


def _records_from_json(text: str) -> Iterator[tuple[str, object]]:
    data = json.loads(text)
    if isinstance(data, dict):
        data = data.get("articles", [data])
    if not isinstance(data, list):
        raise IngestError("JSON must be an article object, a list of them, or {'articles': [...]}")
    for number, record in enumerate(data, start=1):
        yield f"item {number}", record


def _records_from_jsonl(text: str) -> Iterator[tuple[str, object]]:
    # Only "\n" ends a record: str.splitlines() would also split at U+2028, NEL and other
    # characters that JSON strings may hold unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as error:
            yield f"line {number}", IngestError(f"not valid JSON ({error.msg}, column {error.colno})")
        except RecursionError:
            yield f"line {number}", IngestError("JSON nested too deeply")
        except ValueError as error:  # e.g. an integer with more digits than Python converts
            yield f"line {number}", IngestError(f"not usable JSON ({error})")


def _records_from_csv(text: str) -> Iterator[tuple[str, object]]:
    # The csv module refuses fields over 128 KB by default; a long article is one field.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if "text" not in columns:
        raise IngestError(
            f"CSV needs a 'text' column (found: {', '.join(sorted(columns)) or 'no header'})"
        )
    for row in reader:
        # DictReader reports the physical line where the row ended; rows may span lines.
        yield f"line {reader.line_num}", {(k or "").strip().lower(): v for k, v in row.items()}


def iter_raw_articles(files: Iterable[Path]) -> Iterator[RawArticle | Rejection]:
    """Yield one raw article or rejection per record in the files, in order."""
    for file in files:
        suffix = file.suffix.lower()
        try:
            text, note = read_text_file(file)
            if not text.strip():
                yield Rejection(str(file), "", "empty file")
                continue
            if suffix in (".json", ".jsonl", ".csv"):
                reader = {".json": _records_from_json, ".jsonl": _records_from_jsonl,
                          ".csv": _records_from_csv}[suffix]
                for where, record in reader(text):
                    if isinstance(record, Exception):
                        yield Rejection(str(file), where, str(record))
                    elif not isinstance(record, dict):
                        yield Rejection(str(file), where, "record is not an object with a 'text'")
                    else:
                        yield RawArticle(str(file), where, {str(k).lower(): v
                                                             for k, v in record.items()}, note)
            elif suffix in (".html", ".htm"):
                yield RawArticle(str(file), "", {**html_to_fields(text), "_html": True}, note)
            else:
                meta, body = split_front_matter(text)
                if suffix in (".md", ".markdown"):
                    body = strip_markdown(body)
                yield RawArticle(str(file), "", {**meta, "text": body}, note)
        except NotText as error:
            yield Rejection(str(file), "", str(error))
        except (ValueError, RecursionError, csv.Error, OSError) as error:
            # ValueError covers IngestError, JSON syntax and JSON numbers too long to convert.
            message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            if isinstance(error, RecursionError):
                message = "nested too deeply"
            yield Rejection(str(file), "", f"cannot read: {message}")


# Metadata values kept as text; lists and mappings (or YAML alias bombs) are not metadata.
SCALARS = (str, int, float, datetime.date)


def _as_text(value: object) -> str | None:
    if not isinstance(value, SCALARS) or isinstance(value, bool):
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    text = sanitize(str(value)).strip()
    return text or None


def _parse_date(value: object) -> pd.Timestamp | None:
    text = _as_text(value)
    if text is None:
        return None
    try:
        stamp = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    except (ValueError, OverflowError, TypeError):
        return None
    return None if pd.isna(stamp) else stamp.tz_convert(None).normalize()


def _where_number(where: str) -> int | None:
    """2 for 'line 2' or 'item 2'; None for a whole file."""
    return int(where.split()[-1]) if where else None


def normalise(raw: RawArticle, *, max_chars: int = 1_000_000) -> dict | Rejection:
    """Turn a raw record into an article row, or say why it cannot be used.

    `article_id` is a slug of the record's own `id` (kept verbatim as `source_id`), else of the
    file name (and line); it is made unique across a corpus by iter_articles.
    """
    fields = raw.fields
    given_text = next((fields[k] for k in ("text", "body", "content") if fields.get(k)), None)
    if given_text is not None and not isinstance(given_text, str):
        return Rejection(raw.path, raw.where,
                         f"'text' is a {type(given_text).__name__}, not a string: nothing to analyse")
    text = _as_text(given_text)
    if text is None:
        what = "no main text found in the page" if fields.get("_html") else "no 'text'"
        return Rejection(raw.path, raw.where, f"{what}: nothing to analyse")
    body, title = clean_text(text, title=_as_text(fields.get("title")))
    if not body:
        return Rejection(raw.path, raw.where, "text is only boilerplate or a title")
    if len(body) > max_chars:
        return Rejection(raw.path, raw.where,
                         f"text has {len(body):,} characters (limit {max_chars:,}): split it")
    if not title:
        words = body.split()
        title = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    path = Path(raw.path)
    source_id = _as_text(fields.get("id") or fields.get("article_id"))
    if source_id:
        article_id = id_slug(source_id)
    elif raw.where:
        article_id = f"{slugify(path.stem)}-{slugify(raw.where)}"
    else:
        article_id = slugify(path.stem)
    line = _where_number(raw.where)
    return {
        "article_id": article_id,
        "source_id": source_id,
        "title": title,
        "date": _parse_date(fields.get("date") or fields.get("published")),
        "source": _as_text(fields.get("source") or fields.get("outlet")),
        "url": _as_text(fields.get("url") or fields.get("link")),
        "path": f"{raw.path}:{line}" if raw.where else raw.path,
        "line": line,
        "text": body,
        "n_words": len(body.split()),
        "encoding_note": raw.encoding_note,
        "text_hash": hashlib.sha1(body.encode()).hexdigest(),
    }


def iter_articles(paths: Iterable[str | Path], *,
                  max_chars: int = 1_000_000) -> Iterator[dict | Rejection]:
    """Stream article rows and rejections from files and folders; ids are made unique."""
    files, rejected = discover_files(paths)
    yield from rejected
    ids = UniqueIds()
    seen_texts: dict[str, str] = {}
    for item in iter_raw_articles(files):
        if isinstance(item, Rejection):
            yield item
            continue
        row = normalise(item, max_chars=max_chars)
        if isinstance(row, Rejection):
            yield row
            continue
        if row["text_hash"] in seen_texts:
            yield Rejection(item.path, item.where,
                            f"duplicate of article '{seen_texts[row['text_hash']]}' (same text)")
            continue
        row["article_id"] = ids.claim(row["article_id"])
        seen_texts[row["text_hash"]] = row["article_id"]
        yield row


def read_articles(paths: Iterable[str | Path], *, max_chars: int = 1_000_000) -> Corpus:
    """Read files and folders into an articles table and a rejected table."""
    rows: list[dict] = []
    rejected: list[Rejection] = []
    for item in iter_articles(paths, max_chars=max_chars):
        (rejected if isinstance(item, Rejection) else rows).append(item)
    articles = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    articles["date"] = pd.to_datetime(articles["date"])
    articles["n_words"] = articles["n_words"].astype("int64")
    articles["line"] = articles["line"].astype("Int64")
    for column in ("source_id", "encoding_note"):
        articles[column] = articles[column].astype("object")
    return Corpus(articles, pd.DataFrame(rejected, columns=REJECTED_COLUMNS))
