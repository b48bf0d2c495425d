# syntax=docker/dockerfile:1
#
# CRM API server image. Build: `docker build -t crm-api .`
# Runtime contract: DATABASE_URL (and APP_SECRET, REDIS_URL) come from the
# environment; the container runs `crm migrate` and then `crm serve` on :3000.

############################
# Builder: install the project (non-editable) into /opt/venv
############################
FROM python:3.11-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}"

WORKDIR /src
# pyproject.toml names README.md as [project].readme; the glob keeps the build working
# whether or not it exists yet (an unmatched wildcard is not an error when another source matches).
COPY pyproject.toml README* ./
COPY app ./app
# Every pinned dependency ships a manylinux wheel for cp311, so no compiler is needed.
RUN pip install --no-cache-dir .

############################
# Runtime: slim image, venv + migrations, non-root
############################
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:${PATH}" \
    PORT=3000 \
    CRM_DATA_DIR=/home/crm/.crm

# Fixed numeric ids so orchestrators (e.g. runAsNonRoot) can verify the user.
RUN groupadd --system --gid 10001 crm \
    && useradd --system --uid 10001 --gid crm --create-home --home-dir /home/crm \
        --shell /usr/sbin/nologin crm

COPY --from=builder /opt/venv /opt/venv

# Alembic config and scripts, owned by root (read-only for the app user).
WORKDIR /app
COPY alembic.ini ./
COPY migrations ./migrations
# app/db/migrate.py finds migrations/ in the source tree, else in the working directory.

USER 10001:10001

EXPOSE 3000

# No curl in slim images: probe with the standard library. urlopen raises on
# non-2xx responses and connection errors, which makes the exit status non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"]

# Apply migrations, then replace the shell with the server so it is PID 1 and gets SIGTERM.
CMD ["sh", "-c", "crm migrate && exec crm serve --host 0.0.0.0 --port 3000"]
