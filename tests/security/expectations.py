"""The expectation table of the authorization matrix, written from DESIGN.md's roles table (and the README's
"What is inside" table where DESIGN.md is silent), not read off the code's answers.

One row per named route. A row says which object the route's `pk` names (or None), who *sees* that object
(else 404: no existence leak), who may *read* it (GET, else 403) and who may *write* (every other method,
else 403). Pages also say which methods they accept (others: 405); an API route's methods are its
viewset's actions, and DELETE, which no resource offers, is 405.

Roles (tests/security/world.py): am, owner, chair, member, lead, steward, auditor, admin — all of EMEA.
Kinds: own (theirs), region (someone else's in EMEA), other (in AMER).
"""

from collections.abc import Callable
from dataclasses import dataclass

OK, DENIED, HIDDEN, NOT_ALLOWED = "ok", 403, 404, 405
ROLES = ("am", "owner", "chair", "member", "lead", "steward", "auditor", "admin")
WIDE = {"auditor", "admin"}  # read across regions (DESIGN.md: auditor "everything non-sensitive")
BOARD = {"chair", "member"}

Predicate = Callable[[str, str], bool]  # (role, kind) -> bool


def anyone(role: str, kind: str) -> bool:
    return True


def nobody(role: str, kind: str) -> bool:
    return False


def roles(*names: str) -> Predicate:
    return lambda role, kind: role in names


def own(*names: str) -> Predicate:
    """One of these roles, on the object that is theirs."""
    return lambda role, kind: role in names and kind == "own"


def in_region(*names: str) -> Predicate:
    """One of these roles, on an object of their region (theirs or a colleague's)."""
    return lambda role, kind: role in names and kind != "other"


def either(*predicates: Predicate) -> Predicate:
    return lambda role, kind: any(predicate(role, kind) for predicate in predicates)


@dataclass(frozen=True)
class Row:
    obj: str | None = None  # the world's key of the object `pk` names
    gate: Predicate = anyone  # roles let through the resource's door at all (else 403, before anything)
    sees: Predicate = anyone
    read: Predicate = anyone
    write: Predicate = nobody
    methods: str = ""  # pages only: the methods the page accepts
    why: str = ""

    def expect(self, role: str, kind: str, method: str, refused: bool = False):
        # A page's method guard is its outermost decorator; an API resource asks its door first.
        if refused and self.methods:
            return NOT_ALLOWED
        if not self.gate(role, kind):
            return DENIED
        if refused:
            return NOT_ALLOWED
        if self.obj and not self.sees(role, kind):
            return HIDDEN
        answer = (self.read if method == "GET" else self.write)(role, kind)
        if answer is True:
            return OK
        return DENIED if answer is False else answer  # a predicate may name a status (409: wrong state)


def page(methods: str, **fields) -> Row:
    return Row(methods=methods, **fields)


# --- who sees what (DESIGN.md, "what they may see") ----------------------------------------------------

# Customers and their cases: everyone their region's (account managers: others' non-sensitive fields);
# auditors and administrators every region. DESIGN.md is silent on owners, boards and stewards: the code
# scopes them by region too.
sees_customer = either(in_region(*ROLES), roles(*WIDE))
# Exception requests past draft: the account manager's own; the owner's process; leads by region. Board
# members and chairs: DESIGN.md says "the exceptions under review" (on their board); the code shows them
# every request past draft of their regions, and so every review of those requests (exceptions/
# access_rules.py, `_exceptions`). Encoded as the code answers; reported to the lead as wider than DESIGN.md.
sees_exception = either(own("am", "owner"), in_region("lead", "chair", "member"), roles(*WIDE))
# A draft is its requester's alone (auditors and administrators read everything).
sees_draft = either(own("am"), roles(*WIDE))
# A review: its board, the owner of its process, and whoever sees the request under review.
sees_review = sees_exception
# A proposal (standardization/sunset) has no request: its board and its process's owner, and (issue 17: a lead
# proposes by hand and follows it) whoever sees an exception it covers — the world's proposal covers `exception`.
sees_proposal = either(own("owner", "chair", "member"), roles(*WIDE), sees_exception)
# Customer links (issue 20): the customer's account manager (and the issuer), the region's stewards and leads
# see them; the account manager, a steward of the region and administrators issue and revoke them.
sees_link = either(own("am"), in_region("steward", "lead"), roles(*WIDE))
issues_link = either(own("am"), in_region("steward"), roles("admin"))
revokes_link = issues_link
# Health reviews (issue 20, item 2): the customer's account manager, the region's operations leads, auditors and
# administrators see them; the account manager (or an administrator) completes one; a lead of the region cancels.
sees_health_review = either(own("am"), in_region("lead"), roles(*WIDE))
completes_health_review = either(own("am"), roles("admin"))
cancels_health_review = either(own("am"), in_region("lead"), roles("admin"))
CADENCE_KEEPERS = ("lead", "admin")
PROPOSERS = ("owner", "chair", "member", "lead")  # issue 17: proposals by hand
# The health score (issue 20, item 3): scores as the figures behind them; weights per region.
sees_score = either(own("am"), in_region("lead"), roles(*WIDE))
sees_weights = either(in_region(*ROLES), roles(*WIDE))
WEIGHT_KEEPERS = ("lead", "admin")
sets_weights = either(in_region("lead"), roles("admin"))
# Meetings: the board's members and chair; auditors (and administrators) read across boards.
sees_meeting = either(own("chair", "member"), roles(*WIDE))
# Threshold policies: everyone who answers for exceptions (not account managers, not stewards).
POLICY_READERS = ("owner", "chair", "member", "lead", "auditor", "admin")
POLICY_KEEPERS = ("chair", "lead", "admin")
# Escalations: the one raised to you; everyone but account managers, their regions'; auditors, all.
sees_escalation = either(own(*ROLES), in_region("owner", "chair", "member", "lead", "steward"), roles(*WIDE))
acts_on_escalation = either(own(*ROLES), in_region("lead"), roles("admin"))
# Grants and break-glass sessions: your own; a steward, every one of their regions.
sees_grant = either(own(*ROLES), in_region("steward"))
# The access log: data stewards and auditors only (CONTRACT.md), a 403 to anyone else at the door.
LOG_READERS = ("steward", "auditor")
# Imports: a run is seen by its starter, by leads and stewards of a region its rows describe, and by auditors
# and administrators (every region); out of region, 404 (issue 13).
sees_import = either(own(*ROLES), in_region("lead", "steward"), roles(*WIDE))
# Users and regions: colleagues sharing a region, yourself; auditors and administrators everyone.
sees_colleague = either(in_region(*ROLES), roles(*WIDE))

# Feedback items: the customer's account manager, the process's owner, leads of the region; auditors and
# administrators all (stewards: privacy complaints only, and the world's items are insights).
sees_feedback = either(own("am", "owner"), in_region("lead"), roles(*WIDE))

# --- who does what ------------------------------------------------------------------------------------

changes_customer = either(own("am"), in_region("lead"), roles("admin"))
places_customer = either(in_region("lead"), roles("admin"))  # lock/unlock a tier by hand
changes_consent = either(own("am"), in_region("steward"), roles("admin"))
TIER_KEEPERS = ("lead", "admin")  # segment thresholds and SLA policies
changes_case = either(own("am"), in_region("lead"), roles("admin"))  # their accounts' cases
requester = own("am")
IMPORTERS = roles("lead", "steward", "admin")  # the import pages' door


# Root-cause analyses (feedback/access_rules.py): the process owner's; leads of the customers' regions; the
# account managers whose customer's feedback triggered it; auditors and administrators. Run by the process
# (or RCA) owner and administrators; the loop closed by them or an account manager who sees it.
sees_rca = either(own("owner", "am"), in_region("lead"), roles(*WIDE))
runs_rca = either(own("owner"), roles("admin"))
closes_loop = either(own("owner", "am"), roles("admin"))


# Incidents (incidents/access_rules.py): everyone of the regions they touch sees them, auditors and
# administrators all; operations leads (their regions) and administrators declare; the owner, a lead of one of its
# regions or an administrator runs one (DESIGN.md, "Incidents and trust recovery"; issue 19).
sees_incident = either(in_region(*ROLES), roles(*WIDE))
runs_incident = either(in_region("lead"), roles("admin"))
DECLARERS = ("lead", "admin")
# Messages to affected customers (issue 19, item 3): the queue is for account managers, leads of the incident's
# regions and administrators; templates are read by everyone, written by leads and administrators. The world's
# incidents each affect their kind's customer: a preview of it is for whoever sees that affected row (an account
# manager: their own customer's; everyone else of the region; auditors and administrators all), else 404.
contacts_customers = either(roles("am", "admin"), in_region("lead"))
TEMPLATE_KEEPERS = ("lead", "admin")


def previews(role: str, kind: str) -> "bool | int":
    if role in WIDE or (role == "am" and kind == "own") or (role != "am" and kind != "other"):
        return True
    return HIDDEN


# Playbooks (keyaccounts/playbooks/access_rules.py; issue 20, item 1): read by everyone signed in like the tiers;
# a new version by process owners, operations leads and administrators. Plays due are scoped like their
# customer; the world's plays are an account manager's: done or skipped by the customer's own manager, a lead
# of its region, an administrator.
PLAYBOOK_EDITORS = ("owner", "lead", "admin")
marks_play = either(own("am"), in_region("lead"), roles("admin"))


def wrong_state(role: str, kind: str) -> int:
    """The world's requests are under review: a transition from another state is a 409 to anyone who sees
    the request, whoever they are (STYLE.md: a lifecycle row checks *from* before *who*)."""
    return 409


def reviews_break_glass(role: str, kind: str) -> bool:
    """A steward reviews the sessions of their regions, never their own (nobody marks their own homework)."""
    return role == "steward" and kind == "region"


def on_the_form(may: Predicate) -> Predicate:
    """Pages that show a refusal on the form they came from (status 400) rather than as a 403 page (the API
    answers 403 for the same refusal). Encoded as the code answers; reported to the lead."""
    return lambda role, kind: True if may(role, kind) else 400


def revokes_for_the_board(role: str, kind: str) -> "bool | int":
    """A chair ends an exception at once; the body names the account manager's request: 404 to whoever
    cannot see it (a steward), 403 to anyone else."""
    if role == "chair":
        return True
    return False if sees_exception(role, "own") else HIDDEN


logs_feedback = either(own("am"), in_region("lead"), roles("owner", "admin"))  # about a customer
# Survey invitations (issue 19, item 5): the customer's account manager, leads of the region, auditors and
# administrators see them; the account manager, a lead of the region or an administrator schedules and cancels.
sees_survey = either(own("am"), in_region("lead"), roles(*WIDE))
keeps_surveys = either(own("am"), in_region("lead"), roles("admin"))
confirms_sentiment = either(own("am"), in_region("lead"))  # the confirmation queue

# A request below its region's thresholds waits for a single approver: an operations lead of its region.
decides_alone = in_region("lead")
changes_process = either(own("owner"), roles("admin"))
books_cost = either(own("am"), in_region("lead"))
votes = own("chair", "member")
chairs = own("chair")
assesses_impact = own("owner")

# The dashboard (CONTRACT.md): operations leads, board members and chairs, auditors, administrators.
DASHBOARD_READERS = ("lead", "chair", "member", "auditor", "admin")
ROUTES: dict[str, Row] = {
    # --- kernel pages ---------------------------------------------------------------------------------
    # No method guard on these three: a POST is answered as the GET is.
    "home": page("GET POST", write=anyone, why="sends you to your role's home page"),
    "role-home": page(
        "GET POST", read=own(*ROLES), write=own(*ROLES), why="your own role's home vs another role's"
    ),
    "accounts:login": page("GET POST", write=anyone),
    "accounts:logout": page("POST", write=anyone),
    "audit-trail": page("GET POST", read=roles(*WIDE), write=roles(*WIDE)),
    "audit-verify": page("GET POST", read=roles(*WIDE), write=roles(*WIDE)),
    "audit-trail-csv": page("GET", read=roles(*WIDE)),
    "audit-verify-download": page("GET", read=roles(*WIDE)),
    "notifications": page("GET"),
    # The top bar's search: everyone signed in; what it finds is scoped (tests/search).
    "search:results": page("GET"),
    "accounts:profile": page("GET POST", write=anyone),
    "notifications-read": page("POST", write=anyone),
    # Opening a notification marks it read and redirects: only your own exist for you.
    "notification-open": page("GET", obj="notification", sees=own(*ROLES)),
    "notification-settings": page("GET POST", write=anyone),
    # Saved views of the work lists (issue 18): anyone names their own; only yours exist for you.
    "saved_views:save": page("POST", write=anyone),
    "saved_views:delete": page("POST", obj="saved-view", sees=own(*ROLES), write=own(*ROLES)),
    "escalations:list": page("GET"),
    "escalations:list-csv": page("GET"),
    # Acknowledging several at once: each escalation is then asked of its own rule, as its row's button is.
    "escalations:bulk-acknowledge": page("POST", write=anyone),
    "escalations:acknowledge": page("POST", obj="escalation", sees=sees_escalation, write=acts_on_escalation),
    "escalations:resolve": page(
        "GET POST",
        obj="escalation",
        sees=sees_escalation,
        read=acts_on_escalation,
        write=acts_on_escalation,
    ),
    "healthz": page("GET", why="public"),
    "favicon": page("GET", why="public"),
    "checks": page("GET", read=roles("lead", "admin")),
    "check-history": page("GET", read=roles("lead", "admin")),
    "check-row": page("GET", read=roles("lead", "admin")),
    "check-run": page("POST", write=roles("admin")),
    "dashboard:page": page("GET", read=roles(*DASHBOARD_READERS)),
    "dashboard:panel": page("GET", read=roles(*DASHBOARD_READERS)),
    "dashboard:csv": page("GET", read=roles(*DASHBOARD_READERS)),
    # --- segments pages -------------------------------------------------------------------------------
    "segments:customer-list": page("GET"),
    "segments:customer-export-csv": page("GET"),
    "segments:customer-detail": page("GET", obj="customer", sees=sees_customer),
    "segments:customer-lock": page("POST", obj="customer", sees=sees_customer, write=places_customer),
    "segments:customer-unlock": page("POST", obj="customer", sees=sees_customer, write=places_customer),
    "segments:customer-consent": page("POST", obj="customer", sees=sees_customer, write=changes_consent),
    "segments:customer-subject-export": page(
        "POST", obj="customer", sees=sees_customer, write=roles("steward")
    ),
    "segments:customer-break-glass": page(
        "POST", obj="customer", sees=sees_customer, write=anyone, why="anyone who sees it, justified"
    ),
    "segments:tiers": page("GET"),
    "segments:tiers-preview": page("POST", write=roles(*TIER_KEEPERS)),
    "segments:tiers-apply": page("POST", write=roles(*TIER_KEEPERS)),
    # A history entry's revert: a preview (changes nothing) for those who keep the thresholds.
    "segments:tiers-revert": page("GET", obj="threshold-change", read=roles(*TIER_KEEPERS)),
    "segments:sla": page("GET"),
    "segments:sla-edit": page(
        "GET POST", obj="segment", read=roles(*TIER_KEEPERS), write=roles(*TIER_KEEPERS)
    ),
    "segments:case-list": page("GET"),
    "segments:case-list-csv": page("GET"),
    # Issue 18, defect 7: a case's page (everyone who sees the customer) and its lifecycle's steps (its
    # account manager, a lead of the region, an administrator).
    "segments:case-detail": page("GET", obj="case", sees=sees_customer),
    "segments:case-step": page("POST", obj="case", sees=sees_customer, write=changes_case),
    "segments:imports": page("GET POST", gate=IMPORTERS, write=anyone),
    "segments:import-detail": page("GET", obj="import", gate=IMPORTERS, sees=sees_import),
    "segments:import-progress": page("GET", obj="import", gate=IMPORTERS, sees=sees_import),
    "segments:import-rejected-csv": page("GET", obj="import", gate=IMPORTERS, sees=sees_import),
    "privacy:access-log": page("GET", read=roles(*LOG_READERS)),
    "privacy:grants": page("GET POST", read=roles("steward"), write=roles("steward")),
    "privacy:grant-revoke": page("POST", obj="grant", sees=sees_grant, write=roles("steward")),
    "privacy:break-glass": page("GET", read=roles("steward")),
    "privacy:break-glass-review": page("POST", obj="break-glass", sees=sees_grant, write=reviews_break_glass),
    "privacy:retention": page("GET", read=roles("steward", "auditor", "admin")),
    # --- exceptions pages -----------------------------------------------------------------------------
    "exceptions:list": page("GET"),
    "exceptions:list-csv": page("GET"),
    "exceptions:waiting": page("GET", read=roles("lead")),
    # One decision on several lead-routed requests (issue 18, "Queues"): the lead's, each item then checked as alone.
    "exceptions:waiting-bulk": page("POST", write=roles("lead")),
    "exceptions:new": page("GET POST", read=roles("am"), write=roles("am")),
    "exceptions:autosave": page("POST", write=roles("am")),
    "exceptions:similar": page("GET"),
    "exceptions:detail": page("GET", obj="exception", sees=sees_exception),
    "exceptions:edit": page("GET POST", obj="draft", sees=sees_draft, read=requester, write=requester),
    "exceptions:review": page(
        "GET",
        obj="draft",
        sees=sees_draft,
        why="the check before submitting; else back to the request",
    ),
    "exceptions:submit": page("POST", obj="draft", sees=sees_draft, write=requester),
    "exceptions:decide": page("POST", obj="lead-exception", sees=sees_exception, write=decides_alone),
    "exceptions:withdraw": page(
        "GET POST", obj="exception", sees=sees_exception, read=requester, write=requester
    ),
    # Issue 18, defect 7: a draft is discarded by its requester (a confirmation page first).
    "exceptions:discard": page("GET POST", obj="draft", sees=sees_draft, read=requester, write=requester),
    "exceptions:cost-add": page("POST", obj="exception", sees=sees_exception, write=books_cost),
    "exceptions:extension-request": page("POST", obj="exception", sees=sees_exception, write=requester),
    "exceptions:extension-decide": page(
        "POST", obj="exception", sees=sees_exception, write=in_region("lead")
    ),
    "exceptions:process-list": page("GET"),
    "exceptions:process-detail": page("GET", obj="process"),
    "exceptions:process-edit": page("GET POST", obj="process", read=changes_process, write=changes_process),
    "exceptions:process-publish": page(
        "GET POST", obj="process", read=changes_process, write=changes_process
    ),
    # Routing thresholds as pages: everyone reads them; an administrator or a lead of the region edits.
    "exceptions:thresholds": page("GET"),
    "exceptions:threshold-edit": page(
        "GET POST",
        obj="routing-threshold",
        read=either(in_region("lead"), roles("admin")),
        write=either(in_region("lead"), roles("admin")),
    ),
    # --- the conversation on a request and on a review (intimacy_ops/conversation) ----------------------
    # Access follows the subject's: whoever sees it comments, watches, is suggested and downloads; else 404.
    "conversation:request-comment": page("POST", obj="exception", sees=sees_exception, write=anyone),
    "conversation:request-watch": page("POST", obj="exception", sees=sees_exception, write=anyone),
    "conversation:request-people": page("GET", obj="exception", sees=sees_exception),
    "conversation:review-comment": page("POST", obj="review", sees=sees_review, write=anyone),
    "conversation:review-watch": page("POST", obj="review", sees=sees_review, write=anyone),
    "conversation:review-people": page("GET", obj="review", sees=sees_review),
    # A file attached to a comment on the world's request of that kind.
    "conversation:attachment": page("GET", obj="attachment", sees=sees_exception),
    # --- governance pages -----------------------------------------------------------------------------
    "governance:queue": page("GET"),
    "governance:review-list-csv": page("GET"),
    "governance:review": page("GET", obj="review", sees=sees_review),
    "governance:review-vote": page("POST", obj="review", sees=sees_review, write=on_the_form(votes)),
    "governance:review-declare-interest": page(
        "POST", obj="review", sees=sees_review, write=on_the_form(votes)
    ),
    "governance:review-decide": page("POST", obj="review", sees=sees_review, write=chairs),
    "governance:review-co-opt": page("POST", obj="review", sees=sees_review, write=chairs),
    "governance:review-impact": page("POST", obj="review", sees=sees_review, write=assesses_impact),
    "governance:board-history": page("GET", obj="board"),
    # Keeping the boards (issue 17, item 6): everyone reads the list; administrators set up and change them.
    "governance:boards": page("GET"),
    "governance:board-new": page("GET POST", read=roles("admin"), write=roles("admin")),
    "governance:board-edit": page("GET POST", obj="board", read=roles("admin"), write=roles("admin")),
    "governance:meetings": page("GET"),
    "governance:meeting-new": page("GET POST", read=roles("chair"), write=roles("chair")),
    "governance:meeting": page("GET", obj="meeting", sees=sees_meeting),
    "governance:meeting-ics": page("GET", obj="meeting", sees=sees_meeting),
    "governance:meeting-edit": page("GET POST", obj="meeting", sees=sees_meeting, read=chairs, write=chairs),
    "governance:meeting-cancel": page(
        "GET POST", obj="meeting", sees=sees_meeting, read=chairs, write=chairs
    ),
    "governance:meeting-agenda-add": page("POST", obj="meeting", sees=sees_meeting, write=chairs),
    "governance:meeting-agenda-remove": page("POST", obj="meeting", sees=sees_meeting, write=chairs),
    "governance:meeting-agenda-move": page("POST", obj="meeting", sees=sees_meeting, write=chairs),
    "governance:meeting-attendance": page("POST", obj="meeting", sees=sees_meeting, write=chairs),
    "governance:meeting-minutes": page("POST", obj="meeting", sees=sees_meeting, write=chairs),
    "governance:calendar": page("GET"),
    "governance:calendar-reset": page("GET POST", write=anyone),
    "governance:calendar-feed": page("GET", why="the secret token is the credential"),
    "governance:policies": page("GET", read=roles(*POLICY_READERS)),
    "governance:policy-new": page("GET POST", read=roles(*POLICY_KEEPERS), write=roles(*POLICY_KEEPERS)),
    "governance:policy-evaluate": page("POST", write=roles(*POLICY_KEEPERS)),
    "governance:policy-edit": page(
        "GET POST",
        obj="threshold-policy",
        sees=roles(*POLICY_READERS),
        read=roles(*POLICY_KEEPERS),
        write=roles(*POLICY_KEEPERS),
    ),
    "governance:policy-deactivate": page(
        "GET POST",
        obj="threshold-policy",
        sees=roles(*POLICY_READERS),
        read=roles(*POLICY_KEEPERS),
        write=roles(*POLICY_KEEPERS),
    ),
    "governance:proposal": page("GET", obj="proposal", sees=sees_proposal),
    "governance:proposal-new": page("GET POST", read=roles(*PROPOSERS), write=roles(*PROPOSERS)),
    # The condition's owner (the world's: the account manager of its kind) or the board's chair marks it met.
    "governance:condition-met": page("POST", obj="condition", sees=sees_review, write=own("am", "chair")),
    # The world's exception is under review, not active: a 409 to whoever sees it (the lifecycle's *from*).
    "governance:exception-sunset": page(
        "GET POST", obj="exception", sees=sees_exception, read=wrong_state, write=wrong_state
    ),
    "governance:exception-revoke": page(
        "GET POST", obj="exception", sees=sees_exception, read=wrong_state, write=wrong_state
    ),
    # --- feedback pages -------------------------------------------------------------------------------
    "feedback:list": page("GET"),
    "feedback:list-csv": page("GET"),
    "feedback:queue": page("GET"),
    "feedback:confirm": page("POST", obj="feedback", sees=sees_feedback, write=confirms_sentiment),
    "feedback:log-insight": page("POST", obj="customer", sees=sees_customer, write=logs_feedback),
    "feedback:survey-schedule": page("POST", obj="customer", sees=sees_customer, write=keeps_surveys),
    "feedback:survey-cancel": page("POST", obj="survey-invitation", sees=sees_survey, write=keeps_surveys),
    # --- API: kernel ----------------------------------------------------------------------------------
    "api-root": Row(),
    "api-schema": Row(),
    "api-docs": Row(),
    "api-token": Row(write=anyone, why="POST without credentials: 400"),
    "api-dashboard-summary": Row(read=roles(*DASHBOARD_READERS)),
    "api-dashboard-panel": Row(read=roles(*DASHBOARD_READERS)),
    "region-list": Row(),
    "region-detail": Row(obj="region", sees=sees_colleague),
    "user-list": Row(),
    "user-me": Row(),
    "user-detail": Row(obj="user", sees=sees_colleague),
    "escalation-list": Row(),
    "escalation-detail": Row(obj="escalation", sees=sees_escalation),
    "escalation-acknowledge": Row(obj="escalation", sees=sees_escalation, write=acts_on_escalation),
    "escalation-resolve": Row(obj="escalation", sees=sees_escalation, write=acts_on_escalation),
    # --- API: segments --------------------------------------------------------------------------------
    "segment-list": Row(),
    "segment-detail": Row(obj="segment"),
    # DESIGN.md and the tiers page: the preview is the operations lead's; the API lets anyone preview (the
    # sample is scoped, the counts are every region's). Encoded as the code answers; reported to the lead.
    "segment-preview": Row(write=anyone),
    "segment-apply": Row(write=roles(*TIER_KEEPERS)),
    "customer-list": Row(write=roles("am", "lead", "admin")),
    "customer-detail": Row(obj="customer", sees=sees_customer, write=changes_customer),
    "customer-lock-segment": Row(obj="customer", sees=sees_customer, write=places_customer),
    "customer-unlock-segment": Row(obj="customer", sees=sees_customer, write=places_customer),
    "customer-subject-subject-export": Row(
        obj="customer", sees=sees_customer, read=roles("steward"), write=roles("steward")
    ),
    "sla-policy-list": Row(write=roles(*TIER_KEEPERS)),
    "sla-policy-detail": Row(obj="sla-policy", write=roles(*TIER_KEEPERS)),
    "case-list": Row(
        write=roles("am", "lead", "steward", "admin"), why="stewards log cases they import from ticketing"
    ),
    "case-detail": Row(obj="case", sees=sees_customer),
    "case-respond": Row(obj="case", sees=sees_customer, write=changes_case),
    "case-resolve": Row(obj="case", sees=sees_customer, write=changes_case),
    "case-wait": Row(obj="case", sees=sees_customer, write=changes_case),
    "case-resume": Row(obj="case", sees=sees_customer, write=changes_case),
    "access-log-list": Row(gate=roles(*LOG_READERS)),
    "access-log-detail": Row(obj="access-log", gate=roles(*LOG_READERS)),
    "access-grant-list": Row(write=roles("steward")),
    "access-grant-detail": Row(obj="grant", sees=sees_grant),
    "access-grant-revoke": Row(obj="grant", sees=sees_grant, write=roles("steward")),
    "break-glass-list": Row(write=anyone),
    "break-glass-detail": Row(obj="break-glass", sees=sees_grant),
    "break-glass-review": Row(obj="break-glass", sees=sees_grant, write=reviews_break_glass),
    # --- API: exceptions ------------------------------------------------------------------------------
    "process-list": Row(write=roles("owner", "admin"), why="an owner adds a process to the catalog"),
    "process-cost-summary": Row(),
    "process-standard-option-candidates": Row(),
    "process-detail": Row(obj="process", write=changes_process),
    "process-versions": Row(obj="process", write=changes_process),
    "exception-list": Row(write=roles("am")),
    "exception-detail": Row(obj="draft", sees=sees_draft, write=requester),
    "exception-submit": Row(obj="draft", sees=sees_draft, write=requester),
    "exception-withdraw": Row(obj="exception", sees=sees_exception, write=requester),
    "exception-approve": Row(obj="lead-exception", sees=sees_exception, write=decides_alone),
    "exception-reject": Row(obj="lead-exception", sees=sees_exception, write=decides_alone),
    "exception-return-for-changes": Row(obj="lead-exception", sees=sees_exception, write=decides_alone),
    "exception-sunset": Row(obj="exception", sees=sees_exception, write=wrong_state, why="active ones only"),
    "exception-revoke": Row(obj="exception", sees=sees_exception, write=wrong_state, why="active ones only"),
    "exception-transitions": Row(obj="exception", sees=sees_exception),
    "exception-costs": Row(obj="exception", sees=sees_exception, write=books_cost),
    "exception-extensions": Row(obj="exception", sees=sees_exception, write=requester),
    "exception-decide-extension": Row(obj="exception", sees=sees_exception, write=in_region("lead")),
    "routing-threshold-list": Row(),
    "routing-threshold-detail": Row(obj="routing-threshold", write=either(in_region("lead"), roles("admin"))),
    # --- API: governance ------------------------------------------------------------------------------
    "board-list": Row(),
    "board-detail": Row(obj="board"),
    "review-list": Row(write=roles(*PROPOSERS), why="a proposal by hand; without a body, 400 past the door"),
    "review-detail": Row(obj="review", sees=sees_review),
    "review-votes": Row(obj="review", sees=sees_review, write=votes),
    "review-decide": Row(obj="review", sees=sees_review, write=chairs),
    "review-declare-interest": Row(obj="review", sees=sees_review, write=votes),
    "review-co-opt": Row(obj="review", sees=sees_review, write=chairs),
    "review-impact": Row(obj="review", sees=sees_review, write=assesses_impact),
    "meeting-list": Row(),
    "meeting-detail": Row(obj="meeting", sees=sees_meeting),
    "threshold-policy-list": Row(write=roles(*POLICY_KEEPERS)),
    "threshold-policy-evaluate": Row(write=roles(*POLICY_KEEPERS)),
    "threshold-policy-detail": Row(
        obj="threshold-policy", sees=roles(*POLICY_READERS), write=roles(*POLICY_KEEPERS)
    ),
    "threshold-policy-deactivate": Row(
        obj="threshold-policy", sees=roles(*POLICY_READERS), write=roles(*POLICY_KEEPERS)
    ),
    "board-revocation-list": Row(write=revokes_for_the_board, why="the body names an exception"),
    "board-sunset-list": Row(write=revokes_for_the_board, why="the body names an exception"),
    # --- API: feedback --------------------------------------------------------------------------------
    "feedback-list": Row(
        write=roles("am", "lead", "owner", "admin"), why="the body names their own customer"
    ),
    "feedback-detail": Row(obj="feedback", sees=sees_feedback),
    "feedback-confirm-sentiment": Row(obj="feedback", sees=sees_feedback, write=confirms_sentiment),
    "survey-invitation-list": Row(
        write=roles("am", "lead", "admin"), why="the body names their own customer"
    ),
    "survey-invitation-detail": Row(obj="survey-invitation", sees=sees_survey),
    "survey-invitation-cancel": Row(obj="survey-invitation", sees=sees_survey, write=keeps_surveys),
    # --- key accounts: customer links (issue 20) -------------------------------------------------------
    "keyaccounts:link-issue": page("POST", obj="customer", sees=sees_customer, write=issues_link),
    "keyaccounts:link-revoke": page(
        "GET POST", obj="customer-link", sees=sees_link, read=revokes_link, write=revokes_link
    ),
    "customer-link": page(
        "GET",
        read=lambda role, kind: HIDDEN,
        why="the signed token is the credential: the matrix's is none (404)",
    ),
    "customer-link-list": Row(write=roles("am", "steward", "admin"), why="the body names their own customer"),
    "customer-link-detail": Row(obj="customer-link", sees=sees_link),
    "customer-link-revoke": Row(obj="customer-link", sees=sees_link, write=revokes_link),
    # --- key accounts: the health score (issue 20, item 3) ----------------------------------------------
    # Scores: the customer's account manager, leads of its region, auditors and administrators (the parts
    # count feedback and escalations an account manager sees only for their own customers). Weights: read by
    # everyone for their regions; a new version by a lead of the region or an administrator.
    "keyaccounts:health-list": page("GET"),
    "keyaccounts:health-weights": page("GET POST", write=roles(*WEIGHT_KEEPERS)),
    "health-score-list": Row(),
    "health-score-detail": Row(obj="health-score", sees=sees_score),
    "health-weights-list": Row(write=roles(*WEIGHT_KEEPERS), why="the body names the region EMEA"),
    "health-weights-detail": Row(obj="health-weights", sees=sees_weights, write=sets_weights),
    # --- key accounts: health reviews (issue 20, item 2; the world's reviews are open) --------------------
    "keyaccounts:health-reviews": page("GET"),
    "keyaccounts:health-cadence": page("GET POST", write=roles(*CADENCE_KEEPERS)),
    "keyaccounts:health-review": page("GET", obj="health-review", sees=sees_health_review),
    "keyaccounts:health-review-complete": page(
        "POST", obj="health-review", sees=sees_health_review, write=completes_health_review
    ),
    "keyaccounts:health-review-cancel": page(
        "GET POST",
        obj="health-review",
        sees=sees_health_review,
        read=cancels_health_review,
        write=cancels_health_review,
    ),
    "health-review-list": Row(),
    "health-review-detail": Row(obj="health-review", sees=sees_health_review),
    "health-review-complete": Row(
        obj="health-review", sees=sees_health_review, write=completes_health_review
    ),
    "health-review-cancel": Row(obj="health-review", sees=sees_health_review, write=cancels_health_review),
    # --- feedback: root-cause analyses (the world's RCAs are open) -----------------------------------
    "feedback:rca-board": page("GET"),
    "feedback:rca": page("GET", obj="rca", sees=sees_rca),
    **{
        f"feedback:rca-{name}": page("POST", obj="rca", sees=sees_rca, write=runs_rca)
        for name in ("analysis", "whys", "actions", "step")
    },
    "feedback:rca-loop": page("POST", obj="rca", sees=sees_rca, write=closes_loop),
    "rca-list": Row(write=roles("owner", "lead", "admin")),
    **{
        f"rca-{name}": Row(obj="rca", sees=sees_rca, write=runs_rca)
        for name in ("detail", "start-analysis", "cancel", "whys", "reorder-whys", "actions", "move-action")
    },
    **{
        f"rca-{name}": Row(obj="rca", sees=sees_rca, write=wrong_state)
        for name in ("plan-actions", "verify", "close")
    },
    "rca-loop-closures": Row(obj="rca", sees=sees_rca, write=closes_loop),
    # --- incidents (the world's incidents are open) ---------------------------------------------------
    "incidents:list": page("GET"),
    "incidents:declare": page("GET POST", read=roles(*DECLARERS), write=roles(*DECLARERS)),
    "incidents:detail": page("GET", obj="incident", sees=sees_incident),
    "incidents:step": page("POST", obj="incident", sees=sees_incident, write=runs_incident),
    "incidents:update": page("POST", obj="incident", sees=sees_incident, write=runs_incident),
    "incidents:customers": page("POST", obj="incident", sees=sees_incident, write=runs_incident),
    "incident-list": Row(write=roles(*DECLARERS), why="without a body, 400 past the door"),
    "incident-detail": Row(obj="incident", sees=sees_incident),
    **{
        f"incident-{name}": Row(obj="incident", sees=sees_incident, write=runs_incident)
        for name in ("mitigate", "resolve", "cancel", "updates", "customers")
    },
    "incident-review": Row(obj="incident", sees=sees_incident, write=wrong_state),
    # Goodwill: account managers (to their own affected customers: the body decides, 400 past the door) and
    # whoever runs the incident.
    "incident-goodwill": Row(obj="incident", sees=sees_incident, write=either(roles("am"), runs_incident)),
    # The post-mortem (issue 19, item 6): read by whoever sees the incident, written by whoever runs it; its
    # recovery figures (item 7) read by whoever sees it (an account manager: their own customers').
    "incidents:post-mortem": page("GET POST", obj="incident", sees=sees_incident, write=runs_incident),
    "incident-post-mortem": Row(obj="incident", sees=sees_incident, write=runs_incident),
    "incident-recovery": Row(obj="incident", sees=sees_incident),
    # Messages (issue 19, item 3): the queue and its forms (without a body: 400 past the door), the API's record
    # and preview (the body names the kind's affected customer), the templates.
    "incidents:contact": page("GET", obj="incident", sees=sees_incident, read=contacts_customers),
    "incidents:contact-send": page("POST", obj="incident", sees=sees_incident, write=contacts_customers),
    "incidents:contact-goodwill": page("POST", obj="incident", sees=sees_incident, write=contacts_customers),
    "incidents:templates": page("GET"),
    "incidents:template-edit": page(
        "GET POST", read=roles(*TEMPLATE_KEEPERS), write=roles(*TEMPLATE_KEEPERS)
    ),
    "incident-messages": Row(obj="incident", sees=sees_incident, write=contacts_customers),
    "incident-messages-preview": Row(obj="incident", sees=sees_incident, read=previews),
    "incident-template-list": Row(write=roles(*TEMPLATE_KEEPERS), why="without a body, 400 past the door"),
    # --- key accounts: playbooks per tier (issue 20, item 1) ----------------------------------------------
    "keyaccounts:playbooks": page("GET"),
    "keyaccounts:playbook-edit": page(
        "GET POST", obj="segment", read=roles(*PLAYBOOK_EDITORS), write=roles(*PLAYBOOK_EDITORS)
    ),
    "keyaccounts:play-close": page("POST", obj="play", sees=sees_customer, write=marks_play),
    "playbook-list": Row(write=roles(*PLAYBOOK_EDITORS), why="the body publishes a version of a tier"),
    "playbook-detail": Row(obj="playbook"),
    "play-list": Row(),
    "play-detail": Row(obj="play", sees=sees_customer),
    "play-done": Row(obj="play", sees=sees_customer, write=marks_play),
    "play-skip": Row(obj="play", sees=sees_customer, write=marks_play),
}

# Routes the matrix does not walk, each with its reason. Everything else must have a row above.
NOT_WALKED = {
    "admin": "Django admin (namespace admin:): staff only, guarded by Django's own admin site",
}
