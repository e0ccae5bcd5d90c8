"""A high-risk record in the shape of the deployer's entry in the EU database
(AI Act Art. 49(3) and Annex VIII, section C), for public deployers to copy."""

from .models import RecordVersion

ANNEX_VIII_C = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj#anx_VIII"


def is_high_risk(version: RecordVersion) -> bool:
    return (version.snapshot.get("ai_act") or {}).get("outcome") == "high_risk"


def deployer_entry(version: RecordVersion, *, record_url: str) -> dict:
    """Annex VIII section C, point by point. Withheld fields stay withheld."""
    snap = version.snapshot
    fields = snap["fields"]
    organisation = snap["organisation"]
    ai_act = snap.get("ai_act") or {}
    withheld = snap.get("withheld", {})

    def value(name: str):
        return {"withheld": withheld[name]} if name in withheld else fields.get(name)

    return {
        "schema": "AI Act Annex VIII section C (deployer registration, Art. 49(3))",
        "reference": ANNEX_VIII_C,
        "register_id": snap["public_id"],
        "register_version": version.number,
        "register_url": record_url,
        "1_deployer": {
            "name": organisation["name"],
            "siren": organisation["siren"],
            "insee": organisation["insee"],
            "contact": fields.get("contact_email") or None,
            "accountable_role": value("accountable_role"),
        },
        "2_submitted_on_behalf_of_deployer_by": None,
        "3_provider_eu_database_entry": value("provider_eu_db_ref"),
        "4_fria_summary": ai_act.get("fria_summary") or None,
        "4_fria_status": ai_act.get("fria_status") or None,
        "5_dpia_summary": value("dpia_summary"),
        "5_dpia_url": value("dpia_url"),
        "ai_act_class": {
            "outcome": ai_act.get("outcome"),
            "label": ai_act.get("outcome_label"),
            "high_risk_basis": ai_act.get("high_risk_basis"),
            "reasoning_url": ai_act.get("url"),
        },
        "system": {
            "name": fields["name"],
            "summary": fields["summary"],
            "supplier": value("supplier_name"),
            "supplier_siren": value("supplier_siren"),
        },
    }
