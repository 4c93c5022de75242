from django.urls import path, register_converter

from blog import views


class MonthConverter:
    """Two-digit months, as in WordPress addresses: /2024/03/slug/."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(MonthConverter, "mm")

app_name = "blog"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/<mm:month>/<slug:slug>/", views.post_detail, name="post"),
]
