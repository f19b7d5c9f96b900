"""Publish GenAI Lab to a Hugging Face Space (sdk: docker) with ``huggingface_hub``.

    python scripts/deploy_space.py --space USER/NAME --dry-run   # list what would go up; no network
    python scripts/deploy_space.py --space USER/NAME [--token hf_…]

Why not ``git push``: the Hub refuses pushed binaries that are not stored with Xet/LFS, and this
repository's history holds its checkpoints, data and pictures as plain git objects.
``HfApi.upload_folder`` stores large and binary files the Hub's way instead.

What goes up: the files of the commit at ``HEAD`` (``git ls-tree``: committed content only, never
uncommitted edits or a checkpoint a training run is writing), filtered by :data:`RULES` — the first
rule whose pattern matches a path decides; a path no rule matches is uploaded (new run-time files
must never go missing from the Space silently). Files already in the Space that are no longer in
the upload are deleted in the same commit (``.gitattributes`` always stays).

The dry run reads git only: it neither imports ``huggingface_hub`` nor looks for a token.
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (pattern, upload?, why), first match wins; ``fnmatch`` patterns, so ``*`` also crosses ``/``.
RULES: tuple[tuple[str, bool, str], ...] = (
    ("benchmarks/results/*.json", True, "measured numbers the app shows (dashboard.core.loaders.benchmark)"),
    ("benchmarks/*", False, "benchmark scripts and markdown tables; the app reads only results/*.json"),
    ("tests/*", False, "tests run in CI, not in the Space"),
    ("assets/candidates/*", False, "checkpoints still in training (resume only); the app never loads them"),
    ("scripts/*", False, "developer scripts (test runner, screenshots, budget table, this deploy script)"),
    (".ci/*", False, "CI entry point"),
    ("docs/screenshot.png", True, "the README's picture, shown on the Space's page"),
    ("docs/*", False, "documentation not needed at run time"),
    ("requirements-dev.txt", False, "test and benchmark requirements"),
    ("pyproject.toml", False, "lint and test configuration"),
    (".gitignore", False, "git only"),
)

#: The checkpoints a Space loads should stay small: a build downloads them on every restart.
WEIGHTS_BUDGET_MB = 100


@dataclass
class Plan:
    upload: list[tuple[str, int]] = field(default_factory=list)
    skip: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def upload_bytes(self) -> int:
        return sum(size for _, size in self.upload)

    @property
    def skip_bytes(self) -> int:
        return sum(size for _, size, _ in self.skip)

    @property
    def weights_bytes(self) -> int:
        return sum(size for path, size in self.upload if path.endswith(".safetensors"))


def decide(path: str) -> tuple[bool, str]:
    """(upload?, why) for one repository path."""
    for pattern, keep, why in RULES:
        if fnmatch.fnmatchcase(path, pattern):
            return keep, why
    return True, "run time"


def select(entries) -> Plan:
    """Split ``(path, size)`` pairs into what to upload and what to skip (with why). Pure."""
    plan = Plan()
    for path, size in sorted(entries):
        keep, why = decide(path)
        if keep:
            plan.upload.append((path, size))
        else:
            plan.skip.append((path, size, why))
    return plan


def check_front_matter(readme: str) -> list[str]:
    """Problems with the README's Space front matter (empty when it declares a docker Space on 8501)."""
    match = re.match(r"---\n(.*?)\n---\n", readme, re.S)
    if not match:
        return ["README.md has no front matter (--- … ---) at its top; the Space needs sdk: docker, app_port: 8501"]
    meta = dict(line.split(":", 1) for line in match.group(1).splitlines() if ":" in line)
    meta = {key.strip(): value.strip() for key, value in meta.items()}
    problems = []
    if meta.get("sdk") != "docker":
        problems.append(f"README front matter: sdk is {meta.get('sdk')!r}, the Space needs 'docker'")
    if meta.get("app_port") != "8501":
        problems.append(f"README front matter: app_port is {meta.get('app_port')!r}, the app listens on 8501")
    return problems


def _git(*args: str, root: Path = ROOT) -> bytes:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True).stdout


def tracked(root: Path = ROOT, rev: str = "HEAD") -> list[tuple[str, int]]:
    """``(path, size)`` of every file in commit ``rev`` (submodules and symlinks left out)."""
    entries = []
    for record in _git("ls-tree", "-r", "-l", "-z", rev, root=root).split(b"\0"):
        if not record:
            continue
        meta, path = record.decode("utf-8").split("\t", 1)
        mode, kind, _sha, size = meta.split()
        if kind == "blob" and mode != "120000":
            entries.append((path, int(size)))
    return entries


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def report(plan: Plan, space: str, commit: str, dirty: bool) -> str:
    lines = [f"Space {space}: files of commit {commit}"]
    if dirty:
        lines.append("note: the working tree has uncommitted changes; they are not uploaded (commit them first)")
    lines += [f"upload  {size:>11,d}  {path}" for path, size in plan.upload]
    lines += [f"skip    {size:>11,d}  {path}  ({why})" for path, size, why in plan.skip]
    lines.append(f"upload: {len(plan.upload)} files, {_mb(plan.upload_bytes)}; "
                 f"weights (*.safetensors) {_mb(plan.weights_bytes)} of the {WEIGHTS_BUDGET_MB} MB budget")
    lines.append(f"skip: {len(plan.skip)} files, {_mb(plan.skip_bytes)}")
    return "\n".join(lines)


def stage(plan: Plan, target: Path, root: Path = ROOT, rev: str = "HEAD") -> None:
    """Write the planned files of commit ``rev`` under ``target`` (``git archive``, not the work tree)."""
    wanted = {path for path, _ in plan.upload}
    archive = tarfile.open(fileobj=io.BytesIO(_git("archive", "--format=tar", rev, root=root)))
    members = [m for m in archive.getmembers() if m.isfile() and m.name in wanted]
    archive.extractall(target, members=members, filter="data")
    missing = wanted - {m.name for m in members}
    if missing:
        raise RuntimeError(f"git archive lacks {sorted(missing)}")


def upload(plan: Plan, space: str, token: str | None, commit: str) -> int:
    """Create the Space if needed and upload the plan; a clear message and exit code 2 on failure."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}:
        print("error: HF_HUB_OFFLINE is set, so nothing can be uploaded; unset it (or use --dry-run).",
              file=sys.stderr)
        return 2
    import huggingface_hub
    from huggingface_hub import HfApi

    token = token or huggingface_hub.get_token()
    if not token:
        print("error: no Hugging Face token: pass --token, set HF_TOKEN or run `hf auth login` "
              "(a token with write access).", file=sys.stderr)
        return 2
    api = HfApi(token=token)
    try:
        url = api.create_repo(space, repo_type="space", space_sdk="docker", exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="genai-lab-space-") as folder:
            stage(plan, Path(folder))
            api.upload_folder(repo_id=space, repo_type="space", folder_path=folder,
                              commit_message=f"Deploy GenAI Lab at {commit}", delete_patterns="*")
    except Exception as error:  # network, auth, a missing Space: say which and stop
        print(f"error: the upload to {space} failed ({type(error).__name__}): {error}", file=sys.stderr)
        return 2
    print(f"uploaded {len(plan.upload)} files to {url}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--space", required=True, help="the Space, USER/NAME")
    parser.add_argument("--dry-run", action="store_true", help="list what would be uploaded and skipped; no network")
    parser.add_argument("--token", help="a Hugging Face write token (default: $HF_TOKEN or the stored login)")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", args.space):
        parser.error(f"--space must look like USER/NAME, not {args.space!r}")

    commit = _git("rev-parse", "--short", "HEAD").decode().strip()
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no").strip())
    plan = select(tracked())
    problems = check_front_matter(_git("show", "HEAD:README.md").decode("utf-8"))
    if plan.weights_bytes > WEIGHTS_BUDGET_MB * 1_000_000:
        problems.append(f"the weights ({_mb(plan.weights_bytes)}) exceed the {WEIGHTS_BUDGET_MB} MB budget")
    print(report(plan, args.space, commit, dirty))
    if problems:
        print("\n".join(f"error: {p}" for p in problems), file=sys.stderr)
        return 1
    if args.dry_run:
        print("dry run: nothing uploaded")
        return 0
    return upload(plan, args.space, args.token, commit)


if __name__ == "__main__":
    sys.exit(main())
