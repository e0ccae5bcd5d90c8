"""Registre public des algorithmes — API. Registered in citeia/api.py under "/register"."""

from ninja import Router

router = Router(tags=["Registre"])
