from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from citeia.core.exports import Column, export_response, requested_format
from citeia.core.pagination import paginate
from citeia.core.permissions import Action, can, organisation_role

from . import selectors, services, throttle
from .forms import (
    ApiTokenForm,
    JoinOrganisationForm,
    LoginForm,
    MembershipDecisionForm,
    ProfileForm,
    SignUpForm,
)
from .models import MembershipStatus, OrganisationKind

INVALID = 422  # a submitted form with errors: re-rendered, nothing saved


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        email = request.POST.get("username", "")
        ip = throttle.client_ip(request)
        if throttle.is_locked(email, ip):
            form = self.get_form()
            form.throttled_minutes = max(1, throttle.settings.LOGIN_THROTTLE_WINDOW // 60)
            form.is_valid()
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            throttle.reset(email, ip)
        return response

    def form_invalid(self, form):
        throttle.record_failure(
            self.request.POST.get("username", ""), throttle.client_ip(self.request)
        )
        return self.render_to_response(self.get_context_data(form=form), status=INVALID)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crumbs"] = [(_("Connexion"), None)]
        return context


class PasswordResetView(auth_views.PasswordResetView):
    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=INVALID)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        # An expired or already used link is a bad request, said in words on the page.
        if getattr(response, "context_data", None) and not response.context_data.get(
            "validlink", True
        ):
            response.status_code = 400
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=INVALID)


def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            user = services.user_sign_up(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"],
                job_title=data["job_title"],
                organisation=data["organisation"],
                new_organisation=None
                if data["organisation"]
                else {
                    "name": data["new_organisation_name"],
                    "kind": data["new_organisation_kind"],
                    "siren": data["new_organisation_siren"],
                },
                request=request,
            )
            organisation = user.memberships.get().organisation
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Votre compte est créé. Votre demande pour rejoindre %(org)s attend la "
                    "validation d'un gestionnaire ; vous recevrez un e-mail."
                )
                % {"org": organisation.name},
            )
            return redirect("accounts:profile")
        status = INVALID
    else:
        status = 200
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "crumbs": [(_("Créer un compte"), None)]},
        status=status,
    )


def _profile_context(request, **overrides):
    user = request.user
    context = {
        "memberships": user.memberships.select_related("organisation").order_by(
            "organisation__name"
        ),
        "tokens": user.api_tokens.all(),
        "profile_form": ProfileForm(instance=user),
        "join_form": JoinOrganisationForm(),
        "token_form": ApiTokenForm(),
        "pending_requests": selectors.pending_requests_for(user)[:20],
        "crumbs": [(_("Mon profil"), None)],
    }
    context.update(overrides)
    return context


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("accounts:profile")
        return render(
            request,
            "accounts/profile.html",
            _profile_context(request, profile_form=form),
            status=INVALID,
        )
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def join_organisation(request):
    form = JoinOrganisationForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/profile.html",
            _profile_context(request, join_form=form),
            status=INVALID,
        )
    membership = services.membership_request(
        user=request.user, organisation=form.cleaned_data["organisation"], request=request
    )
    if membership.status == MembershipStatus.PENDING:
        messages.success(
            request, _("Votre demande est envoyée ; elle attend la validation d'un gestionnaire.")
        )
    else:
        messages.info(
            request,
            _("Vous avez déjà une adhésion à cette organisation (%(status)s).")
            % {"status": membership.get_status_display()},
        )
    return redirect("accounts:profile")


@login_required
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/profile.html",
            _profile_context(request, token_form=form),
            status=INVALID,
        )
    token, key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    return render(
        request,
        "accounts/profile.html",
        _profile_context(request, new_token=token, new_key=key),
        status=201,
    )


@login_required
def token_revoke(request, pk: int):
    """GET asks for confirmation on its own page; POST revokes."""
    token = selectors.get_api_token_for_user(request.user, pk)
    if request.method != "POST":
        return render(
            request,
            "accounts/token_revoke_confirm.html",
            {
                "token": token,
                "crumbs": [
                    (_("Mon profil"), reverse("accounts:profile")),
                    (_("Révoquer un jeton"), None),
                ],
            },
        )
    services.api_token_revoke(token=token)
    messages.success(
        request,
        _("Le jeton « %(name)s » est révoqué : il ne permet plus aucun appel.")
        % {"name": token.name},
    )
    return redirect("accounts:profile")


ORGANISATION_COLUMNS = [
    Column("slug", pgettext_lazy("colonne d'export", "identifiant")),
    Column("name", pgettext_lazy("colonne d'export", "nom")),
    Column("kind", pgettext_lazy("colonne d'export", "type")),
    Column("siren", pgettext_lazy("colonne d'export", "siren")),
    Column("territory", pgettext_lazy("colonne d'export", "territoire"), "territory.code"),
    Column("insee_code", pgettext_lazy("colonne d'export", "code_insee"), "commune.insee_code"),
    Column("website", pgettext_lazy("colonne d'export", "site_web")),
    Column("is_demo", pgettext_lazy("colonne d'export", "donnee_de_demonstration")),
]


def organisation_list(request):
    kind = request.GET.get("type", "")
    query = request.GET.get("q", "").strip()[:100]
    organisations = selectors.organisation_list(
        kind=kind, query=query, sort=request.GET.get("tri", "name")
    )
    if requested_format(request):
        return export_response(
            request,
            rows=organisations,
            columns=ORGANISATION_COLUMNS,
            filename="citeia-organisations",
        )
    page = paginate(request, organisations)
    counts = selectors.organisation_kind_counts()
    kinds = [(value, label, counts.get(value, 0)) for value, label in OrganisationKind.choices]
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "page": page,
            "kinds": kinds,
            "kind": kind,
            "query": query,
            "crumbs": [(_("Organisations"), None)],
        },
    )


def organisation_detail(request, slug: str):
    organisation = selectors.get_organisation_for_user(request.user, slug)
    may_manage = can(request.user, Action.MANAGE_MEMBERS, organisation)
    role = organisation_role(request.user, organisation)
    context = {
        "organisation": organisation,
        "may_manage": may_manage,
        "is_member": role is not None,
        "member_count": organisation.memberships.filter(status=MembershipStatus.ACTIVE).count(),
        "crumbs": [
            (_("Organisations"), reverse("accounts:organisation_list")),
            (organisation.name, None),
        ],
    }
    if role is not None or may_manage:
        context["members"] = (
            organisation.memberships.filter(status=MembershipStatus.ACTIVE)
            .select_related("user")
            .order_by("user__full_name")
        )
    return render(request, "accounts/organisation_detail.html", context)


@login_required
def organisation_members(request, slug: str):
    organisation = selectors.get_organisation_for_user(request.user, slug, write=True)
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "organisation": organisation,
            "groups": selectors.organisation_members(organisation),
            "decision_form": MembershipDecisionForm(),
            "crumbs": [
                (_("Organisations"), reverse("accounts:organisation_list")),
                (organisation.name, organisation.get_absolute_url()),
                (_("Membres"), None),
            ],
        },
    )


@login_required
@require_POST
def membership_decide(request, pk: int):
    membership = selectors.get_membership_for_user(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    form = MembershipDecisionForm(request.POST)
    if approve and not form.is_valid():
        messages.error(request, _("Choisissez un rôle valide avant de valider la demande."))
        return redirect("accounts:organisation_members", membership.organisation.slug)
    try:
        services.membership_decide(
            membership=membership,
            actor=request.user,
            approve=approve,
            role=form.cleaned_data["role"] if approve else membership.role,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:organisation_members", membership.organisation.slug)
    if approve:
        messages.success(
            request, _("%(name)s a rejoint l'organisation.") % {"name": membership.user.full_name}
        )
    else:
        messages.info(
            request, _("La demande de %(name)s est refusée.") % {"name": membership.user.full_name}
        )
    return redirect("accounts:organisation_members", membership.organisation.slug)


@login_required
@require_POST
def membership_role(request, pk: int):
    membership = selectors.get_membership_for_user(request.user, pk)
    form = MembershipDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle valide."))
    else:
        try:
            services.membership_change_role(
                membership=membership, actor=request.user, role=form.cleaned_data["role"]
            )
        except services.LastManagerError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Le rôle de %(name)s est modifié.") % {"name": membership.user.full_name}
            )
    return redirect("accounts:organisation_members", membership.organisation.slug)
