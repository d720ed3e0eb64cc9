# The web app (and, later, the worker) for compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    LITESTAR_APP=app.main:create_app \
    PYTHONPATH=/srv

RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /srv
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .

EXPOSE 8000
# X-Forwarded-For is believed only from FORWARDED_ALLOW_IPS (empty: from nobody).
CMD ["sh", "-c", "piccolo migrations forwards all && litestar seed reference && uvicorn app.main:create_app --factory --host 0.0.0.0 --port ${PORT:-8000} --workers ${WEB_CONCURRENCY:-2} --proxy-headers --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS:-}\""]
