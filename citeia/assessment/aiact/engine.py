"""The AI Act decision procedure: facts in, explained result out.

The steps follow the reference note's order and the first outcome reached wins. An
unanswered question that could change the outcome before it is reached makes the
outcome "undetermined" and names the fact; the procedure still goes on along the
"no" branch so that missing_facts lists every question needed on the current path.
Transparency (Art. 50) is part of the path to "minimal": a system is minimal only once
every duty that could attach to it is known.
"""

from . import duties, rules
from .facts import UNKNOWN, Facts
from .result import Outcome, Result, RuleSetInfo
from .trace import Trace, annex_iii_article, french_date, point_label


def classify(facts: Facts) -> Result:
    trace = Trace()
    path = duties.Path()
    _classify(facts, trace, path)
    outcome: Outcome
    if path.blocked_by is not None:
        outcome = "undetermined"
        article = path.blocked_by
    else:
        assert path.outcome is not None
        outcome = path.outcome
        article = path.article
    role = duties.apply(facts, trace, path, outcome)
    trace.step("outcome", article, (), outcome, _OUTCOME_TEXT[outcome])
    definite_high_risk = outcome == "high_risk"
    return Result(
        outcome=outcome,
        role=role,
        high_risk_basis=path.basis if definite_high_risk else None,
        transparency=tuple(path.transparency) if outcome in ("high_risk", "minimal") else (),
        fria_required=definite_high_risk and path.fria is True,
        registration_required=outcome in ("high_risk", "minimal") and path.registration is True,
        obligations=trace.sorted_obligations(),
        missing_facts=tuple(trace.missing) if outcome not in ("out_of_scope", "prohibited") else (),
        reasoning=tuple(trace.steps),
        rule_set=RuleSetInfo(rules.RULE_SET_VERSION, rules.CONSOLIDATED_TEXT_DATE),
    )


_OUTCOME_TEXT = {
    "out_of_scope": "Hors du champ du règlement : aucune obligation, l'évaluation reste consignée.",
    "prohibited": "Pratique interdite : le système ne peut pas être utilisé.",
    "high_risk": "Système à haut risque : obligations renforcées (voir la liste datée).",
    "minimal": "Risque minimal : restent les obligations listées (maîtrise de l'IA, transparence le cas échéant).",
    "undetermined": "Résultat indéterminé : répondre aux questions manquantes pour conclure.",
}


def _block(trace: Trace, path: duties.Path, article: str, *names: str) -> None:
    trace.need(*names)
    if path.blocked_by is None:
        path.blocked_by = article


def _classify(facts: Facts, trace: Trace, path: duties.Path) -> None:
    if not _scope(facts, trace, path):
        return
    _role(facts, trace)
    for stage in (_prohibited, _annex_i, _annex_iii):
        stage(facts, trace, path)
        if path.outcome is not None:
            return
    _transparency(facts, trace, path)
    path.outcome = "minimal"
    path.article = path.article or "Art. 6(1)-(2)"


def _scope(facts: Facts, trace: Trace, path: duties.Path) -> bool:
    """Art. 2 and 3(1). Return whether the procedure goes on."""
    ai = facts.is_ai_system
    finding = {True: "yes", False: "no", None: "unknown"}[ai]
    text = {
        True: "Système d'IA : fonctionne avec autonomie et infère ses résultats à partir d'entrées.",
        False: "Pas un système d'IA au sens de l'article 3(1).",
        None: "On ne sait pas encore s'il s'agit d'un système d'IA.",
    }[ai]
    trace.step("ai_system", "Art. 3(1)", ("is_ai_system",), finding, text)
    if ai is False:
        path.outcome, path.article = "out_of_scope", "Art. 3(1)"
        return False
    exclusion = facts.exclusion
    if isinstance(exclusion, str):
        choice = rules.EXCLUSIONS[exclusion]
        trace.step(
            "exclusion",
            choice.article,
            ("exclusion",),
            exclusion,
            f"Exclu du règlement : {choice.label}.",
        )
        path.outcome, path.article = "out_of_scope", choice.article
        return False
    if exclusion is UNKNOWN:
        trace.step(
            "exclusion",
            "Art. 2",
            ("exclusion",),
            "unknown",
            "On ne sait pas si une exclusion de l'article 2 s'applique.",
        )
    else:
        trace.step(
            "exclusion",
            "Art. 2",
            ("exclusion",),
            "none",
            "Aucune exclusion de l'article 2 ne s'applique.",
        )
    if ai is None:
        _block(trace, path, "Art. 3(1)", "is_ai_system")
    if exclusion is UNKNOWN:
        _block(trace, path, "Art. 2", "exclusion")
    path.in_scope = ai is True and exclusion is None
    return True


def _role(facts: Facts, trace: Trace) -> None:
    if facts.role is None:
        trace.step(
            "role",
            "Art. 3(3)-(4)",
            ("role",),
            "unknown",
            "Rôle inconnu : fournisseur ou déployeur ?",
        )
        return
    choice = rules.ROLES[facts.role]
    trace.step(
        "role",
        choice.article,
        ("role",),
        facts.role,
        f"L'organisation est {choice.label} du système.",
    )


def _prohibited(facts: Facts, trace: Trace, path: duties.Path) -> None:
    practices = facts.prohibited_practices
    names = ("prohibited_practices",)
    if practices is None:
        trace.step(
            "prohibited",
            "Art. 5(1)",
            names,
            "unknown",
            "On ne sait pas si le système relève d'une pratique interdite.",
        )
        _block(trace, path, "Art. 5(1)", *names)
        return
    if not practices:
        trace.step(
            "prohibited", "Art. 5(1)", names, "no", "Aucune pratique interdite par l'article 5."
        )
        return
    path.practices = tuple(letter for letter in rules.PROHIBITED_PRACTICES if letter in practices)
    for letter in path.practices:
        choice = rules.PROHIBITED_PRACTICES[letter]
        key = rules.PROHIBITION_DATE_KEYS.get(letter, "prohibitions")
        text = f"Pratique interdite : {choice.label} (à partir du {french_date(rules.DATES[key])})."
        trace.step("prohibited", choice.article, names, "yes", text)
    path.outcome = "prohibited"
    path.article = rules.PROHIBITED_PRACTICES[path.practices[0]].article


def _annex_i(facts: Facts, trace: Trace, path: duties.Path) -> None:
    value = facts.annex_i_safety_component
    names = ("annex_i_safety_component",)
    if value is None:
        trace.step(
            "annex_i",
            "Art. 6(1)",
            names,
            "unknown",
            "On ne sait pas si c'est un composant de sécurité d'un produit de l'annexe I.",
        )
        _block(trace, path, "Art. 6(1)", *names)
    elif value:
        trace.step(
            "annex_i",
            "Art. 6(1)",
            names,
            "yes",
            "Composant de sécurité d'un produit réglementé (annexe I) : haut risque.",
        )
        path.outcome, path.article, path.basis = "high_risk", "Art. 6(1)", "annex_i"
    else:
        trace.step(
            "annex_i",
            "Art. 6(1)",
            names,
            "no",
            "Pas un composant de sécurité d'un produit de l'annexe I.",
        )


def _annex_iii(facts: Facts, trace: Trace, path: duties.Path) -> None:
    point = facts.annex_iii_point
    names = ("annex_iii_point",)
    if point is UNKNOWN:
        trace.step(
            "annex_iii",
            "Art. 6(2)",
            names,
            "unknown",
            "On ne sait pas si l'usage figure à l'annexe III.",
        )
        _block(trace, path, "Art. 6(2)", *names)
        return
    if point is None:
        trace.step("annex_iii", "Art. 6(2)", names, "none", "L'usage ne figure pas à l'annexe III.")
        return
    article = annex_iii_article(point)
    trace.step(
        "annex_iii",
        article,
        names,
        point,
        f"Usage listé à l'annexe III, point {point_label(point)} : {rules.ANNEX_III_POINTS[point]}.",
    )
    if point.startswith(rules.LEGAL_REVIEW_AREA):
        trace.step(
            "legal_review",
            f"{annex_iii_article(point)} ; Art. 3(45)",
            names,
            "review",
            "Point 6 réservé aux autorités répressives : le cas de la police municipale est à faire vérifier par un juriste.",
            legal_review=True,
        )
    path.point = point
    if _derogation(facts, trace, path):
        return
    path.outcome, path.article, path.basis = "high_risk", article, f"annex_iii:{point}"


def _derogation(facts: Facts, trace: Trace, path: duties.Path) -> bool:
    """Art. 6(3). Return whether the derogation takes the system out of high risk."""
    derogation, profiles = facts.derogation, facts.profiles_natural_persons
    names = ("derogation", "profiles_natural_persons")
    if derogation is None:
        trace.step(
            "derogation",
            "Art. 6(3)",
            names,
            "none",
            "Aucune dérogation de l'article 6(3) n'est invoquée.",
        )
        return False
    if profiles is True:
        trace.step(
            "derogation",
            rules.PROFILING_ARTICLE,
            names,
            "excluded_by_profiling",
            "Le système profile des personnes : il reste à haut risque, sans dérogation possible.",
        )
        return False
    if derogation is UNKNOWN:
        trace.step(
            "derogation",
            "Art. 6(3)",
            names,
            "unknown",
            "On ne sait pas si une dérogation de l'article 6(3) est documentée.",
        )
        _block(
            trace,
            path,
            "Art. 6(3)",
            "derogation",
            *(("profiles_natural_persons",) if profiles is None else ()),
        )
        return False
    choice = rules.DEROGATIONS[derogation]
    if profiles is None:
        trace.step(
            "derogation",
            rules.PROFILING_ARTICLE,
            names,
            "unknown",
            "Dérogation invoquée, mais on ne sait pas si le système profile des personnes.",
        )
        _block(trace, path, rules.PROFILING_ARTICLE, "profiles_natural_persons")
        return False
    trace.step(
        "derogation",
        choice.article,
        names,
        "applies",
        f"Pas de haut risque : pas de risque important et {choice.label}, sans profilage.",
    )
    path.derogation_applies = True
    path.article = choice.article
    return True


def _transparency(facts: Facts, trace: Trace, path: duties.Path) -> None:
    """Art. 50 on the way to "minimal": every duty that could apply must be known."""
    paragraphs: tuple[str, ...]
    if facts.role == "provider":
        paragraphs = rules.PROVIDER_TRANSPARENCY
    elif facts.role == "deployer":
        paragraphs = rules.DEPLOYER_TRANSPARENCY
    else:
        paragraphs = rules.PROVIDER_TRANSPARENCY + rules.DEPLOYER_TRANSPARENCY
    applies, unknown = duties.transparency(facts, trace, paragraphs)
    if unknown:
        _block(trace, path, "Art. 50", *unknown)
    if facts.role is None and (applies or path.derogation_applies):
        trace.step(
            "role",
            "Art. 3(3)-(4)",
            ("role",),
            "unknown",
            "Le rôle décide qui porte ces obligations : fournisseur ou déployeur ?",
        )
        _block(trace, path, "Art. 3(3)-(4)", "role")
    path.transparency = applies
