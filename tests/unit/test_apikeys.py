from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from triggers.auth.apikeys import display_hint, hash_secret, new_key, parse_key, secret_matches


def test_a_new_key_parses_back_to_its_parts() -> None:
    parts, plaintext = new_key()
    assert plaintext.startswith("trg_")
    assert parse_key(plaintext) == parts


def test_keys_are_unique() -> None:
    assert len({new_key()[1] for _ in range(200)}) == 200


@given(position=st.integers(min_value=4, max_value=56), replacement=st.sampled_from("0aZ9"))
def test_checksum_catches_a_mistyped_character(position: int, replacement: str) -> None:
    _, plaintext = new_key()
    if position >= len(plaintext) or plaintext[position] in (replacement, "_"):
        return
    mistyped = plaintext[:position] + replacement + plaintext[position + 1 :]
    assert parse_key(mistyped) is None


def test_malformed_keys_are_refused_without_io() -> None:
    _, plaintext = new_key()
    for bad in ["", "trg_", plaintext[:-1], plaintext + "x", plaintext.replace("trg_", "sk_"), " " + plaintext]:
        assert parse_key(bad) is None


def test_only_the_hash_verifies_the_secret() -> None:
    parts, _ = new_key()
    stored = hash_secret(parts.secret, rounds=4)
    assert parts.secret not in stored
    assert secret_matches(parts.secret, stored)
    other_last = "x" if parts.secret[-1] != "x" else "y"  # a secret that really differs
    assert not secret_matches(parts.secret[:-1] + other_last, stored)


def test_hint_does_not_reveal_the_secret() -> None:
    parts, plaintext = new_key()
    hint = display_hint(plaintext)
    assert parts.key_id in hint
    assert parts.secret[:8] not in hint
