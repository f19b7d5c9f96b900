# Hugging Face Space (sdk: docker, app_port: 8501) or any container host.
FROM python:3.11-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-nanum \
    && rm -rf /var/lib/apt/lists/*
RUN useradd -m -u 1000 user
USER user
# GENAI_LAB_HOSTED=1: the hosted caps on live training (README, "Serving a class")
ENV PATH="/home/user/.local/bin:$PATH" PYTHONUNBUFFERED=1 GENAI_LAB_HOSTED=1
WORKDIR /home/user/app
COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir --user -r requirements.txt --extra-index-url https://download.pytorch.org/whl/cpu
COPY --chown=user . .
EXPOSE 8501
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
