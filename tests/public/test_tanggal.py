"""``|tanggal`` prints exactly what ``|date:"j F Y"`` prints, in both languages."""

import datetime
import random

import pytest
from django.template import engines
from django.utils import translation

FAST = engines["django"].from_string("{% load tanggal %}{{ value|tanggal }}")
DJANGO = engines["django"].from_string('{{ value|date:"j F Y" }}')

_rng = random.Random(5)
VALUES = [
    None,
    "",
    datetime.date(2020, 8, 31),
    # Just before and after midnight in Jakarta (17:00 UTC): the local date is printed.
    datetime.datetime(2020, 9, 30, 16, 59, tzinfo=datetime.UTC),
    datetime.datetime(2020, 9, 30, 17, 0, tzinfo=datetime.UTC),
    *(
        datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        + datetime.timedelta(minutes=_rng.randint(0, 60 * 24 * 800))
        for _ in range(200)
    ),
]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_same_text_as_djangos_date_filter(language):
    with translation.override(language):
        for value in VALUES:
            assert FAST.render({"value": value}) == DJANGO.render({"value": value}), value


def test_a_jakarta_date():
    with translation.override("id"):
        value = datetime.datetime(2020, 9, 30, 17, 0, tzinfo=datetime.UTC)
        assert FAST.render({"value": value}) == "1 Oktober 2020"
