"""Espace de données et bac à sable — API. Registered in citeia/api.py under "/sandbox"."""

from ninja import Router

router = Router(tags=["Bac à sable"])
