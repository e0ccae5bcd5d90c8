from django.conf import settings


def platform(request):
    return {
        "OPERATOR_NAME": settings.OPERATOR_NAME,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "DEMO": settings.DEMO,
        "OPERATOR_SIREN": settings.OPERATOR_SIREN,
        "OIDC_ENABLED": settings.OIDC_ENABLED,
    }
