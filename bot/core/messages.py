"""Every user-facing sentence of the core, in one place (slack-bolt's habit)."""

from __future__ import annotations

APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again."
EMPTY_BANK = "The tip bank has no tips for that yet."
ALL_UNHELPFUL = "You marked every tip here as not helpful. Try another skill, or 'tip'."
ERROR_TITLE = "That didn't work"
USAGE = "Usage: {usage}"
UNKNOWN_OPTION = "'{command}' has no option <{option}>."

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

STATUS_MARK = {"done": "✅", "learning": "📘"}  # a skill's status as one symbol
SKILL_STATUS = {"learning": "📘 learning", "done": "✅ done", None: "not started"}
STATUS_SET = {
    "learning": "📘 {skill} is now on your learning list.",
    "done": "✅ Marked {skill} as done. Nice work!",
    None: "Removed {skill} from your list.",
}
STATUS_ALREADY = {
    "learning": "{skill} is already on your learning list.",
    "done": "{skill} is already marked done.",
}
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
STEP_ALREADY_DONE = "Step {n} is already checked: {title}."
STEP_NOT_DONE = "Step {n} was not checked: {title}."
STEP_RANGE = "There is no step {n}; the roadmap has steps 1 to {total}."

PROGRESS_TITLE = "Your progress"
FORGET_TITLE = "Delete all your data?"
FORGET_BODY = (
    "This deletes your skills, roadmap, saved tips, history and daily-tip settings for good. "
    "Type 'forget confirm' to go ahead (or 'export' first to keep a copy)."
)
FORGOTTEN = (
    "Done: everything careerbot stored about you is deleted. "
    "Using careerbot again starts a fresh, empty profile."
)
EXPORT_TITLE = "Your data"
EXPORT_BODY = "Everything careerbot stores about you, as JSON."
FORBIDDEN = "Only server admins can use '{command}'."

# day lists: 'daily', 'admin daily', 'careerbot schedule preview --days' --------------
DAYS_HELP = "every day, weekdays, a range like mon-fri or fri-mon, or a list like mon-wed,fri"
DAYS_NOT_A_DAY = (
    "'{part}' is not a day; use mon … sun, a range like mon-fri, 'weekdays' or 'every day'."
)
DAYS_BAD_RANGE = "'{part}' is not a day range; write it as first-last, e.g. mon-fri or fri-mon."
DAYS_EMPTY = "'{value}' names no days; use e.g. mon-fri, mon,wed,fri, weekdays or every day."

ZONE_UNKNOWN = "'{name}' is not a known time zone; use an IANA name like Europe/Berlin."
ZONE_UNAVAILABLE = "Time zone '{name}' is not available here."

# daily tips (issue 6) ----------------------------------------------------------------
DAILY_TITLE = "Daily tip: {time} {zone}, {days}"
DAILY_NEXT = "Next one: {when}, {wait}."
DAILY_NEED_ZONE = (
    "Which time zone? careerbot does not know yours yet. "
    "Add it, e.g. 'daily {time} Europe/Berlin' (any IANA name)."
)
DAILY_NONE = "You have no daily tip. Start one with 'daily 07:30' (your local time)."
DAILY_OFF = "Daily tips are off. Turn them on again with 'daily HH:MM'."
DAILY_ALREADY_OFF = "Daily tips were already off."
DAILY_PAUSED = "Paused for {n} day(s). Next tip: {when}, {wait}."
DAILY_PAUSED_UNTIL = "Paused until {when}."
DAILY_SUSPENDED = (
    "Your daily tips are on hold: careerbot could not message you ({reason}). "
    "Allow direct messages from careerbot, then type 'daily HH:MM' to turn them back on."
)
DAILY_NEXT_TITLE = "Your next daily tip"
DAILY_ON_ITS_WAY = "Today's tip is on its way."
DAILY_TIP_FOOTER = "{tip_id} · daily tip · change with 'daily', stop with 'daily off'"
DAILY_CHANNEL_FOOTER = "{tip_id} · daily tip for this channel"
DAILY_MISSED = "You missed {n} daily tip(s) while careerbot was offline."
DAILY_CANT_DM = (
    "careerbot could not send you a direct message ({reason}), so your daily tips are on "
    "hold. Allow DMs from careerbot, then type 'daily HH:MM' to turn them back on."
)
PROFILES_MERGED_DAILY = (
    "careerbot now keeps one profile per Discord account: your progress from every server "
    "and from DMs is in it. You had {n} daily tips set up; careerbot kept {kept} and "
    "dropped {dropped}. Change it with 'daily HH:MM'."
)
PROFILES_MERGED_PLAN = "{time} {zone}, {days}"
ADMIN_DAILY_TITLE = "Daily tip for {channel}: {time} {zone}, {days}"
ADMIN_DAILY_NEED_TIME = (
    "Give the local time to post, e.g. 'admin daily #general 09:00 Europe/Berlin'."
)
ADMIN_DAILY_NEED_ZONE = (
    "Which time zone? Add one, e.g. 'admin daily {channel} {time} Europe/Berlin'."
)
ADMIN_DAILY_OFF = "Stopped daily tips in {n} channel(s)."
ADMIN_DAILY_NONE = "No channel gets daily tips here."
ADMIN_CHANNEL_FAILED = (
    "careerbot could not post the daily tip in {channel} ({reason}), so that channel's "
    "daily tips are on hold. Invite careerbot to the channel and let it post there, then run "
    "'admin daily' again."
)

# levels (issue 15): who a user's tips are for ------------------------------------------
LEVEL_CHOICES = ("aspiring", "early", "experienced", "all")
LEVEL_LABELS = {
    "aspiring": "aspiring (on the way to a first ML job)",
    "early": "early-career",
    "experienced": "experienced",
    "all": "all levels",
}
LEVEL_SHORT = {
    "aspiring": "aspiring",
    "early": "early-career",
    "experienced": "experienced",
    "all": "all levels",
}
LEVEL_HELP = "aspiring, early, experienced or all"
LEVEL_TITLE = "Level: {label}"
LEVEL_SHOW = (
    "Your tips are for: {label}. Change it with 'level aspiring', 'level early', "
    "'level experienced' or 'level all'."
)
LEVEL_SET = (
    "Your tips, daily tips and skill tips are now for: {label}. Tips written for "
    "everyone still come. 'level all' brings back every tip."
)
LEVEL_ALL = "You get every tip again, whatever level it was written for."
LEVEL_SAME = "Your level was already {label}."
LEVEL_LINE = "Level: {label}"
ROADMAP_OTHER_LEVEL = " · for {levels}"
CARD_LEVELS = "Mostly for"

# weekly report (issue 14) ------------------------------------------------------------
WEEKLY_DEFAULT_DAY = 4  # Friday (0 = Monday)
WEEKLY_DEFAULT_TIME = "16:00"
WEEKLY_DAY_HELP = "weekday of the report (default fri)"
WEEKLY_TIME_HELP = "local time, 24-hour HH:MM (default 16:00)"
WEEKLY_TITLE = "Weekly report: {day} at {time} {zone}"
WEEKLY_NEXT = "Next report: {when}, {wait}."
WEEKLY_ON_ITS_WAY = "This week's report is on its way."
WEEKLY_STATE_TITLE = "Your weekly report"
WEEKLY_IS_OFF = (
    "Your weekly report is off. Turn it on with 'weekly on' (Fridays at 16:00), "
    "or choose: 'weekly on sun 18:00'."
)
WEEKLY_NEED_ZONE = (
    "Which time zone? careerbot does not know yours yet. "
    "Add it, e.g. 'weekly on {day} {time} Europe/Berlin' (any IANA name)."
)
WEEKLY_OFF = "Weekly report off. Your daily tip, if you have one, is not affected."
WEEKLY_ALREADY_OFF = "Your weekly report was already off."
WEEKLY_SUSPENDED = (
    "Your weekly report is on hold: careerbot could not message you ({reason}). "
    "Allow direct messages from careerbot, then type 'weekly on' to turn it back on."
)
WEEKLY_REPORT_TITLE = "Your week in careerbot ({span})"
WEEKLY_BODY = "Here is what you did in the last 7 days."
WEEKLY_EMPTY = (
    "A quiet week, and that's fine: one small step is enough to start again. "
    "Streak: 🔥 {streak} day(s)."
)
WEEKLY_TIPS_FIELD = "Tips read"
WEEKLY_STREAK_FIELD = "Streak"
WEEKLY_STREAK = "🔥 {n} day(s)"
WEEKLY_SKILLS_FIELD = "Skills moved ({n})"
WEEKLY_STEPS_FIELD = "Roadmap steps checked off ({n})"
WEEKLY_HELPFUL_FIELD = "Most helpful tip"
WEEKLY_HELPFUL = "{text} ({tip_id})"
WEEKLY_HELPFUL_NONE = "None voted Helpful this week: tap Helpful on a tip you liked."
WEEKLY_NONE = "—"
WEEKLY_NEXT_FIELD = "Next week"
WEEKLY_SUGGEST = "Learn {skill}: it takes you further towards {role}."
WEEKLY_SUGGEST_NONE = "You have done every skill of every role: teach someone else one."
WEEKLY_FOOTER = "weekly report · change with 'weekly on', stop with 'weekly off'"
WEEKLY_CANT_DM = (
    "careerbot could not send you a direct message ({reason}), so your weekly report is on "
    "hold. Allow DMs from careerbot, then type 'weekly on' to turn it back on."
)
WEEKLY_MISSED = "You missed {n} weekly report(s) while careerbot was offline."

# spaced review (issue 14) -------------------------------------------------------------
REVIEW_TITLE = "Review · {skills}"
REVIEW_TITLE_PLAIN = "Review"
REVIEW_FOOTER = "{tip_id} · review · do you remember this tip? ({due} due)"
REVIEW_SECTION = "🔁 Review {tip_id}: do you remember this one?"
REVIEW_REMEMBERED = "Remembered {tip_id}. Next review in {days} day(s)."
REVIEW_NOT_YET = "No problem: {tip_id} comes back tomorrow. Next review in {days} day(s)."
REVIEW_NONE_DUE = "Nothing to review right now. Your next review ({tip_id}) is due {when}."
REVIEW_EMPTY = (
    "Nothing to review yet. Save a tip, or vote it Helpful, and it comes back for review a "
    "day later."
)
REVIEW_STALE_ANSWERED = "You already answered this review of {tip_id}; nothing changed."
REVIEW_STALE_NOT_DUE = "{tip_id} is not due for review until {when}; nothing changed."
REVIEW_STALE_GONE = (
    "{tip_id} is no longer in your reviews (not saved, not voted Helpful); nothing changed."
)
REVIEW_PROGRESS = "{done} done, {due} due"
REVIEW_HOW_TITLE = "How review works (SM-2 simplified)"
REVIEW_HOW = (
    "A tip you save or vote Helpful is due for review 1 day later. Remembered: the next "
    "review is 3 days later, then the last interval × ease (ease starts at 2.5, +0.1 each "
    "time, at most 3.0). Not yet: back to 1 day, ease −0.2 (at least 1.3). Your daily tip "
    "brings one due review at most every 3 days."
)
REVIEW_BUTTON_REMEMBERED = "Remembered"
REVIEW_BUTTON_NOT_YET = "Not yet"
REVIEW_BUTTON_NEXT = "Next review"

# streaks that forgive and quiet days (issue 14: day start, freezes, skip, away-skip) ---
STREAK_VALUE = "🔥 {current} day(s) · best {best} · Freezes: {freezes}"
SETTINGS_TITLE = "Your settings"
SETTINGS_DAY_START = "Your day starts at {hour:02d}:00 ({zone}): 'settings day-start <0-23>'"
SETTINGS_AWAY = "Away-skip: {state} ('settings away-skip on|off')"
SETTINGS_WEEKENDS = "Quiet weekends: {state} ('daily skip weekends' / 'daily unskip weekends')"
SETTINGS_SKIPS = "Skipped days ahead: {days}"
SETTINGS_NO_SKIPS = "none"
DAY_START_SET = (
    "Your day now starts at {hour:02d}:00 {zone}: activity before then counts for the day "
    "before. Streaks follow it from now on."
)
DAY_START_SAME = "Your day already starts at {hour:02d}:00."
AWAY_ON = (
    "Away-skip is on: no daily tip on a day your status is :palm_tree: or "
    ":face_with_thermometer: or Do Not Disturb is on when it is due. Those days never break "
    "your streak."
)
AWAY_OFF = "Away-skip is off: your daily tip comes whatever your status."
AWAY_UNSUPPORTED = (
    "Away-skip can't work here: {platform} doesn't tell careerbot when you are away. "
    "Use 'daily skip <YYYY-MM-DD>' or 'daily skip next <N> days' instead."
)
AWAY_MISSING_SCOPE = (
    "Away-skip can't work yet: this careerbot app may not read your status or Do Not "
    "Disturb (it lacks the users.profile:read and dnd:read scopes). Ask a workspace admin "
    "to reinstall it with them, then try again."
)
SKIP_USAGE = "daily skip <YYYY-MM-DD> | next <N> days | weekends"
UNSKIP_USAGE = "daily unskip <YYYY-MM-DD> | all | weekends"
SKIP_HELP = "a date YYYY-MM-DD, 'next <N> days', 'tomorrow' or 'weekends'"
UNSKIP_HELP = "a date YYYY-MM-DD, 'tomorrow', 'all' (every skipped day ahead) or 'weekends'"
SKIP_BAD = (
    "'{value}' is not a day to skip; use a date like 2026-12-24, 'next 3 days' or 'weekends'."
)
UNSKIP_BAD = "'{value}' is not a skipped day; use a date like 2026-12-24, 'all' or 'weekends'."
SKIP_BAD_DATE = "'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-24."
SKIP_PAST = "{day} has passed (today is {today} for you); only today or later can be skipped."
SKIP_TOO_FAR = "{day} is too far ahead; skip at most {max} days ahead."
SKIP_N_RANGE = "Skip between 1 and {max} days at a time."
SKIPPED_DAYS = "No daily tip on {days}. Those days never break your streak. Undo: 'daily unskip'."
SKIPPED_WEEKENDS = (
    "No daily tips on Saturdays and Sundays from now on; weekends never break your streak. "
    "Undo: 'daily unskip weekends'."
)
SKIPPED_WEEKENDS_ALREADY = "Weekends are already quiet."
UNSKIPPED = "Back on: {days}."
UNSKIPPED_NONE = "No skipped day ahead matched; nothing changed."
UNSKIPPED_WEEKENDS = "Weekends are back on: daily tips on Saturdays and Sundays again."
UNSKIPPED_WEEKENDS_NONE = "Weekends were not quiet; nothing changed."
DAILY_SKIPPING = "Skipping: {days}."
DAILY_WEEKENDS_QUIET = "weekends"
HELP_TOPICS = "Topics: `help streak` (how streaks, freezes and quiet days work)."
STREAK_HELP_TITLE = "Streaks"
STREAK_HELP = (
    "Your streak counts the days in a row with a learning action (a tip, a vote, a save, a "
    "skill or roadmap step marked). Your day begins at the hour set with 'settings day-start' "
    "(4: 01:30 still counts as yesterday), in your time zone.\n"
    "Freezes: every {every} active days in a row earn a freeze (at most {cap} held). A day "
    "you miss spends one automatically and your streak survives it; with none left, it "
    "starts again.\n"
    "Quiet days never break a streak: days skipped with 'daily skip', quiet weekends, days "
    "your Slack status said you were away ('settings away-skip on'), and days a move east "
    "skips over."
)

# sources under tips and cards (issue 15 item 5) ---------------------------------------
SOURCE_BUTTON = "Source"
SOURCE_TITLE = "Where {what} comes from"
SOURCE_DOCUMENT = "Document"
SOURCE_NOT_FOUND_KIND = "tip, skill or role"
SOURCE_LINE = "📄 Source: {title}"  # under each tip of the saved list

# roadmap and progress exports (issue 14 item 6) ---------------------------------------
EXPORT_ROADMAP_TITLE = "Your roadmap checklist"
EXPORT_PROGRESS_TITLE = "Your progress checklist"
EXPORT_MD_BODY = "{summary} · a Markdown checklist: keep it, or paste it into your notes."
EXPORT_MD_ROADMAP = "Roadmap to ML engineer"
EXPORT_MD_PROGRESS = "My ML engineering progress"
EXPORT_MD_EXPORTED = "Exported from careerbot on {date}."
EXPORT_MD_STEPS = "{done} of {total} roadmap steps done"
EXPORT_MD_SKILLS = "{done} skills done, {learning} learning"
EXPORT_MD_DONE_WHEN = "Done when: {text}"
EXPORT_MD_SKILLS_HEADING = "Skills"
EXPORT_MD_NO_SKILLS = "No skills on your list yet: add one with `learn <skill>`."
EXPORT_MD_CATEGORY = {
    "language": "Languages",
    "library": "Libraries",
    "framework": "Frameworks",
    "platform": "Platforms",
    "tool": "Tools",
    "math": "Math",
    "ml-area": "ML areas",
    "practice": "Practices",
    "soft-skill": "Soft skills",
}

# one profile across platforms (issue 14: link / unlink) ---------------------------------
LINK_TITLE = "Link your profiles"
LINK_CODE = (
    "Your one-time code: {code}\n"
    "On your other platform (or Slack workspace), type 'link {code}' within {minutes} "
    "minutes. It works once, and only for you: don't share it."
)
LINK_STATUS = "Linked: {accounts}"
LINK_NONE = "Not linked yet: this profile is only on {account}."
LINK_DONE_TITLE = "Profiles linked"
LINK_DONE = (
    "Your profiles on {accounts} are one now: skills, roadmap, tips read, saved tips, votes, "
    "reviews, streak days and settings are merged; 'progress' shows the same on each. "
    "'unlink' separates them."
)
LINK_KEPT_DAILY = "Kept your daily tip at {time} {zone} on {kept}; the one on {dropped} is off."
LINK_WRONG = "That code doesn't work. Check it, or type 'link' on your other account for a new one."
LINK_EXPIRED = "That code has expired. Type 'link' on your other account for a new one."
LINK_USED = "That code was already used. Type 'link' on your other account for a new one."
LINK_OWN = "That's this account's own code: type 'link {code}' on your OTHER platform or workspace."
LINK_ALREADY = "These accounts are already linked. 'link' shows which ones."
LINK_SAME_PLACE = (
    "Both accounts are on {where}: link joins accounts on different platforms or Slack "
    "workspaces. 'unlink' the other one there first."
)
LINK_TOO_MANY = "Too many link attempts. Wait 10 minutes, then try again."
UNLINK_TITLE = "Unlinked"
UNLINK_DONE = (
    "This account ({account}) has its own profile again: a copy of your progress as it is "
    "now. From here on the two change separately."
)
UNLINK_DAILY = "Your daily tip stays with the account it is delivered to ({where})."
UNLINK_NOT_LINKED = "This account is not linked to another one."
FORGET_LINKED = "This also deletes your linked accounts: {accounts}."

# link with the weekly report (issue 14: link / unlink after the weekly report) --------
LINK_KEPT_WEEKLY = (
    "Kept your weekly report on {day} at {time} {zone} on {kept}; the one on {dropped} is off."
)
UNLINK_WEEKLY = "Your weekly report stays with the account it is delivered to ({where})."
