"""Dates as the portal writes them in Indonesian (Django's own "j N Y" abbreviates the
month, "6 Des. 2026"; the public pages and the messages write it whole)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
