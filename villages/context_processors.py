from django.conf import settings


def branch(request) -> dict:
    return {"BRANCH_NAME": settings.BRANCH_NAME}
