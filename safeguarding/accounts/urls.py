from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/code/", views.two_factor_code, name="two-factor-code"),
    path("two-step-sign-in/", views.two_factor_set_up, name="two-factor-set-up"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("session/", views.session_status, name="session"),
]
