# The web app (and, later, the worker) for compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    LITESTAR_APP=app.main:create_app \
    PYTHONPATH=/srv

RUN pip install --no-cache-dir "uv==0.13.9"
# The app runs as an unprivileged system user (a fixed numeric id, which orchestrators can
# check is not root); the code and the virtualenv stay root's, read-only to it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid app --no-create-home \
       --home-dir /srv --shell /usr/sbin/nologin app
WORKDIR /srv
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# All it writes: var/ (e-mails captured in var/mail when no SMTP_URL is set).
RUN mkdir -p var/mail && chown -R app:app var
USER 10001:10001

EXPOSE 8000
# Healthy once /ready answers 200: database, Redis, and Meilisearch with this key and every
# index (python:slim has no curl). The worker, built from this image too, overrides it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/ready' % os.environ.get('PORT', '8000'), timeout=4)"]
# X-Forwarded-For is believed only from FORWARDED_ALLOW_IPS (empty: from nobody).
CMD ["sh", "-c", "piccolo migrations forwards all && litestar seed reference && uvicorn app.main:create_app --factory --host 0.0.0.0 --port ${PORT:-8000} --workers ${WEB_CONCURRENCY:-2} --proxy-headers --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS:-}\""]
