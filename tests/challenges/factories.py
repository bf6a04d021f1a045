"""Factories for challenge tests beyond the shared ones in tests/factories.py."""

import factory

from tests.factories import ParticipantFactory
from transcoding.models import MediaAsset


class MediaAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaAsset

    owner = factory.SubFactory(ParticipantFactory)
    status = MediaAsset.Status.READY
