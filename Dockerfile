# The portal's image: migrate, web (gunicorn), the workers and beat run from it (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
# Pango for WeasyPrint; Tinos and Liberation Serif 2 carry every Vietnamese letter; gettext compiles the
# catalogue; postgresql-client (15, as the server) gives `manage.py backup` its pg_dump.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-croscore fonts-liberation2 gettext \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir "uv==0.13.8" \
 && groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
# .dockerignore keeps .env, the virtualenv, local databases and media out of the image.
COPY . .
RUN DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv \
 && SECRET_KEY=collectstatic-only .venv/bin/python manage.py collectstatic --noinput -v0 \
 && mkdir -p /data/media /data/beat /data/backups \
 && chown -R portal:portal /data

ENV PATH="/app/.venv/bin:$PATH" XDG_CACHE_HOME=/tmp/cache
# The code stays root's and read-only to the portal; it writes only under /data (volumes).
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--access-logfile", "-"]
