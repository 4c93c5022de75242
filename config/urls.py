from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Broadsheet administration"
admin.site.site_title = "Broadsheet"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    # Ends with the standalone pages' /<slug>/, which would take any one-part address
    # listed after it: add new addresses above this line.
    path("", include("blog.urls")),
]
