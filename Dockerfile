# The portal's image: web (gunicorn), worker and beat run from it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
# Pango for WeasyPrint; Tinos and Liberation Serif 2 carry every Vietnamese letter; gettext compiles the catalogue.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-croscore fonts-liberation2 gettext \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir "uv==0.13.8"

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv \
 && SECRET_KEY=collectstatic-only .venv/bin/python manage.py collectstatic --noinput -v0

ENV PATH="/app/.venv/bin:$PATH"
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
