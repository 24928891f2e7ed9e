"""A learner's assignment draft, read into numbered paragraphs (``cmirev check``).

A draft is Markdown or plain text (each line a paragraph; ``#`` headings in Markdown, short
title-like lines in plain text) or a Word ``.docx`` (each paragraph numbered in document order,
headings from Word's Heading and Title styles). The draft is read in memory and never stored.

Sections follow the headings: the reference list ("References", "Reference list",
"Bibliography") and appendices are not body text, as centres count words; the conclusion
("Conclusion", "Summary", "Final thoughts") is known so that new material in it can be found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cmirev.errors import CmirevError

SUPPORTED = (".md", ".markdown", ".txt", ".docx")
REFERENCES = re.compile(
    r"^\s*(references?|reference list|bibliography|works cited|sources)\b", re.I
)
APPENDIX = re.compile(r"^\s*(appendix|appendices)\b", re.I)
CONCLUSION = re.compile(
    r"^\s*(?:\d+[.)]?\s*)?(?:conclusions?|summary|final thoughts|concluding (?:remarks|thoughts)|"
    r"in conclusion)\s*$",
    re.I,
)
WORD = re.compile(r"[A-Za-z0-9£$€%][A-Za-z0-9'’%.,£-]*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[A-Z0-9\"“‘(£])")
_MARKUP = re.compile(r"[*_`>]+|\[([^\]]*)\]\([^)]*\)")


class DraftError(CmirevError):
    """A draft that cannot be read: the message says why."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its number (the line in a text file), its text, and whether it is a
    heading (with its level, 1 for a title)."""

    line: int
    text: str
    heading: bool = False
    level: int = 0

    def sentences(self) -> list[str]:
        return [s.strip() for s in SENTENCE_END.split(self.text) if s.strip()]


@dataclass
class Section:
    """A heading (None before the first) and the paragraphs under it."""

    heading: Paragraph | None
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.heading.text if self.heading else ""

    @property
    def kind(self) -> str:
        if REFERENCES.match(self.title):
            return "references"
        if APPENDIX.match(self.title):
            return "appendix"
        if CONCLUSION.match(self.title):
            return "conclusion"
        return "body"


@dataclass
class Draft:
    path: Path
    paragraphs: list[Paragraph]

    def sections(self) -> list[Section]:
        """Top-level sections: a heading opens one; a deeper heading inside the reference
        list or an appendix stays in it."""
        found = [Section(None)]
        for para in self.paragraphs:
            if para.heading and not (
                found[-1].kind in ("references", "appendix")
                and found[-1].heading is not None
                and para.level > found[-1].heading.level
            ):
                found.append(Section(para))
            else:
                found[-1].paragraphs.append(para)
        return [s for s in found if s.heading is not None or s.paragraphs]

    def body(self) -> list[Paragraph]:
        """Paragraphs that count toward the length: no headings, references or appendices."""
        return [
            p
            for s in self.sections()
            if s.kind in ("body", "conclusion")
            for p in s.paragraphs
            if not p.heading
        ]

    def under(self, heading: Paragraph) -> list[Paragraph]:
        """The paragraphs under a heading, its sub-headings' included, up to the next heading
        of the same or a higher level."""
        found = []
        started = False
        for para in self.paragraphs:
            if para is heading:
                started = True
                continue
            if started:
                if para.heading and para.level <= heading.level:
                    break
                if not para.heading:
                    found.append(para)
        return found

    def section_of(self, kind: str) -> list[Paragraph]:
        return [p for s in self.sections() if s.kind == kind for p in s.paragraphs if not p.heading]

    def sentences(self) -> Iterator[tuple[Paragraph, str]]:
        """Every body sentence with its paragraph."""
        for para in self.body():
            for sentence in para.sentences():
                yield para, sentence


def words(text: str) -> int:
    """Words as a word processor counts them, markup aside."""
    return len(WORD.findall(_MARKUP.sub(r"\1", text)))


def read(path: Path) -> Draft:
    """Read a draft; a DraftError (one line) when it cannot be."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DraftError(
            f"{path}: a draft must be .md, .txt or .docx, not '{suffix or 'no suffix'}'"
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DraftError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DraftError(f"{path}: is a folder, not a draft") from None
    except OSError as exc:
        raise DraftError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    if not data.strip():
        raise DraftError(f"{path}: the draft is empty")
    paragraphs = _docx(path, data) if suffix == ".docx" else _text(path, data, suffix)
    if not any(p.text.strip() for p in paragraphs):
        raise DraftError(f"{path}: the draft has no text")
    return Draft(path, paragraphs)


def _text(path: Path, data: bytes, suffix: str) -> list[Paragraph]:
    if b"\x00" in data[:4096] or data.startswith(b"PK\x03\x04"):
        raise DraftError(f"{path}: this is a binary file, not text (a .docx must be named .docx)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DraftError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 or as .docx"
        ) from None
    lines = text.splitlines()
    paragraphs = []
    markdown = suffix != ".txt"
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            continue
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*$", stripped) if markdown else None
        if heading:
            paragraphs.append(Paragraph(number, heading.group(2), True, len(heading.group(1))))
        elif not markdown and _looks_like_title(stripped, lines, number):
            paragraphs.append(Paragraph(number, stripped, True, 2))
        else:
            paragraphs.append(Paragraph(number, stripped))
    return paragraphs


def _looks_like_title(line: str, lines: list[str], number: int) -> bool:
    """A plain-text heading: short, no closing full stop, and followed by a paragraph."""
    following = lines[number] if number < len(lines) else ""
    return (
        len(line.split()) <= 10
        and not line.endswith((".", ",", ";", ":", "?", "!", ")"))
        and (not following.strip() or len(following.split()) > len(line.split()))
        and number < len(lines)
    )


def _docx(path: Path, data: bytes) -> list[Paragraph]:
    import io
    import zipfile

    if not data.startswith(b"PK"):
        what = (
            "encrypted (password-protected)" if data.startswith(b"\xd0\xcf\x11\xe0") else "damaged"
        )
        raise DraftError(f"{path}: cannot open this .docx: it is {what}; save an unprotected copy")
    try:
        import docx
    except ImportError:  # pragma: no cover - a dependency of cmirev
        raise DraftError("reading .docx needs python-docx: pip install python-docx") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DraftError(f"{path}: cannot open this .docx: it is damaged ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - python-docx raises its own errors for bad packages
        raise DraftError(f"{path}: cannot open this .docx: {type(exc).__name__}") from None
    paragraphs = []
    for number, para in enumerate(document.paragraphs, 1):
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = _heading_level(style)
        paragraphs.append(Paragraph(number, text, level > 0, level))
    return paragraphs


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    match = re.match(r"Heading (\d)", style)
    return int(match.group(1)) if match else 0
