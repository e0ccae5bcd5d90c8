from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from citeia.core.permissions import MemberRole

from .models import Organisation, OrganisationKind, User, normalise_siren, validate_siren

# Public authorities of the territory exist from the first migration; people may add the others.
NEW_ORGANISATION_KINDS = {
    OrganisationKind.COMPANY,
    OrganisationKind.PUBLIC_AGENCY,
    OrganisationKind.RESEARCH_LAB,
    OrganisationKind.INNOVATION_NETWORK,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.INTERNATIONAL_PARTNER,
    OrganisationKind.RESIDENTS_BODY,
}


def organisation_choices():
    """Organisations grouped by kind, for a select with optgroups (works without JavaScript)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    labels = dict(OrganisationKind.choices)
    for pk, name, kind in Organisation.objects.order_by("kind", "name").values_list(
        "pk", "name", "kind"
    ):
        groups.setdefault(kind, []).append((pk, name))
    order = [choice for choice, _label in OrganisationKind.choices]
    return [("", _("Choisissez votre organisation"))] + [
        (labels[kind], groups[kind]) for kind in order if kind in groups
    ]


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Prénom et nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail professionnelle"),
        help_text=_("Elle sert d'identifiant. Exemple : prenom.nom@ville-exemple.fr"),
    )
    job_title = forms.CharField(
        label=_("Fonction"),
        max_length=150,
        required=False,
        help_text=_("Exemple : chargée de mission transformation numérique."),
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        required=False,
        help_text=_(
            "Un gestionnaire de cette organisation, ou l'équipe programme de la Métropole, "
            "validera votre demande. Vous pourrez consulter la plateforme en attendant. "
            "Si elle n'est pas dans la liste, remplissez plutôt la partie suivante."
        ),
    )
    new_organisation_name = forms.CharField(
        label=_("Nom de la nouvelle organisation"),
        max_length=200,
        required=False,
        help_text=_("Par exemple le nom de votre entreprise ou de votre association."),
    )
    new_organisation_kind = forms.ChoiceField(
        label=_("Type de la nouvelle organisation"),
        required=False,
        choices=[("", _("Choisissez un type"))]
        + [
            (value, label)
            for value, label in OrganisationKind.choices
            if value in NEW_ORGANISATION_KINDS
        ],
    )
    new_organisation_siren = forms.CharField(
        label=_("SIREN de la nouvelle organisation"),
        max_length=20,
        required=False,
        help_text=_(
            "9 chiffres, obligatoire pour une entreprise française ; vous le trouverez sur "
            "annuaire-entreprises.data.gouv.fr. Laissez vide pour un partenaire étranger."
        ),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Au moins 12 caractères, pas uniquement des chiffres, pas un mot de passe courant."
        ),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisation_choices()
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "Un compte existe déjà avec cette adresse. Connectez-vous, ou utilisez "
                    "« Mot de passe oublié » pour le retrouver."
                ),
                code="duplicate_email",
            )
        return email

    def clean_organisation(self):
        pk = self.cleaned_data["organisation"]
        if pk in (None, ""):
            return None
        try:
            return Organisation.objects.get(pk=pk)
        except Organisation.DoesNotExist as exc:
            raise forms.ValidationError(_("Choisissez une organisation de la liste.")) from exc

    def clean_new_organisation_siren(self):
        raw = self.cleaned_data["new_organisation_siren"].strip()
        if not raw:
            return ""
        try:
            validate_siren(raw)
        except forms.ValidationError:
            raise
        siren = normalise_siren(raw)
        existing = Organisation.objects.filter(siren=siren).first()
        if existing is not None:
            raise forms.ValidationError(
                _(
                    "Ce SIREN est déjà celui de « %(name)s » : choisissez cette organisation dans la liste."
                )
                % {"name": existing.name}
            )
        return siren

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation")
        new_name = (data.get("new_organisation_name") or "").strip()
        if organisation and new_name:
            self.add_error(
                "new_organisation_name",
                _(
                    "Choisissez une organisation de la liste ou créez-en une nouvelle, pas les deux."
                ),
            )
        elif not organisation and not new_name and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                _(
                    "Choisissez votre organisation, ou indiquez plus bas celle qui manque à la liste."
                ),
            )
        elif new_name:
            kind = data.get("new_organisation_kind")
            if not kind:
                self.add_error(
                    "new_organisation_kind", _("Choisissez le type de la nouvelle organisation.")
                )
            elif (
                kind == OrganisationKind.COMPANY
                and not data.get("new_organisation_siren")
                and "new_organisation_siren" not in self.errors
            ):
                self.add_error(
                    "new_organisation_siren",
                    _("Le SIREN est obligatoire pour une entreprise française."),
                )
            if Organisation.objects.filter(name__iexact=new_name).exists():
                self.add_error(
                    "new_organisation_name",
                    _("Une organisation porte déjà ce nom : choisissez-la dans la liste."),
                )
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            candidate = User(email=data.get("email") or "", full_name=data.get("full_name") or "")
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez la saisie (majuscules comprises) "
            "ou utilisez « Mot de passe oublié »."
        ),
        "inactive": _("Ce compte est désactivé. Contactez l'équipe de la plateforme."),
        "throttled": _(
            "Trop de tentatives de connexion échouées. Par sécurité, réessayez dans "
            "%(minutes)d minutes ou réinitialisez votre mot de passe."
        ),
    }

    # Set by the view when too many failures were recorded: the password is then not even
    # checked, so that a locked account costs an attacker nothing and tells nothing.
    throttled_minutes: int | None = None

    def clean(self):
        if self.throttled_minutes is not None:
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": self.throttled_minutes},
            )
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            self.user_cache = authenticate(self.request, username=email.lower(), password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail du compte"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "job_title"]


class JoinOrganisationForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Organisation à rejoindre"),
        coerce=int,
        help_text=_("Votre demande sera validée par un gestionnaire de cette organisation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisation_choices()

    def clean_organisation(self):
        try:
            return Organisation.objects.get(pk=self.cleaned_data["organisation"])
        except Organisation.DoesNotExist as exc:
            raise forms.ValidationError(_("Choisissez une organisation de la liste.")) from exc


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour vous souvenir de son usage. Exemple : tableur de suivi du registre."),
    )


class MembershipDecisionForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            (MemberRole.MEMBER, _("Membre : consulte les contenus non publiés de l'organisation")),
            (MemberRole.EDITOR, _("Éditeur ou éditrice : crée et modifie les contenus")),
            (MemberRole.MANAGER, _("Gestionnaire : gère aussi les membres")),
        ],
        initial=MemberRole.MEMBER,
    )
