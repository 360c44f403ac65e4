"""Every user-facing sentence of the core, in one place (slack-bolt's habit)."""

from __future__ import annotations

APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again."
EMPTY_BANK = "The tip bank has no tips for that yet."
ALL_UNHELPFUL = "You marked every tip here as not helpful. Try another skill, or 'tip'."
ERROR_TITLE = "That didn't work"
USAGE = "Usage: {usage}"

HELP_TITLE = "careerbot: commands"
HELP_BODY = "Type a command, e.g. `tip`, `skill pytorch`, `learn rust`, `progress`."

TIP_TITLE = "Tip"
TIP_TITLE_FOR = "Tip · {skills}"
TIP_FOOTER = "{tip_id} · {seen} of {total} tips seen"
TIP_RESTART = "You have seen every tip here; starting the round again."
SAVED_OK = "Saved {tip_id}. See all with 'saved'."
UNSAVED_OK = "Removed {tip_id} from your saved tips."
VOTE_UP = "Thanks! Marked {tip_id} as helpful."
VOTE_DOWN = "Got it: {tip_id} won't be shown again (marked not helpful)."
SAVED_TITLE = "Your saved tips"
SAVED_EMPTY = "No saved tips yet. Press Save under a tip, or type 'save <tip id>'."
SHARED_BY = "Shared by {name}"

SKILL_STATUS = {"learning": "📘 learning", "done": "✅ done", None: "not started"}
STATUS_SET = {
    "learning": "📘 {skill} is now on your learning list.",
    "done": "✅ Marked {skill} as done. Nice work!",
    None: "Removed {skill} from your list.",
}
STATUS_ALREADY = "{skill} is already {status}."
STATUS_NOT_SET = "{skill} was not on your list."
SKILLS_TITLE = "Skills ({count})"
SKILLS_BODY = "Open one with 'skill <name>'. ✅ done · 📘 learning"

ROLES_TITLE = "Career paths"
ROLES_BODY = "Open one with 'role <name>'. Coverage counts the skills you have done."
ROLE_COVERAGE = "{bar} of the skills this role needs"

ROADMAP_TITLE = "Roadmap to ML engineer"
ROADMAP_HINT = "Mark a step with 'roadmap done <n>'."
STEP_DONE = "✅ Step {n} done: {title}."
STEP_UNDONE = "Step {n} is open again: {title}."
STEP_RANGE = "There is no step {n}; the roadmap has steps 1 to {total}."

PROGRESS_TITLE = "Your progress"
FORGET_TITLE = "Delete all your data?"
FORGET_BODY = (
    "This deletes your skills, roadmap, saved tips, history and daily-tip settings for good. "
    "Type 'forget confirm' to go ahead (or 'export' first to keep a copy)."
)
FORGOTTEN = "Done: everything careerbot stored about you is deleted."
EXPORT_TITLE = "Your data"
EXPORT_BODY = "Everything careerbot stores about you, as JSON."
FORBIDDEN = "Only server admins can use '{command}'."
