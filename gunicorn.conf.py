"""gunicorn settings for production, read from the environment (docs/deployment.md).

gunicorn -c gunicorn.conf.py umkm_portal.wsgi
"""

import os

# Listen on localhost only by default: the reverse proxy in front terminates TLS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Roughly 2 workers per core, each with a few threads (gunicorn's gthread worker whenever
# threads > 1): a thread waiting on PostgreSQL leaves the core to another, and keep-alive
# connections spare a TCP handshake per request. Measured on the status page benchmark
# (docs/performance.md, "Public status check"): with 4 threads both views served more requests per second
# than with sync workers, and the status check held its share of the minimal view better.
# Each thread holds its own persistent PostgreSQL connection: WEB_CONCURRENCY × threads per
# node. GUNICORN_THREADS=1 gives plain sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# With gthread workers (threads > 1) this is a heartbeat timeout of the worker process, not a
# limit on a request: the worker's main loop keeps notifying the arbiter while a request thread
# is busy, so a slow request is never killed by it (only a sync worker, GUNICORN_THREADS=1, is
# killed after this many seconds on one request). What does bound a request: PostgreSQL's
# statement_timeout on web connections (WEB_STATEMENT_TIMEOUT_SECONDS, 30 s per statement,
# settings.py), Redis calls giving up after 1 s, the proxy's read timeout (nginx: 60 s; the
# client gets a 504, the thread runs on), and long work leaving the request path for db_worker
# (proposal list imports, withdrawal expiry, dashboard summaries). See docs/promises-network.md.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, so a slow leak never takes a node down; rarely, because a
# recycle is not free under load: the stopping worker lingers up to 2 s on its kept-alive
# connections and its replacement is forked only once it has exited, so meanwhile one worker
# serves everything. At 2,000 requests the status page benchmark lost about half its
# throughput and its p99 went from ~150 to ~600 ms (docs/performance.md). 0 turns it off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "5000"))

# Access and error logs to stdout/stderr for the supervisor's journal, as one JSON object per
# line like the application's own logs; the access log names the client by the same trusted
# address as rate limits and lockouts (umkm_portal/gunicorn_logging.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "umkm_portal.gunicorn_logging.JsonLogger"
# The app is imported before the workers fork, so a configuration error stops the start.
preload_app = True
# Trust X-Forwarded-* only from the proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
