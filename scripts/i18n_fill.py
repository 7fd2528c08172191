"""Fill English translations: scripts/i18n_fill.py PO_FILE [JSON of {french: english}].

Lists the French strings still without an English translation.
"""

import json
import sys

from babel.messages.pofile import read_po, write_po


def main() -> None:
    path = sys.argv[1]
    translations: dict[str, str] = {}
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as handle:
            translations.update(json.load(handle))
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="en")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(key)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100)
    print("missing:", len(missing))
    for key in missing:
        print(repr(key))


if __name__ == "__main__":
    main()
