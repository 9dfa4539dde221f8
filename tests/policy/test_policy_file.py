"""policy.toml is validated on load, and a bad file says which file and key is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import BadKnowledge
from bot.policy import load_policy
from bot.policy.model import EMPTY_POLICY

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.mark.parametrize("store", ["sessori", "dissoo", "stelladot"])
def test_the_three_stores_policies_load(store):
    policy = load_policy(KNOWLEDGE / store)
    assert policy.returns.windows and policy.facts()


def test_a_store_without_policy_file_has_an_empty_policy(tmp_path):
    assert load_policy(tmp_path) is EMPTY_POLICY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[[returns.windows]]\ndays = -3\ncounted_from = 'delivery'\nrefunds = ['cash']\nsource = 'within 14 days of delivery'\n", "returns.windows[0].days", id="negative-days"),
        pytest.param("[[returns.windows]]\ndays = 14\ncounted_from = 'arrival'\nrefunds = ['cash']\nsource = 'within 14 days of delivery'\n", "returns.windows[0].counted_from", id="unknown-start"),
        pytest.param("[[returns.final_sale]]\nkinds = ['engravd']\nsource = 'engraved items are final sale'\n", "unknown item kind 'engravd'", id="typo-in-kind"),
        pytest.param("[payments]\nmethods = ['Bitcoinz']\nsource = 'we accept these payment methods'\n", "unknown payment method", id="unknown-method"),
        pytest.param("[[timeline]]\nstart = 'delivered'\nend = 'order_placed'\nmin = 1\nmax = 2\nunit = 'days'\nsource = 'some words from the page'\n", "goes forward in time", id="backwards-stage"),
        pytest.param("[[timeline]]\nstart = 'order_placed'\nend = 'delivered'\nmin = 5\nmax = 2\nunit = 'days'\nsource = 'some words from the page'\n", "below min", id="max-below-min"),
        pytest.param("[shipping]\ncountries = ['Narnia']\nsource = 'we ship to these countries'\n", "Narnia", id="unknown-country"),
        pytest.param("[returns]\nwindowz = []\n", "windowz", id="unknown-key"),
        pytest.param("[returns\n", "not valid TOML", id="broken-toml"),
    ],
)
def test_bad_policy_names_the_file_and_key(tmp_path, text, message):
    (tmp_path / "policy.toml").write_text(text, encoding="utf-8")
    with pytest.raises(BadKnowledge) as error:
        load_policy(tmp_path)
    assert str(tmp_path / "policy.toml") in str(error.value) and message in str(error.value)
