"""Project rules that keep the layering and the set-up honest."""

import ast
import re
import tomllib

from tests.conftest import ROOT


def imported_names(path):
    """Every module an import in ``path`` names, ``from models import image`` giving ``models.image`` too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.relative_to(ROOT)}: relative import"
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)


def python_files(folder):
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def test_models_top_level_keeps_only_the_cli_and_the_registry():
    top = {p.name for p in (ROOT / "models").iterdir() if p.name != "__pycache__"}
    packages = {p.name for p in (ROOT / "models").iterdir() if (p / "__init__.py").is_file()}
    assert top - packages == {"__init__.py", "__main__.py", "registry.py"}


def test_models_never_import_streamlit_dashboard_pages_or_benchmarks():
    offenders = {str(p.relative_to(ROOT)): m for p in python_files("models") for m in imported_names(p)
                 if m.split(".")[0] in {"streamlit", "dashboard", "pages", "benchmarks"}}
    assert offenders == {}


def test_core_is_the_bottom_layer():
    """models/core imports no other topic package of models/ (nor the registry or the CLI above them)."""
    offenders = {str(p.relative_to(ROOT)): m for p in python_files("models/core") for m in imported_names(p)
                 if m.startswith("models.") and m.split(".")[1] != "core"}
    assert offenders == {}


def test_every_models_path_written_in_code_exists():
    """Module paths in code text too (a subprocess's ``-c`` program, a lazy import) name a real module."""
    written = re.compile(r"\b(?:from\s+(models(?:\.\w+)*)\s+import\s+(\w+)|import\s+(models(?:\.\w+)+))")
    missing = []
    for folder in ("models", "dashboard", "pages", "benchmarks", "scripts", "tests"):
        for path in python_files(folder):
            for package, name, module in written.findall(path.read_text(encoding="utf-8")):
                base = ROOT / (package or module).replace(".", "/")
                if not (base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()):
                    missing.append(f"{path.relative_to(ROOT)}: {package or module}")
                elif name and base.is_dir() and not (
                        (base / f"{name}.py").is_file() or (base / name / "__init__.py").is_file()):
                    missing.append(f"{path.relative_to(ROOT)}: {package}.{name}")
    assert missing == []


def test_pages_do_no_tensor_work():
    for page in (ROOT / "pages").glob("*.py"):
        mods = set(imported_names(page))
        assert not {"torch", "diffusers", "transformers"} & {m.split(".")[0] for m in mods}, page.name
        assert len(page.read_text(encoding="utf-8").splitlines()) <= 250, page.name


def test_every_page_is_in_the_navigation_with_a_url_path():
    """The page table (``dashboard/core/navigation.py``) that app.py builds its menu from lists every
    page file once, each section's pages together, one default page. url_path must equal the file's
    stem: on a fresh server Streamlit first resolves a deep link the legacy way, by file name, and
    shows "Page not found" for any other path."""
    from dashboard.core import navigation, url_state
    from dashboard.core.i18n import strings

    rows = navigation.PAGES
    assert sorted(p.file for p in rows) == sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    assert all(p.url_path == p.stem for p in rows)
    assert [p.stem for p in rows if p.default] == ["overview"]
    assert [p for rows_ in navigation.sections().values() for p in rows_] == list(rows)  # no section split up
    assert sorted(url_state.PAGES) == sorted(p.stem for p in rows)
    for lang in ("en", "ko"):
        assert {p.title for p in rows} | {p.section for p in rows} <= set(strings(lang)), lang
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "navigation.sections()" in app and "st.Page(" in app


def _imports_of(folder: str, allowed: tuple[str, ...] = ()):
    """(path, top-level packages it imports) per module under ``folder``, ignoring the ``allowed`` modules."""
    for path in python_files(folder):
        mods = [m for m in imported_names(path) if not any(m == a or m.startswith(a + ".") for a in allowed)]
        yield path.relative_to(ROOT).as_posix(), {m.split(".")[0] for m in mods}


def test_benchmarks_import_models_only():
    """Benchmarks drive the app through a browser or its wire protocol, never by importing its Streamlit
    side: the protocol's message classes (``streamlit.proto``, the simulated students of
    ``benchmarks/load.py``) are the only part of Streamlit a benchmark may import."""
    offenders = [p for p, tops in _imports_of("benchmarks", allowed=("streamlit.proto",))
                 if tops & {"dashboard", "streamlit", "pages"}]
    assert offenders == []


def test_dashboard_never_imports_pages_or_benchmarks():
    """pages -> dashboard -> models (the models side: the test above)."""
    assert [p for p, tops in _imports_of("dashboard") if tops & {"pages", "benchmarks"}] == []


def test_streamlit_config():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    # a phone photo fits (the app downscales it), and the upload cap is what models.image.image_input allows
    from models.image import image_input

    assert 12 <= config["server"]["maxUploadSize"] == image_input.MAX_BYTES // 2**20 <= 32
    # WebSocket messages are capped far below Streamlit's 200 MB, yet above the upload cap
    assert config["server"]["maxUploadSize"] < config["server"]["maxMessageSize"] <= 64
    assert config["browser"]["gatherUsageStats"] is False
    # no 240 ms full garbage collection holding the GIL after every script run of every student
    assert config["runner"]["postScriptGC"] is False


def test_torch_is_pinned_and_everything_else_bounded():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    reqs = [line for line in lines if line]
    assert "torch==2.13.0" in reqs
    for req in reqs:
        assert "==" in req or ("<" in req and ">=" in req), req


def test_readme_commands_and_ci_agree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    assert blocks[0].strip() == "pip install -r requirements.txt && streamlit run app.py"
    assert blocks[1].strip() == "./scripts/test.sh"
    assert "exec ./scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
