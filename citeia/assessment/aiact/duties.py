"""What follows from a definite outcome: role after Art. 25, FRIA, registration, dated obligations."""

import datetime
from dataclasses import dataclass, field

from . import rules
from .facts import Facts, Role
from .result import Outcome
from .trace import Trace, french_date


@dataclass
class Path:
    """The state of the procedure: the first outcome reached and what it rests on."""

    outcome: Outcome | None = None
    article: str = ""
    # Article of the first unanswered question that could change the outcome.
    blocked_by: str | None = None
    in_scope: bool = False
    practices: tuple[str, ...] = ()
    basis: str | None = None
    point: str | None = None
    derogation_applies: bool = False
    transparency: list[str] = field(default_factory=list)
    fria: bool | None = False
    registration: bool | None = False


def transparency(
    facts: Facts, trace: Trace, paragraphs: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """Record the Art. 50 questions; return the duties that apply and the facts still unknown."""
    applies: list[str] = []
    unknown: list[str] = []
    for paragraph in paragraphs:
        name = rules.TRANSPARENCY_FACTS[paragraph]
        value = getattr(facts, name)
        rule = rules.TRANSPARENCY[paragraph]
        if value is None:
            unknown.append(name)
            trace.step(
                "transparency",
                rule.article,
                (name,),
                "unknown",
                f"Question à trancher : {_lower_first(rule.title)} ?",
            )
        elif value:
            applies.append(paragraph)
            trace.step(
                "transparency",
                rule.article,
                (name,),
                "yes",
                f"Obligation de transparence : {_lower_first(rule.title)}.",
            )
        else:
            trace.step(
                "transparency",
                rule.article,
                (name,),
                "no",
                f"Non concerné : {_lower_first(rule.title)}.",
            )
    return applies, unknown


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def apply(facts: Facts, trace: Trace, path: Path, outcome: Outcome) -> Role | None:
    """Add the duties of a definite outcome to the trace; return the role after Art. 25."""
    if path.in_scope:
        trace.oblige(rules.AI_LITERACY, "ai_literacy")
    if outcome == "prohibited":
        for letter in path.practices:
            choice = rules.PROHIBITED_PRACTICES[letter]
            text = (
                rules.PROHIBITION_EXPLANATION_H if letter == "h" else rules.PROHIBITION_EXPLANATION
            )
            rule = rules.ObligationRule(
                choice.article, f"Pratique interdite : {choice.label}", text
            )
            trace.oblige(rule, rules.PROHIBITION_DATE_KEYS.get(letter, "prohibitions"))
        return facts.role
    if outcome == "minimal":
        _not_high_risk_art_25(facts, trace)
        _transparency_duties(facts, trace, path.transparency, facts.role == "provider")
        if path.derogation_applies:
            _derogation_duties(facts, trace, path)
        return facts.role
    if outcome == "high_risk":
        return _high_risk(facts, trace, path)
    if outcome == "undetermined" and facts.role == "deployer" and facts.deployer_changes != ():
        return None  # Art. 25 turns on the outcome, which is not known yet.
    return facts.role


def _not_high_risk_art_25(facts: Facts, trace: Trace) -> None:
    if facts.role == "deployer" and facts.deployer_changes:
        trace.step(
            "art25",
            "Art. 25(1)",
            ("deployer_changes",),
            "not_applicable",
            "Système non à haut risque : ces modifications ne font pas de vous le fournisseur.",
        )


def _transparency_duties(facts: Facts, trace: Trace, paragraphs: list[str], provider: bool) -> None:
    for paragraph in paragraphs:
        key: rules.DateKey = "transparency"
        note = ""
        if paragraph == "50(2)" and provider:
            key, note = _existing_system_date(facts, "transparency_50_2_existing")
        trace.oblige(rules.TRANSPARENCY[paragraph], key, note)
    if paragraphs:
        trace.oblige(rules.TRANSPARENCY["50(5)"], "transparency")


def _existing_system_date(facts: Facts, later: rules.DateKey) -> tuple[rules.DateKey, str]:
    """The date key for a duty that starts later for systems already in service, and a note if unsure."""
    cutoff_key = rules.EXISTING_SYSTEM_CUTOFFS[later]
    started = facts.first_put_into_service
    if isinstance(started, datetime.date):
        return (later if started < rules.DATES[cutoff_key] else cutoff_key), ""
    if started is None:  # not yet in service: a new system
        return cutoff_key, ""
    note = rules.EXISTING_SYSTEM_NOTE.format(
        cutoff=french_date(rules.DATES[cutoff_key]), until=french_date(rules.DATES[later])
    )
    return cutoff_key, note


def _derogation_duties(facts: Facts, trace: Trace, path: Path) -> None:
    if facts.role == "provider":
        for rule in rules.DEROGATION_PROVIDER:
            trace.oblige(rule, "high_risk_annex_iii")
        trace.step(
            "registration",
            "Art. 49(2)",
            ("derogation",),
            "yes",
            "Le fournisseur qui invoque la dérogation enregistre quand même le système.",
        )
        path.registration = True
    elif facts.role == "deployer":
        trace.oblige(rules.DEROGATION_DEPLOYER, "high_risk_annex_iii")


def _high_risk(facts: Facts, trace: Trace, path: Path) -> Role | None:
    role = _art_25(facts, trace)
    deployer = None if facts.role is None else facts.role == "deployer"
    provider = None if role is None else role == "provider"
    if facts.role is None:
        trace.need("role")
    paragraphs: tuple[str, ...] = ()
    if provider:
        paragraphs += rules.PROVIDER_TRANSPARENCY
    if deployer:
        paragraphs += rules.DEPLOYER_TRANSPARENCY
    applies, unknown = transparency(facts, trace, paragraphs)
    trace.need(*unknown)
    path.transparency = applies
    path.fria = _fria(facts, trace, path, deployer)
    path.registration = _registration(facts, trace, path, provider, deployer)
    key = _high_risk_date(facts, trace, path)
    if provider:
        for rule in rules.PROVIDER_HIGH_RISK:
            trace.oblige(rule, key)
        conformity = (
            "annex_i"
            if path.basis == "annex_i"
            else "annex_iii_biometrics"
            if path.point and path.point.startswith("1")
            else "annex_iii"
        )
        trace.oblige(rules.CONFORMITY[conformity], key)
        if path.point == rules.CRITICAL_INFRASTRUCTURE_POINT:
            trace.oblige(rules.REGISTRATION_NATIONAL, key)
        elif path.point is not None:
            trace.oblige(rules.REGISTRATION_PROVIDER, key)
    if deployer:
        for rule in rules.DEPLOYER_HIGH_RISK:
            trace.oblige(rule, key)
        if path.point is not None:
            for rule in rules.DEPLOYER_ANNEX_III:
                trace.oblige(rule, key)
            if path.point != rules.CRITICAL_INFRASTRUCTURE_POINT:
                trace.oblige(rules.EXPLANATION_RIGHT, key)
                if facts.public_body:
                    trace.oblige(rules.REGISTRATION_DEPLOYER, key)
        if path.fria:
            trace.oblige(rules.FRIA, key)
    _transparency_duties(facts, trace, applies, bool(provider))
    return role


def _art_25(facts: Facts, trace: Trace) -> Role | None:
    if facts.role != "deployer":
        return facts.role
    changes = facts.deployer_changes
    names = ("deployer_changes",)
    if changes is None:
        trace.step(
            "art25",
            "Art. 25(1)",
            names,
            "unknown",
            "On ne sait pas si le déployeur a modifié le système (nom, modification, destination).",
        )
        trace.need("deployer_changes")
        return None
    if not changes:
        trace.step(
            "art25",
            "Art. 25(1)",
            names,
            "no",
            "Aucune modification : l'organisation reste déployeur.",
        )
        return "deployer"
    for change, choice in rules.DEPLOYER_CHANGES.items():
        if change in changes:
            trace.step(
                "art25",
                choice.article,
                names,
                "yes",
                f"Le déployeur {choice.label} : il devient fournisseur.",
            )
    return "provider"


def _fria(facts: Facts, trace: Trace, path: Path, deployer: bool | None) -> bool | None:
    names: tuple[str, ...] = ("role", "public_body", "provides_public_service")
    if path.point is None:
        trace.step(
            "fria",
            "Art. 27(1)",
            (),
            "no",
            "La FRIA ne vise que les systèmes à haut risque de l'annexe III.",
        )
        return False
    if path.point == rules.CRITICAL_INFRASTRUCTURE_POINT:
        trace.step(
            "fria",
            "Art. 27(1)",
            (),
            "no",
            "Infrastructure critique (annexe III, point 2) : pas de FRIA.",
        )
        return False
    if deployer is None:
        trace.step(
            "fria",
            "Art. 27(1)",
            ("role",),
            "unknown",
            "La FRIA incombe au déployeur : rôle à préciser.",
        )
        return None
    if not deployer:
        trace.step(
            "fria",
            "Art. 27(1)",
            ("role",),
            "no",
            "La FRIA incombe au déployeur : si vous utilisez vous-même le système, évaluez aussi ce rôle.",
        )
        return False
    if path.point in rules.FRIA_ANY_DEPLOYER_POINTS:
        trace.step(
            "fria",
            "Art. 27(1)",
            ("role",),
            "yes",
            "Déployeur d'un système de l'annexe III 5(b) ou 5(c) : FRIA quelle que soit sa nature.",
        )
        return True
    public, service = facts.public_body, facts.provides_public_service
    if public or service:
        who = "Organisme de droit public" if public else "Entité privée assurant un service public"
        trace.step(
            "fria",
            "Art. 27(1)",
            names,
            "yes",
            f"{who} déployant un système de l'annexe III : FRIA avant le premier usage.",
        )
        return True
    if public is False and service is False:
        trace.step(
            "fria",
            "Art. 27(1)",
            names,
            "no",
            "Déployeur privé sans mission de service public : pas de FRIA.",
        )
        return False
    trace.need(*(name for name in names[1:] if getattr(facts, name) is None))
    trace.step(
        "fria",
        "Art. 27(1)",
        names,
        "unknown",
        "FRIA requise si l'organisation est publique ou assure un service public : à préciser.",
    )
    return None


def _registration(
    facts: Facts, trace: Trace, path: Path, provider: bool | None, deployer: bool | None
) -> bool | None:
    if path.point is None:
        trace.step(
            "registration",
            "Art. 49(1)",
            (),
            "no",
            "Annexe I : pas d'enregistrement dans la base de données de l'UE.",
        )
        return False
    if path.point == rules.CRITICAL_INFRASTRUCTURE_POINT:
        trace.step(
            "registration",
            "Art. 49(5)",
            (),
            "no",
            "Infrastructure critique (point 2) : enregistrement au niveau national, pas dans la base de l'UE.",
        )
        return False
    answers: list[bool | None] = []
    if provider:
        trace.step(
            "registration",
            "Art. 49(1)",
            ("role",),
            "yes",
            "Le fournisseur enregistre le système dans la base de données de l'UE.",
        )
        answers.append(True)
    elif provider is None:
        answers.append(None)
    if deployer:
        public = facts.public_body
        if public is None:
            trace.need("public_body")
            trace.step(
                "registration",
                "Art. 49(3)",
                ("public_body",),
                "unknown",
                "Une autorité publique déployeuse doit s'enregistrer : nature de l'organisation à préciser.",
            )
        else:
            text = (
                "Autorité publique déployeuse : enregistrement de l'usage avant la mise en service."
                if public
                else "Déployeur qui n'est pas une autorité publique : pas d'enregistrement."
            )
            trace.step(
                "registration", "Art. 49(3)", ("public_body",), "yes" if public else "no", text
            )
        answers.append(public)
    elif deployer is None:
        answers.append(None)
    if True in answers:
        return True
    return None if None in answers else False


def _high_risk_date(facts: Facts, trace: Trace, path: Path) -> rules.DateKey:
    if path.basis == "annex_i":
        key: rules.DateKey = "high_risk_annex_i"
        trace.step(
            "dates",
            "Art. 113",
            (),
            key,
            f"Obligations applicables à partir du {french_date(rules.DATES[key])}.",
        )
        return key
    if facts.public_body is not True:
        key = "high_risk_annex_iii"
        trace.step(
            "dates",
            "Art. 113",
            (),
            key,
            f"Obligations applicables à partir du {french_date(rules.DATES[key])}.",
        )
        return key
    key, note = _existing_system_date(facts, "high_risk_annex_iii_public_existing")
    article = "Art. 111(2)" if key == "high_risk_annex_iii_public_existing" else "Art. 113"
    trace.step(
        "dates",
        article,
        ("public_body", "first_put_into_service"),
        key,
        f"Obligations applicables à partir du {french_date(rules.DATES[key])}.{note}",
    )
    return key
