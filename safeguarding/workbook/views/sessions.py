"""placeholder, replaced by the sessions part."""

urlpatterns: list = []
