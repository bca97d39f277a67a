"""Names of the files editors create beside the one being saved: never content, and never reported by the watcher."""

from __future__ import annotations

import re

# vim's swap, backup and write-test files (4913, 5036, …), Emacs' lock and auto-save files,
# JetBrains' "safe write" pair, KDE's and generic temporaries. Names starting with "." are
# hidden and never content.
_EDITOR_TEMP = re.compile(
    r"""^(?: \..*              # hidden: .swp of vim, .#lock of Emacs, .goutputstream of gedit
         | .*~                 # backups
         | \#.*\#              # Emacs auto-save
         | \d+                 # vim's write test (4913)
         | .*\.(?:swp|swx|swo|tmp|temp|kate-swp|crdownload|part)
         | .*___jb_(?:tmp|old)___
         )$""", re.VERBOSE | re.IGNORECASE)


def is_editor_temp(name: str) -> bool:
    return bool(_EDITOR_TEMP.match(name))
