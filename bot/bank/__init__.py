"""The tip bank: skills, tips, roles and the roadmap, loaded from ``tips/*.yaml``."""

from bot.bank.loader import BankError, Problem, load_bank
from bot.bank.model import Bank, Industry, Role, Skill, Source, Step, Tip

__all__ = [
    "Bank",
    "BankError",
    "Industry",
    "Problem",
    "Role",
    "Skill",
    "Source",
    "Step",
    "Tip",
    "load_bank",
]
