"""OpenID Connect login (ProConnect, the French public agents' identity federation).

Off unless OIDC_ENABLED is set. A person who signs in for the first time gets an
account without organisation; they then ask to join one from their profile.
"""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


def full_name_from_claims(claims: dict) -> str:
    # ProConnect sends given_name and usual_name; generic providers send name.
    parts = [
        claims.get("given_name", ""),
        claims.get("usual_name") or claims.get("family_name", ""),
    ]
    name = " ".join(part for part in parts if part).strip()
    return name or claims.get("name", "") or claims.get("email", "")


class CiteiaOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        return self.UserModel.objects.create_user(
            email=claims["email"].strip().lower(),
            password=None,
            full_name=full_name_from_claims(claims),
        )

    def update_user(self, user, claims):
        name = full_name_from_claims(claims)
        if name and name != user.full_name:
            user.full_name = name
            user.save(update_fields=["full_name"])
        return user
