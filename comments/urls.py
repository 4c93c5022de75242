from django.urls import path

from comments import feeds, views

app_name = "comments"
urlpatterns = [
    path("comments/post/<int:post_id>/", views.post_comment, name="post"),
    path("comments/<int:comment_id>/", views.permalink, name="permalink"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/moderate/<str:token>/", views.moderate_from_email, name="moderate"),
    path("privacy/", views.privacy, name="privacy"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("comments/feed/atom/", feeds.LatestCommentsAtomFeed(), name="atom_feed"),
]
