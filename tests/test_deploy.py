"""The Hugging Face Space: what the deploy script uploads, the Dockerfile's settings, XSRF on a laptop."""

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import deploy_space

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions(text=DOCKERFILE):
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuation lines joined, comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [tuple(line.strip().split(None, 1)) for line in joined.splitlines() if line.strip()]


def dockerfile_env():
    env = {}
    for name, args in instructions():
        if name == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(args))
    return env


def clean_env(**extra):
    """The caller's environment without Streamlit, Hub and app settings, with a private HOME."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STREAMLIT_", "HF_", "GENAI_LAB_")) and k != "HUGGING_FACE_HUB_TOKEN"}
    return {**env, **extra}


# --- what goes up -------------------------------------------------------------------------------

def test_selection_keeps_the_run_time_and_skips_the_rest():
    entries = [("app.py", 10), ("pages/gan.py", 10), ("dashboard/core/i18n.py", 10), ("models/image/gan.py", 10),
               ("assets/checkpoints/gan/model.safetensors", 2_000_000), ("assets/data/t10k-images-idx3-ubyte.gz", 5),
               ("assets/candidates/diffusion/diffusion_pytorch_model.safetensors", 3_000_000),
               ("tests/test_repo.py", 10), ("tests/models/image/test_gan.py", 10), ("scripts/deploy_space.py", 10),
               ("benchmarks/results/zoo.json", 10), ("benchmarks/results/zoo.md", 10), ("benchmarks/zoo.py", 10),
               (".ci/run", 1), ("docs/screenshot.png", 10), ("requirements.txt", 1), ("requirements-dev.txt", 1),
               ("Dockerfile", 1), (".streamlit/config.toml", 1), ("README.md", 1), ("LICENSE", 1),
               ("a_new_module/thing.py", 1)]
    plan = deploy_space.select(entries)
    up = {path for path, _ in plan.upload}
    skipped = {path: why for path, _, why in plan.skip}
    assert up == {"app.py", "pages/gan.py", "dashboard/core/i18n.py", "models/image/gan.py",
                  "assets/checkpoints/gan/model.safetensors", "assets/data/t10k-images-idx3-ubyte.gz",
                  "benchmarks/results/zoo.json", "docs/screenshot.png", "requirements.txt", "Dockerfile",
                  ".streamlit/config.toml", "README.md", "LICENSE", "a_new_module/thing.py"}
    assert set(skipped) == {p for p, _ in entries} - up
    assert all(skipped.values())  # every skip says why
    assert plan.weights_bytes == 2_000_000
    assert plan.upload_bytes + plan.skip_bytes == sum(size for _, size in entries)


def test_front_matter_check():
    assert deploy_space.check_front_matter((ROOT / "README.md").read_text(encoding="utf-8")) == []
    assert deploy_space.check_front_matter("# GenAI Lab\n")
    assert deploy_space.check_front_matter("---\nsdk: streamlit\napp_port: 8501\n---\n")
    assert deploy_space.check_front_matter("---\nsdk: docker\n---\n")


def test_dry_run_lists_everything_offline_without_a_token(tmp_path):
    """The dry run of the real repository: no network, no token, huggingface_hub never imported."""
    code = ("import sys; sys.path.insert(0, 'scripts'); import deploy_space; "
            "rc = deploy_space.main(['--space', 'someone/genai-lab', '--dry-run']); "
            "assert 'huggingface_hub' not in sys.modules, 'dry run imported huggingface_hub'; sys.exit(rc)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env=clean_env(HF_HUB_OFFLINE="1", HOME=str(tmp_path)))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    uploads = {path: size for size, path in re.findall(r"^upload +([\d,]+)  (\S+)$", out, re.M)}
    skips = dict(re.findall(r"^skip +[\d,]+  (\S+)  \((.+)\)$", out, re.M))
    tracked = {path for path, _ in deploy_space.tracked()}
    assert set(uploads) | set(skips) == tracked and not set(uploads) & set(skips)
    for needed in ("app.py", "Dockerfile", "requirements.txt", "README.md", "LICENSE", ".streamlit/config.toml",
                   "assets/checkpoints/MANIFEST.json", "assets/checkpoints/gan/model.safetensors",
                   "assets/checkpoints/diffusion/diffusion_pytorch_model.safetensors",
                   "assets/data/t10k-images-idx3-ubyte.gz", "assets/i18n/ko.json", "benchmarks/results/zoo.json"):
        assert needed in uploads, needed
    assert any(p.startswith("pages/") for p in uploads) and any(p.startswith("models/") for p in uploads)
    assert any(p.startswith("dashboard/") for p in uploads)
    assert not any(p.startswith(("tests/", "assets/candidates/", ".ci/", "scripts/")) for p in uploads)
    assert "tests/test_repo.py" in skips  # and every tracked candidate checkpoint (there may be none)
    assert all(p in skips for p in tracked if p.startswith("assets/candidates/"))
    summary = re.search(r"^upload: (\d+) files, ([\d.]+) MB; weights \(\*\.safetensors\) ([\d.]+) MB of the "
                        r"100 MB budget$", out, re.M)
    assert summary and int(summary[1]) == len(uploads)
    assert float(summary[3]) < 100
    assert re.search(rf"^skip: {len(skips)} files, [\d.]+ MB$", out, re.M)
    assert "dry run: nothing uploaded" in out


def test_real_run_fails_fast_offline_or_without_a_token(tmp_path):
    """No hang and no traceback: a clear message and exit code 2."""
    script = [sys.executable, "scripts/deploy_space.py", "--space", "someone/genai-lab"]
    home = {"HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf")}
    offline = subprocess.run(script, cwd=ROOT, capture_output=True, text=True, timeout=60,
                             env=clean_env(HF_HUB_OFFLINE="1", **home))
    assert offline.returncode == 2 and "HF_HUB_OFFLINE" in offline.stderr, offline.stderr
    no_token = subprocess.run(script, cwd=ROOT, capture_output=True, text=True, timeout=60, env=clean_env(**home))
    assert no_token.returncode == 2 and "no Hugging Face token" in no_token.stderr, no_token.stderr
    assert "Traceback" not in offline.stderr + no_token.stderr


def test_a_real_run_uploads_the_plan_as_a_docker_space(monkeypatch, tmp_path):
    """create_repo + upload_folder with the Space's arguments, from a folder holding exactly HEAD's planned files."""
    calls = {}

    class FakeApi:
        def __init__(self, token):
            calls["token"] = token

        def create_repo(self, repo_id, **kwargs):
            calls["create"] = (repo_id, kwargs)
            return f"https://huggingface.co/spaces/{repo_id}"

        def upload_folder(self, **kwargs):
            folder = kwargs["folder_path"]
            calls["upload"] = kwargs
            calls["files"] = {p.relative_to(folder).as_posix(): p.read_bytes()
                              for p in sorted(Path(folder).rglob("*")) if p.is_file()}

    import huggingface_hub

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    plan = deploy_space.select([("app.py", 1), ("assets/checkpoints/MANIFEST.json", 1), ("tests/conftest.py", 1)])
    assert deploy_space.upload(plan, "someone/genai-lab", "hf_test", "abc1234") == 0
    assert calls["token"] == "hf_test"
    assert calls["create"] == ("someone/genai-lab", {"repo_type": "space", "space_sdk": "docker", "exist_ok": True})
    assert calls["upload"]["repo_id"] == "someone/genai-lab" and calls["upload"]["repo_type"] == "space"
    head = {path: subprocess.run(["git", "show", f"HEAD:{path}"], cwd=ROOT, capture_output=True, check=True).stdout
            for path in ("app.py", "assets/checkpoints/MANIFEST.json")}
    assert calls["files"] == head  # committed content, nothing else


def test_readme_says_how_to_deploy_and_run_the_container():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    assert any("python scripts/deploy_space.py --space USER/NAME --dry-run" in b for b in blocks)
    assert "docker build -t genai-lab . && docker run -p 8501:8501 genai-lab" in [b.strip() for b in blocks]
    assert blocks.index(next(b for b in blocks if "deploy_space" in b)) > 1  # not part of the two set-up commands


# --- the Dockerfile -----------------------------------------------------------------------------

def test_dockerfile_space_settings():
    env = dockerfile_env()
    assert env["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "false"  # the Space's iframe drops the cookie
    assert env["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] == "none"  # no tracebacks for visitors
    assert env["GENAI_LAB_HOSTED"] == "1"
    assert env["HF_HUB_OFFLINE"] == "1"
    # a free CPU Space: 2 vCPUs, one thread per call
    assert env["GENAI_LAB_TORCH_THREADS"] == "1" and env["OMP_NUM_THREADS"] == "1"
    assert int(env["GENAI_LAB_HEAVY_SLOTS"]) == 2 and int(env["GENAI_LAB_TRAINING_SLOTS"]) == 1
    names = [name for name, _ in instructions()]
    assert names[0] == "FROM" and "python:3.11-slim" in instructions()[0][1]
    users = [args for name, args in instructions() if name == "USER"]
    assert users and users[-1] in {"1000", "user"}
    assert re.search(r"useradd .*-u 1000 user", DOCKERFILE)


def test_dockerfile_streamlit_values_are_valid_options():
    """Every STREAMLIT_* variable names a real option of the installed streamlit, with an allowed value."""
    from streamlit import config

    options = config.get_config_options()
    env_vars = {option.env_var for option in options.values()}
    for name in dockerfile_env():
        if name.startswith("STREAMLIT_"):
            assert name in env_vars, name
    assert dockerfile_env()["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] in {o.value for o in
                                                                       config.ShowErrorDetailsConfigOptions}


def test_dockerfile_installs_torch_alone_from_the_cpu_index():
    runs = " ".join(args for name, args in instructions() if name == "RUN")
    pin = next(line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
               if line.startswith("torch=="))
    torch_install = re.search(r"pip install [^&]*--index-url https://download\.pytorch\.org/whl/cpu[^&]*", runs)
    assert torch_install and torch_install[0].split()[-1] == pin, runs  # torch and nothing else, at the pin
    assert "--extra-index-url" not in DOCKERFILE
    assert re.search(r"pip install [^&]*-r requirements\.txt", runs)
    assert runs.index("whl/cpu") < runs.index("-r requirements.txt")


def test_dockerfile_healthcheck_and_cmd():
    health = [args for name, args in instructions() if name == "HEALTHCHECK"]
    assert len(health) == 1
    assert "http://127.0.0.1:8501/_stcore/health" in health[0] and "curl" not in health[0]
    cmd = json.loads(next(args for name, args in instructions() if name == "CMD"))
    assert cmd[:2] == ["sh", "-c"]
    assert re.search(r"exec streamlit run app\.py --server\.port 8501 --server\.address 0\.0\.0\.0$", cmd[2])
    assert [args for name, args in instructions() if name == "EXPOSE"] == ["8501"]


@pytest.mark.parametrize(("hub_lm", "offline"), [("", "1"), ("gpt2", "0")])
def test_cmd_turns_the_hub_on_only_for_the_hub_model(hub_lm, offline):
    cmd = json.loads(next(args for name, args in instructions() if name == "CMD"))
    probe = cmd[2].split("exec ")[0] + 'printf %s "$HF_HUB_OFFLINE"'
    out = subprocess.run(["sh", "-c", probe], capture_output=True, text=True, timeout=10,
                         env=clean_env(HF_HUB_OFFLINE="1", GENAI_LAB_HUB_LM=hub_lm)).stdout
    assert out == offline


# --- XSRF: off in the Space only ----------------------------------------------------------------

def resolved(option, tmp_path, **env):
    """``option``'s value as ``streamlit run`` from the repository root resolves it: defaults, then
    .streamlit/config.toml, then STREAMLIT_* variables (streamlit 1.67 reads most of those through its
    command line, not ``streamlit.config.get_config_options``, so ask the command line)."""
    run = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env=clean_env(HOME=str(tmp_path), **env))
    assert run.returncode == 0, run.stderr
    section, name = option.split(".")
    body = run.stdout.split(f"\n[{section}]\n", 1)[1].split("\n[", 1)[0]
    return re.search(rf"^(?:# )?{name} = (.*)$", body, re.M)[1]


def test_a_plain_run_keeps_xsrf_protection(tmp_path):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config.get("server", {}).get("enableXsrfProtection", True) is True
    assert resolved("server.enableXsrfProtection", tmp_path) == "true"
    assert resolved("server.fileWatcherType", tmp_path) == '"none"'  # the project's config.toml was read
    assert resolved("server.enableXsrfProtection", tmp_path, STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION="false") == \
        "false"
    space = {k: v for k, v in dockerfile_env().items() if k.startswith("STREAMLIT_")}
    assert resolved("server.enableXsrfProtection", tmp_path, **space) == "false"
    assert resolved("client.showErrorDetails", tmp_path, **space) == '"none"'
    assert resolved("client.showErrorDetails", tmp_path) == '"full"'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_with_the_space_settings_answers_its_healthcheck(tmp_path):
    """streamlit run with the Dockerfile's ENV starts; the HEALTHCHECK command itself gets "ok"."""
    port = free_port()
    env = clean_env(HOME=str(tmp_path), **{k: v.replace("$PATH", os.environ["PATH"])
                                            for k, v in dockerfile_env().items()})
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/_stcore/health"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.read() == b"ok"
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "no health answer in 60 s"
                time.sleep(0.5)
        health = next(args for name, args in instructions() if name == "HEALTHCHECK")
        check = json.loads(health[health.index("CMD") + 3:].strip())
        check = [part.replace(":8501/", f":{port}/") for part in check]
        check[0] = sys.executable if check[0] == "python" else check[0]
        assert subprocess.run(check, timeout=15).returncode == 0
    finally:
        server.terminate()
        server.wait(timeout=15)
