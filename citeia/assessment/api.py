"""Évaluations : AI Act, sobriété, confiance — API. Registered in citeia/api.py under "/assessments"."""

from ninja import Router

router = Router(tags=["Évaluations"])
