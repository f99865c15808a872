"""The login page: Django's LoginView with the refusal worded for this project.

Django's Indonesian catalogue renders AuthenticationForm's invalid_login as "Masukkan nama
pengguna %(username)s …" and fills %(username)s with the field's own name, so users read
"nama pengguna nama pengguna". The message is set here once, without the placeholder.
"""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Nama pengguna atau sandi salah. Huruf besar dan kecil dibedakan.",
    }


login = LoginView.as_view(authentication_form=LoginForm)
