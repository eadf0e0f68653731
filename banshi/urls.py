from django.urls import include, path

from banshi.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("banshi.intake.urls")),
    path("", include("banshi.web.urls")),
]
