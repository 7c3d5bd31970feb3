"""Rate limits of the public activity registration, counted like the status check's
(:mod:`umkm_portal.ratelimits`): every POST against the client's address, every refused attempt
(NIK and phone that do not match) against the NIK, with the same budgets from the settings,
and failing closed when the counters' cache does not answer."""

from __future__ import annotations

from umkm_portal.ratelimits import Counters, CountersUnavailable

__all__ = ["CountersUnavailable", "ip_over_limit", "nik_blocked", "nik_failed"]

IP_GROUP = "development.registration.ip"
NIK_GROUP = "development.registration.nik"

REGISTRATION = Counters(ip_group=IP_GROUP, nik_group=NIK_GROUP)
ip_over_limit = REGISTRATION.ip_over_limit
nik_blocked = REGISTRATION.nik_blocked
nik_failed = REGISTRATION.nik_failed
