"""sha256 manifests that fail closed, and file paths fit to show a user.

A manifest is a JSON object mapping file paths (relative to the manifest's directory, POSIX
separators) to the lowercase hex sha256 of each file. :func:`read_manifest` refuses a manifest
that is missing, is not JSON or is not such an object; :func:`check_files` refuses a set of files
with no entries, a file that is not listed, a listed file that is missing and a sha256 mismatch.
Both raise :class:`ManifestProblem`, whose message the caller completes with what to do
(retrain a model, restore the data) and turns into its own error type.

Messages never show absolute server paths: :func:`shown` writes a path relative to the project
(``assets/checkpoints/gan/model.safetensors``), or relative to the directory an environment
variable names (``$GENAI_LAB_CHECKPOINT_DIR/gan/model.safetensors``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
HEX64 = re.compile(r"[0-9a-f]{64}")


class ManifestProblem(ValueError):
    """A manifest or the files it covers do not check out; the message says which file and why."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shown(path: str | os.PathLike, env: str | None = None, base: str | os.PathLike | None = None) -> str:
    """``path`` as a user may see it: relative to the project, else to ``base`` (the directory
    ``$env`` names, written ``$ENV/...``), else only its name."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(ROOT).as_posix() or "."
    except ValueError:
        pass
    if env and base is not None:
        try:
            rel = path.relative_to(os.path.abspath(base)).as_posix()
            return f"${env}" if rel == "." else f"${env}/{rel}"
        except ValueError:
            pass
    return path.name


def scrub(text: str, env: str | None = None, base: str | os.PathLike | None = None) -> str:
    """``text`` (e.g. a library's error message) with absolute paths of the project and of ``base`` shortened."""
    if env and base is not None:
        absolute = os.path.abspath(base)
        if not Path(absolute).is_relative_to(ROOT):
            text = text.replace(absolute, f"${env}")
    return text.replace(str(ROOT) + os.sep, "").replace(str(ROOT), ".")


def read_manifest(path: Path) -> dict[str, str]:
    """The manifest at ``path``; :class:`ManifestProblem` unless it is a JSON object of str → sha256 hex.

    Only the structure is checked here; an entry whose value is not a sha256 is refused by
    :func:`check_files` for the files it covers (so one bad entry only affects its own files).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestProblem("is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestProblem(f"is unreadable ({type(exc).__name__})") from None
    try:
        entries = json.loads(text)
    except ValueError as exc:
        raise ManifestProblem(f"is not valid JSON ({exc})") from None
    if not isinstance(entries, dict):
        raise ManifestProblem(f"is not a JSON object of file → sha256 (found a {type(entries).__name__})")
    return entries


def valid_entry(rel: object, digest: object) -> bool:
    """A relative POSIX path without ``..`` mapped to 64 lowercase hex digits."""
    if not isinstance(rel, str) or not isinstance(digest, str) or not HEX64.fullmatch(digest):
        return False
    parts = PurePosixPath(rel).parts
    return bool(parts) and not rel.startswith("/") and "\\" not in rel and ".." not in parts and "." not in parts


def files_below(directory: Path, root: Path) -> set[str]:
    """Every file below ``directory`` as a POSIX path relative to ``root``."""
    return {p.relative_to(root).as_posix() for p in directory.rglob("*") if p.is_file()}


def check_files(manifest: dict, root: Path, present: set[str], prefix: str = "",
                show=lambda rel: rel) -> None:
    """Check the files ``present`` (relative to ``root``) whose paths start with ``prefix`` against
    ``manifest``; raises :class:`ManifestProblem` naming the first file that does not check out."""
    entries = {rel: digest for rel, digest in manifest.items() if isinstance(rel, str) and rel.startswith(prefix)}
    if not entries:
        raise ManifestProblem("has no entries for these files")
    for rel, digest in sorted(entries.items()):
        if not valid_entry(rel, digest):
            raise ManifestProblem(f"has an invalid entry for {show(rel)} (not a relative path → sha256 hex)")
    present = {rel for rel in present if rel.startswith(prefix)}
    for rel in sorted(present - entries.keys()):
        raise ManifestProblem(f"does not list {show(rel)} (a file it does not vouch for)")
    for rel in sorted(entries.keys() - present):
        raise ManifestProblem(f"lists {show(rel)}, which is missing")
    for rel in sorted(entries):
        try:
            actual = sha256(root / rel)
        except OSError as exc:
            raise ManifestProblem(f"covers {show(rel)}, which is unreadable ({type(exc).__name__})") from None
        if actual != entries[rel]:
            raise ManifestProblem(f"does not match {show(rel)} (sha256 differs: corrupt or edited)")


MANIFEST = "MANIFEST.json"


def tree_entries(root: Path) -> dict[str, str]:
    """The sha256 of every file below ``root`` (hidden paths and the manifest itself excepted)."""
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST and not p.relative_to(root).as_posix().startswith(".")}


def write_entries(root: Path, entries: dict[str, str]) -> None:
    """Write ``root/MANIFEST.json`` atomically (a reader never sees half a manifest)."""
    tmp = root / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, root / MANIFEST)


def write_tree_manifest(root: Path) -> dict[str, str]:
    """Vouch for every file below ``root`` now (after rebuilding shipped files one trusts)."""
    entries = tree_entries(root)
    write_entries(root, entries)
    return entries


def verify_below(root: Path, rel: str) -> None:
    """Check the file ``rel`` (or, ending in ``/``, every file in that folder) below ``root`` against
    ``root/MANIFEST.json``; :class:`ManifestProblem` when it does not check out (fails closed)."""
    manifest = read_manifest(root / MANIFEST)
    target = root / rel.rstrip("/")
    present = files_below(target, root) if target.is_dir() else {rel} if target.is_file() else set()
    check_files(manifest, root, present, prefix=rel, show=lambda r: shown(root / r))
