from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguarding.accounts"
    label = "accounts"
