"""The login page: Django's LoginView with the refusal worded for this project.

Django's Indonesian catalogue renders AuthenticationForm's invalid_login as "Masukkan nama
pengguna %(username)s …" and fills %(username)s with the field's own name, so users read
"nama pengguna nama pengguna". The message is set here once, without the placeholder.
"""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Nama pengguna atau sandi salah. Huruf besar dan kecil dibedakan.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets the username's max_length after the field is built, so nothing checked it: a
        # longer name reached authenticate() and django-axes' log of failures (255 characters), a 500 on PostgreSQL.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))


login = LoginView.as_view(authentication_form=LoginForm)
