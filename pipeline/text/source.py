"""The raw folder's entries as the pipeline reads them: safely, one at a time.

Anything can sit in the raw folder under a ``.txt`` name: a directory, a named pipe
(reading it would wait forever), a link to ``/dev/zero`` (endless) or to a file outside
the folder, a file too large to parse, one the process may not read, one whose name is
not UTF-8. Each such entry becomes an :class:`~pipeline.text.article.ArticleError` about
that one file, found before its content is read; the other articles load as usual.
"""

import hashlib
import os
import stat
from pathlib import Path

from pipeline import settings
from pipeline.text.article import ArticleError, decode_article

ARTICLE_PATTERN = "*.txt"
KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def article_paths(folder: Path) -> list[Path]:
    """Every entry of ``folder`` named like an article file, whatever its kind."""
    return sorted(folder.glob(ARTICLE_PATTERN))


def max_article_bytes() -> int:
    """The size limit of one article file (``ELECTIONS_MAX_ARTICLE_BYTES``)."""
    return int(settings.get("ELECTIONS_MAX_ARTICLE_BYTES"))


def shown_name(path: Path) -> str:
    """The entry's name as text: bytes that are not UTF-8 shown as ``\\xff`` escapes."""
    return os.fsencode(path.name).decode("utf-8", "backslashreplace")


def read_article_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the article file ``path`` of the raw folder ``path.parent``.

    Refused, with an :class:`ArticleError` naming the entry and before any byte is read:
    a name that is not UTF-8, a link leading out of the raw folder, anything but a
    regular file, a file of more than ``limit`` bytes, a file the process may not open.
    """
    name = shown_name(path)
    if name != path.name:  # undecodable bytes came through as surrogate escapes
        raise ArticleError(name, "the file name is not UTF-8 (rename the file)")
    try:
        target = path
        if os.path.islink(path):  # only a link can lead out of the folder
            target = path.resolve(strict=True)
            if not target.is_relative_to(path.parent.resolve()):
                raise ArticleError(
                    name, f"a symbolic link to {target}, outside the raw folder: not read"
                )
        kind = stat.S_IFMT(os.stat(target).st_mode)
        if kind != stat.S_IFREG:
            raise ArticleError(name, f"not a regular file but {KINDS.get(kind, 'a special file')}")
        # O_NONBLOCK: should a pipe replace the file after the check, opening it never waits.
        descriptor = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(descriptor, "rb") as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise ArticleError(name, "not a regular file (it was replaced while read)")
            # Its size and one byte more, not the limit's: a read of the limit makes a
            # buffer of that size first (20 MB by default), a fifth of the reading time.
            wanted = min(status.st_size, limit) + 1
            data = file.read(wanted)
            if len(data) == wanted <= limit:  # it grew meanwhile: up to the limit's byte
                data += file.read(limit + 1 - wanted)
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ArticleError(name, f"cannot be read: {reason}") from None
    if len(data) > limit:
        raise ArticleError(
            name,
            f"larger than {limit:,} bytes, the limit of one article (ELECTIONS_MAX_ARTICLE_BYTES)",
        )
    return data


def read_source(path: Path, limit: int | None = None) -> dict:
    """One entry of the raw folder as the pipeline tracks it: name, version (SHA-256 of
    the bytes), size, and the text, or why there is none (see :func:`read_article_bytes`
    and :func:`~pipeline.text.article.decode_article`). ``limit``: bytes, by default
    ``ELECTIONS_MAX_ARTICLE_BYTES``."""
    entry, data = _read_entry(path, limit)
    text = None
    if data is not None:
        try:
            text = decode_article(data, entry["file"])
        except ArticleError as error:
            entry["error"], entry["error_line"] = error.reason, error.line
    return {**entry, "text": text}


def read_version(path: Path, limit: int | None = None) -> dict:
    """One entry of the raw folder as a load tracks it before parsing: name, path,
    version (SHA-256 of the bytes), size and first line (its title, which names the
    article's state), or why it cannot be read (see :func:`read_article_bytes`).

    The text is not kept: it is read again where the article is parsed
    (:func:`read_source`), and only a text of this version is parsed. A load thus holds
    one group of articles' text at a time, not the corpus."""
    entry, data = _read_entry(path, limit)
    readable = data is not None  # then the file's name is UTF-8
    return {
        **entry,
        "path": str(path) if readable else None,
        "title": _first_line(data) if readable else None,
    }


def _read_entry(path: Path, limit: int | None) -> tuple[dict, bytes | None]:
    """Name, version, size and read error of an entry, and its bytes when readable."""
    entry = {
        "file": shown_name(path),
        "sha256": None,
        "bytes": 0,
        "error": None,
        "error_line": None,
    }
    try:
        data = read_article_bytes(path, max_article_bytes() if limit is None else limit)
    except ArticleError as error:
        entry["error"], entry["error_line"] = error.reason, error.line
        return entry, None
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    entry["bytes"] = len(data)
    return entry, data


def _first_line(data: bytes) -> str:
    """The first line of an article's bytes, as :func:`~pipeline.text.article.decode_article`
    makes it: up to the first line end of any convention (``\\n``, ``\\r\\n``, ``\\r``)."""
    return data.partition(b"\n")[0].partition(b"\r")[0].decode("utf-8-sig", "replace")
