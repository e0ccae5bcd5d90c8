from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import views
from .forms import ResetForm

app_name = "accounts"

# Breadcrumbs of the password reset pages (Django's views, configured here).
_RESET_CRUMBS = {
    "crumbs": [
        (_("Connexion"), reverse_lazy("accounts:login")),
        (_("Mot de passe oublié"), None),
    ]
}

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("inscription/", views.signup, name="signup"),
    path("profil/", views.profile, name="profile"),
    path("profil/adhesion/", views.join_organisation, name="join_organisation"),
    path("profil/jetons/", views.token_create, name="token_create"),
    path("profil/jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
    path(
        "mot-de-passe/oubli/",
        views.PasswordResetView.as_view(
            form_class=ResetForm,
            template_name="accounts/password_reset_form.html",
            extra_context=_RESET_CRUMBS,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html", extra_context=_RESET_CRUMBS
        ),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            extra_context=_RESET_CRUMBS,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html", extra_context=_RESET_CRUMBS
        ),
        name="password_reset_complete",
    ),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<slug:slug>/membres/",
        views.organisation_members,
        name="organisation_members",
    ),
    path("adhesions/<int:pk>/decision/", views.membership_decide, name="membership_decide"),
    path("adhesions/<int:pk>/role/", views.membership_role, name="membership_role"),
]
