"""What an LMS's bulk download says about each file: whose it is, by which convention.

    parse_member(path_in_download) -> MemberName

Canvas ("Download Submissions" on an assignment, a zip of flat files). Each file is named
``<name>[_LATE]_<user id>_<submission id>_<original file name>``, where <name> is the student's
sortable name in lower case without spaces or punctuation (``doejane`` for "Doe, Jane"), ``LATE``
marks work Canvas itself counted as late, and a re-upload of the same name within one submission
gets ``-1``, ``-2`` before the extension. See Canvas's guide "How do I download all student
submissions for an assignment?" (community.canvaslms.com, Instructor Guide); the same layout is
what public tools that unpack these downloads parse, e.g. mikewesthad/canvas-unzipper's README
(``smithbob_340934_208490284_BobsWork.zip``) and TimHanneman/Canvas_submission_sort's README (the
extra field for late work, the number before the extension for a resubmission).

Moodle (Assignment > "Download all submissions", a zip). Each student's files are under
``<Full Name>_<participant id>_assignsubmission_file_`` (a folder when "Download submissions in
folders" is on, otherwise a prefix of each file name); online text is
``..._assignsubmission_onlinetext_``. The participant id is Moodle's per-assignment id of the
student, not the user id. See docs.moodle.org, "Assignment settings" / "Using Assignment" (Download
all submissions), and mod/assign/locallib.php (``download_submissions``).

Plain: ``<student>.ipynb`` (or ``<student>/<anything>.ipynb``), where <student> is the student id,
user name or e-mail address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

CANVAS = re.compile(r"^(?P<name>[^\W_]+?)(?P<late>_late)?_(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$",
                    re.IGNORECASE)
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assign(?:submission)?_(?P<plugin>[a-z]+)_(?P<file>.*)$")
CANVAS_COPY = re.compile(r"-\d+(?=\.[^.]+$)")
"""Canvas's suffix for a second file of the same name in one submission (``hw-1.ipynb``)."""


@dataclass(frozen=True)
class MemberName:
    """One file of the download, read by the first convention that fits its name."""

    convention: str
    """``canvas``, ``moodle`` or ``plain``."""
    key: str
    """The LMS's id of the student: Canvas user id, Moodle participant id, or the plain stem."""
    name: str
    """The name the LMS gives ('' for plain): Canvas's squashed sortable name, Moodle's full name."""
    file: str
    """The student's own file name (Canvas's ``-1`` copy suffix removed)."""
    flagged_late: bool = False
    """Canvas marked it ``LATE``."""
    plugin: str = "file"
    """Moodle's submission plugin: ``file`` or ``onlinetext``."""


def parse_member(path: str) -> MemberName:
    """How the download names the file at ``path`` (a path inside the archive or folder)."""
    parts = PurePosixPath(path).parts
    for index, part in enumerate(parts):
        moodle = MOODLE.match(part)
        if moodle:
            inner = "/".join(parts[index + 1:]) or moodle["file"]
            return MemberName("moodle", moodle["participant"], moodle["name"], inner, plugin=moodle["plugin"])
    base = parts[-1]
    canvas = CANVAS.match(base)
    if canvas:
        return MemberName("canvas", canvas["user"], canvas["name"], CANVAS_COPY.sub("", canvas["file"]),
                          flagged_late=bool(canvas["late"]))
    stem = PurePosixPath(base).stem if len(parts) == 1 else parts[0]
    return MemberName("plain", stem, "", base)
