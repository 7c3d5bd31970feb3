import datetime

import pytest
from django.utils import timezone

from development import services
from development.models import Activity
from registry.models import Region


def at(year, month, day, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture
def kecamatan(db) -> Region:
    return Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code").first()


@pytest.fixture
def make_activity(db, kecamatan):
    def make(**overrides) -> Activity:
        values = {
            "kind": Activity.Kind.TRAINING,
            "topic": "Pemasaran digital untuk usaha kuliner",
            "starts_on": timezone.localdate() + datetime.timedelta(days=7),
            "kecamatan": kecamatan,
            "venue": "Aula Kecamatan",
        }
        values.update(overrides)
        return services.activity_create(**values)

    return make
