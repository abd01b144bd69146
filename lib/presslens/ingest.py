"""Read articles from files (txt, md, html, json, jsonl, csv) into one articles table.

Every input is accounted for: each record becomes an article or a row of the rejected table
with the file, the line or row, and the reason.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import yaml

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".csv")
ARTICLE_COLUMNS = [
    "article_id", "title", "date", "source", "url", "path", "text", "n_words", "text_hash",
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


class IngestError(ValueError):
    """A problem with the user's input that they can fix; the message names the file."""


def slugify(value: str, *, max_len: int = 80) -> str:
    """Lower-case ASCII slug: letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "article"


def discover_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Rejection]]:
    """Expand folders (recursively) into input files, sorted; unusable paths become rejections."""
    files: list[Path] = []
    rejected: list[Rejection] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            rejected.append(Rejection(str(path), "", "no such file or folder: check the path"))
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                files.append(child)
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


def read_text_file(path: Path) -> str:
    """Decode a file as UTF-8 (BOM allowed), falling back to Windows-1252 for legacy exports."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split a leading YAML block between '---' lines from the body."""
    match = re.match(r"\A---\s*\n(.*?)\n---\s*\n?", text, re.DOTALL)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
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
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = STAGE_DIRECTION.sub("", text)
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

    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        favor_precision=True, deduplicate=True,
    )
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
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as error:
            yield f"line {number}", IngestError(f"not valid JSON ({error.msg}, column {error.colno})")


def _records_from_csv(text: str) -> Iterator[tuple[str, object]]:
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
            text = read_text_file(file)
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
                                                             for k, v in record.items()})
            elif suffix in (".html", ".htm"):
                yield RawArticle(str(file), "", {**html_to_fields(text), "_html": True})
            else:
                meta, body = split_front_matter(text)
                if suffix in (".md", ".markdown"):
                    body = strip_markdown(body)
                yield RawArticle(str(file), "", {**meta, "text": body})
        except (IngestError, json.JSONDecodeError, csv.Error, OSError) as error:
            message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            yield Rejection(str(file), "", f"cannot read: {message}")


def _as_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _parse_date(value: object) -> pd.Timestamp | None:
    text = _as_text(value)
    if text is None:
        return None
    stamp = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    return None if pd.isna(stamp) else stamp.tz_convert(None).normalize()


def normalise(raw: RawArticle, *, max_chars: int = 1_000_000) -> dict | Rejection:
    """Turn a raw record into an article row, or say why it cannot be used."""
    fields = raw.fields
    text = _as_text(fields.get("text") or fields.get("body") or fields.get("content"))
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
    given_id = _as_text(fields.get("id") or fields.get("article_id"))
    if given_id:
        article_id = slugify(given_id)
    elif raw.where:
        article_id = f"{slugify(path.stem)}-{slugify(raw.where)}"
    else:
        article_id = slugify(path.stem)
    return {
        "article_id": article_id,
        "title": title,
        "date": _parse_date(fields.get("date") or fields.get("published")),
        "source": _as_text(fields.get("source") or fields.get("outlet")),
        "url": _as_text(fields.get("url") or fields.get("link")),
        "path": f"{raw.path}:{raw.where.split()[-1]}" if raw.where else raw.path,
        "text": body,
        "n_words": len(body.split()),
        "text_hash": hashlib.sha1(body.encode()).hexdigest(),
    }


def iter_articles(paths: Iterable[str | Path], *,
                  max_chars: int = 1_000_000) -> Iterator[dict | Rejection]:
    """Stream article rows and rejections from files and folders; ids are made unique."""
    files, rejected = discover_files(paths)
    yield from rejected
    seen_ids: dict[str, int] = {}
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
        base = row["article_id"]
        if base in seen_ids:
            seen_ids[base] += 1
            row["article_id"] = f"{base}-{seen_ids[base]}"
        seen_ids.setdefault(row["article_id"], 1)
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
    return Corpus(articles, pd.DataFrame(rejected, columns=REJECTED_COLUMNS))
