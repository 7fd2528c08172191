"""Asset tags: short, unambiguous, self-checking."""

from __future__ import annotations

import random

from app.inventory import tags


def test_generated_tags_are_valid_and_unambiguous() -> None:
    for _ in range(2000):
        tag = tags.generate()
        assert len(tag) == 6
        assert tags.is_valid(tag)
        assert not set(tag) & set("01ILO")


def test_check_character_catches_one_wrong_character_and_swaps() -> None:
    rng = random.Random(3)
    for _ in range(300):
        tag = tags.generate(rng.choice)
        for i in range(len(tag)):
            for c in tags.ALPHABET:
                if c != tag[i]:
                    assert not tags.is_valid(tag[:i] + c + tag[i + 1 :])
        for i in range(len(tag) - 1):
            if tag[i] != tag[i + 1]:
                swapped = tag[:i] + tag[i + 1] + tag[i] + tag[i + 2 :]
                assert not tags.is_valid(swapped)


def test_normalise_accepts_urls_and_typing() -> None:
    assert tags.normalise("https://ordilien.example.org/d/K7M3QX") == "K7M3QX"
    assert tags.normalise("http://127.0.0.1:5000/d/k7m3qx/") == "K7M3QX"
    assert tags.normalise("  k7m-3qx ") == "K7M3QX"
    assert not tags.is_valid("K7M3Q")


def test_many_tags_at_once() -> None:
    many = tags.generate_many(5000)
    assert len(many) == 5000 and all(tags.is_valid(t) for t in many)
    assert len(set(many)) > 4990  # 28 million possible tags: collisions are rare
    counts = {c: sum(t[:-1].count(c) for t in many) for c in tags.ALPHABET}
    assert min(counts.values()) > 0.7 * max(counts.values())  # no letter favoured
