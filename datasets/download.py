"""Cached, resumable, checksum-verified downloads with urllib only (no requests, no torch).

A classroom may be offline or behind a slow link: files go to a `.part` file that is
resumed with an HTTP Range request, are verified, then renamed into the cache
atomically, and a network failure becomes an OfflineError whose message tells the
student what to do instead.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from urllib.parse import urlparse

from .base import DatasetError, OfflineError, ProgressFn

CHUNK = 1 << 16
USER_AGENT = "nn-playground/1.0 (+urllib)"
# What a dropped or unreachable connection looks like (URLError, timeouts and
# ConnectionError are all OSError subclasses; IncompleteRead is not).
NETWORK_ERRORS = (OSError, http.client.HTTPException)


@dataclass(frozen=True)
class Checksum:
    """Expected digest of a file; the algorithm is a field because MNIST only publishes MD5."""

    algorithm: str   # any hashlib name: "sha256", "md5"
    hexdigest: str


def default_cache_dir() -> Path:
    """Where downloads live: $NNPG_DATA_DIR if set (shared lab machines), else ~/.cache/nn-playground."""
    env = os.environ.get("NNPG_DATA_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "nn-playground"


def file_digest(path: Path, algorithm: str) -> str:
    """Hex digest of a file, read in chunks so a 30 MB archive does not sit in memory twice."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _matches(path: Path, checksum: Checksum | None) -> bool:
    return checksum is None or file_digest(path, checksum.algorithm) == checksum.hexdigest.lower()


class _ServerError(Exception):
    """The server answered, but not with the file (HTTP 404, 500, ...): not an offline problem."""


def _write_error(part: Path, exc: OSError) -> DatasetError:
    """A full disk or read-only cache is not a network problem: say so plainly."""
    return DatasetError(f"Cannot write the download to {part}: {exc}. "
                        "Free some disk space or set NNPG_DATA_DIR to a writable folder.")


def _download(url: str, part: Path, timeout: float, progress: ProgressFn | None) -> None:
    """Stream url into `part`, resuming from its current size when the server honours Range.

    Network problems propagate as OSError/HTTPException; write problems as DatasetError.
    """
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:          # the .part is unusable (e.g. already full): start over
            part.unlink(missing_ok=True)
            return _download(url, part, timeout, progress)
        raise _ServerError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    with response:
        headers = response.headers or {}
        status = getattr(response, "status", None) or response.getcode()
        content_range = headers.get("Content-Range")
        resumed = bool(have) and status == 206 and (
            content_range is None or content_range.startswith(f"bytes {have}-"))
        if have and status == 206 and not resumed:   # a partial answer at the wrong offset: restart
            part.unlink(missing_ok=True)
            response.close()
            return _download(url, part, timeout, progress)
        if not resumed:
            have = 0                          # server (or file://) ignored Range: full download
        length = headers.get("Content-Length")
        total = have + int(length) if length and length.isdigit() else None
        done = have
        if progress:
            progress(done, total)
        try:
            out = open(part, "ab" if resumed else "wb")
        except OSError as exc:
            raise _write_error(part, exc) from exc
        with out:
            while True:
                block = response.read(CHUNK)
                if not block:
                    break
                try:
                    out.write(block)
                except OSError as exc:
                    raise _write_error(part, exc) from exc
                done += len(block)
                if progress:
                    progress(done, total)


def _offline_message(label: str, url: str, cache_dir: Path) -> str:
    host = urlparse(url).netloc or url
    return (f"Could not download {label} from {host}: you appear to be offline. "
            f"Use an offline dataset such as 'digits' or 'shapes', or place the files in {cache_dir}.")


def fetch(url: str, dest: Path, *, sha256: str | None = None, progress: ProgressFn | None = None,
          timeout: float = 30, mirrors: Sequence[str] = (), checksum: Checksum | None = None,
          label: str | None = None) -> Path:
    """Return `dest`, downloading it first unless a verified copy is already cached.

    `url` is tried first, then each of `mirrors`. Verification uses `sha256`, or a
    `checksum` with another algorithm (not both). A checksum mismatch deletes the file
    and raises DatasetError; when every URL fails for network reasons an OfflineError
    with a student-friendly message is raised. `label` names the file in messages.
    """
    if sha256 is not None and checksum is not None:
        raise DatasetError("fetch: pass either sha256 or checksum, not both.")
    if sha256 is not None:
        checksum = Checksum("sha256", sha256)
    dest = Path(dest)
    label = label or dest.name
    if dest.exists() and _matches(dest, checksum):
        return dest                           # cached and verified: no network at all
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(f"Cannot create the data folder {dest.parent}: {exc}") from exc
    part = dest.with_name(dest.name + ".part")

    network_errors: list[str] = []
    server_errors: list[str] = []
    corrupted = False
    for candidate in (url, *mirrors):
        try:
            _download(candidate, part, timeout, progress)
        except _ServerError as exc:
            server_errors.append(str(exc))
            continue
        except NETWORK_ERRORS as exc:      # the .part is kept so the next attempt resumes
            network_errors.append(f"{candidate}: {exc}")
            continue
        if not _matches(part, checksum):
            part.unlink(missing_ok=True)
            corrupted = True
            continue
        os.replace(part, dest)                # atomic: readers never see a half-written file
        return dest

    if corrupted:
        raise DatasetError(f"The downloaded file {label} was corrupted (its checksum does not match) "
                           "and has been deleted. Please try again.")
    if not server_errors:
        raise OfflineError(_offline_message(label, url, dest.parent))
    raise DatasetError(f"Could not download {label}: " + "; ".join(server_errors + network_errors))
