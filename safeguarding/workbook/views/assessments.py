"""placeholder, replaced by the assessments part."""

urlpatterns: list = []
