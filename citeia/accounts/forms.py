from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from citeia.core.permissions import MemberRole

from .models import Organisation, OrganisationKind, User


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
        help_text=_(
            "Un gestionnaire de cette organisation, ou l'équipe programme de la Métropole, "
            "validera votre demande. Vous pourrez consulter la plateforme en attendant."
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
        try:
            return Organisation.objects.get(pk=pk)
        except Organisation.DoesNotExist as exc:
            raise forms.ValidationError(_("Choisissez une organisation de la liste.")) from exc

    def clean(self):
        data = super().clean()
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
    }

    def clean(self):
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


class NewPasswordForm(SetPasswordForm):
    pass


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
