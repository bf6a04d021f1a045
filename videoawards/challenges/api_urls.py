from rest_framework.routers import SimpleRouter

from .api import ChallengeViewSet, EntryViewSet

router = SimpleRouter()
router.register("challenges", ChallengeViewSet, basename="challenge")
router.register("entries", EntryViewSet, basename="entry")
urlpatterns = router.urls
