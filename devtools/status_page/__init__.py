"""The status page benchmark: data seeding, a comparison view, and a load generator.

Nothing here is mounted by the portal's own URLconf: ``bench_status_page`` starts gunicorn on
``devtools.status_page.wsgi``, which alone adds the minimal comparison view.
"""
