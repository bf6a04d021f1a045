from rest_framework.routers import SimpleRouter

from .api import RegistrationViewSet, WorkshopViewSet

router = SimpleRouter()
router.register("workshops", WorkshopViewSet, basename="workshop")
router.register("workshop-registrations", RegistrationViewSet, basename="workshop-registration")
urlpatterns = router.urls
