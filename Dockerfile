# Hugging Face Space (sdk: docker, app_port: 8501) or any container host.
# Publish with `python scripts/deploy_space.py --space USER/NAME`; run locally with
# `docker build -t genai-lab . && docker run -p 8501:8501 genai-lab` (README, "Deploy").
FROM python:3.11-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-nanum \
    && rm -rf /var/lib/apt/lists/*
# Spaces run the container as user 1000.
RUN useradd -m -u 1000 user
USER user
# GENAI_LAB_HOSTED=1: the hosted caps on live training (README, "Serving a class").
# HF_HUB_OFFLINE=1: everything the app loads ships in assets/; the CMD turns it off only when the
# optional hub language model (GENAI_LAB_HUB_LM, a Space variable) is configured.
# Threads, for a free CPU Space (2 vCPUs): one torch/OpenMP/BLAS thread per call, and the serving
# gate's slots set outright, because the container's CPU affinity shows the host's cores, not the
# Space's 2 vCPUs: 2 heavy calls side by side, 1 live-training run.
# Streamlit, for the Space only (a laptop's `streamlit run app.py` keeps the defaults): the Space
# shows the app in an iframe on another domain, where browsers drop Streamlit's XSRF cookie and
# st.file_uploader fails (Hub docs, "Cookie limitations in Spaces"); and visitors see a generic
# error message, never a traceback (the traceback goes to the Space's log).
ENV PATH="/home/user/.local/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    GENAI_LAB_HOSTED=1 \
    HF_HUB_OFFLINE=1 \
    GENAI_LAB_TORCH_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    OPENBLAS_NUM_THREADS=1 \
    TOKENIZERS_PARALLELISM=false \
    GENAI_LAB_HEAVY_SLOTS=2 \
    GENAI_LAB_TRAINING_SLOTS=1 \
    STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION=false \
    STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none
WORKDIR /home/user/app
COPY --chown=user requirements.txt .
# torch alone from PyTorch's CPU index (the PyPI wheel for Linux pulls several GB of CUDA
# libraries), at requirements.txt's pin; then everything else from PyPI, torch already satisfied.
RUN pip install --no-cache-dir --user --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install --no-cache-dir --user -r requirements.txt
COPY --chown=user . .
EXPOSE 8501
# slim images have no curl: ask the health endpoint with Python.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=5)"]
CMD ["sh", "-c", "if [ -n \"$GENAI_LAB_HUB_LM\" ]; then export HF_HUB_OFFLINE=0; fi; exec streamlit run app.py --server.port 8501 --server.address 0.0.0.0"]
