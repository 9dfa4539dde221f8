"""Policy: a store's rules as structured facts (policy.toml) and the calculators that answer with them."""

from bot.policy.model import StorePolicy, load_policy

__all__ = ["StorePolicy", "load_policy"]
